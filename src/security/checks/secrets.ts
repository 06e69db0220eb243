// Check 4: default or weak secrets. Each secret setting (the values are never printed) is compared
// with values published in this repository and with each other, and judged for variety; the demo
// shop switched on at a public address is reported too.
import { type Check, type Finding, isLocalUrl } from '../findings.ts';

const ID = 'secrets';

/** Values that appear in this repository (tests, examples) or in every how-to: anyone may know them. */
const PUBLISHED = new Set(['test-staff-token-0123456789abcdef0123456789', 'changeme', 'change-me', 'secret', 'password', '0123456789abcdef0123456789abcdef', 'abcdefghijklmnopqrstuvwxyz012345']);

export function weakness(value: string): string | null {
  const v = value.trim();
  if (PUBLISHED.has(v.toLowerCase())) return 'is a value published in examples or tests';
  if (v.length < 32) return 'is shorter than 32 characters';
  if (new Set(v).size < 10) return 'uses fewer than 10 different characters';
  if (/^(.{1,8})\1+$/.test(v)) return 'repeats a short pattern';
  if (/(changeme|change-me|example|placeholder|secret123|password)/i.test(v)) return 'looks like a placeholder';
  return null;
}

export const secretsCheck: Check = {
  id: ID,
  title: 'Default or weak secrets (webhook secrets, API tokens, processor keys) and the demo shop at a public address',
  async run({ config }) {
    const secrets: [string, string | null][] = [
      ['STAFF_API_TOKEN', config.staffApiToken],
      ['MAIL_BOUNCE_SECRET', config.mailBounceSecret],
      ['MAIL_INBOUND_SECRET', config.mailInboundSecret],
      ['SANDBOX_PROCESSOR_SECRET', config.payments.sandboxSecret],
      ['STRIPE_WEBHOOK_SECRET', config.payments.stripeWebhookSecret],
    ];
    const out: Finding[] = [];
    for (const [name, value] of secrets) {
      if (!value) continue;
      const why = weakness(name === 'STRIPE_WEBHOOK_SECRET' ? value.replace(/^whsec_/, '') : value);
      if (why)
        out.push({
          check: ID,
          severity: 'high',
          title: `${name} is weak`,
          detail: `The value of ${name} ${why} (the value is not shown).`,
          fix: `Set ${name} to a new random value, e.g. \`openssl rand -base64 36\`, and give it to whoever sends it.`,
        });
    }
    const set = secrets.filter((s): s is [string, string] => !!s[1]);
    for (let i = 0; i < set.length; i++)
      for (let j = i + 1; j < set.length; j++)
        if (set[i]![1] === set[j]![1])
          out.push({
            check: ID,
            severity: 'high',
            title: `${set[i]![0]} and ${set[j]![0]} are the same`,
            detail: 'One secret opens two doors: whoever holds one holds both.',
            fix: `Give ${set[j]![0]} a value of its own.`,
          });
    if (config.demoData && !isLocalUrl(config.publicUrl))
      out.push({
        check: ID,
        severity: 'medium',
        title: 'The demo shop is switched on at a public address',
        detail: `DEMO_DATA is on and PUBLIC_URL is ${config.publicUrl}: an empty database gets the demo's products, sign-ins and data.`,
        fix: 'Set DEMO_DATA=false for a real shop.',
      });
    return out;
  },
};
