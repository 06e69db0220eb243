// The live figures a promise can show, by key: each key of the catalogue's `evidence` lists is one
// figure read off the kernel's ledgers (app.privacy.evidence) or the rights module's requests. A
// key is a name (`erasures`) or a name and an argument from the data map (`reads:order-status`);
// a name that takes an argument is written here with its colon.
import { type AuditTally, type PrivacyEvidence, disclosureBases, isDisclosureBasis, type DataMap, type RefusalReason } from '../../privacy/index.ts';
import { requestKinds, type RequestStatus } from '../tables.ts';
import type { RequestTally } from './request-counts.ts';

export interface Figures {
  privacy: PrivacyEvidence;
  requests: readonly RequestTally[];
  map: DataMap;
  region: string;
}

export interface Figure {
  key: string;
  label: string;
  value: string;
}

type Argument = 'purpose' | 'recipient' | 'basis' | 'request kind';

interface Family {
  /** What the argument after the colon names, for keys that take one. */
  argument?: Argument;
  label(map: DataMap, arg: string): string;
  value(f: Figures, arg: string): string;
}

const sum = (counts: readonly { count: number }[]) => counts.reduce((n, c) => n + c.count, 0);
const audited = (f: Figures, test: (t: AuditTally) => boolean) => sum(f.privacy.audit.filter(test));
const ok = (action: string) => (t: AuditTally) => t.action === action && t.outcome === 'ok';

/** "3 (fulfillment 2, support 1)": a total and its parts, largest first. */
function breakdown(parts: ReadonlyMap<string, number>): string {
  const total = [...parts.values()].reduce((a, b) => a + b, 0);
  if (!total) return '0';
  return `${total} (${[...parts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([name, n]) => `${name} ${n}`)
    .join(', ')})`;
}

function tallyBy<T>(rows: readonly T[], name: (row: T) => string, count: (row: T) => number): Map<string, number> {
  const parts = new Map<string, number>();
  for (const row of rows) parts.set(name(row), (parts.get(name(row)) ?? 0) + count(row));
  return parts;
}

function consentFigure(f: Figures, purpose?: string): string {
  const rows = f.privacy.consents.filter((c) => purpose === undefined || c.purpose === purpose);
  const grants = sum(rows.filter((c) => c.action === 'grant'));
  const withdrawals = sum(rows.filter((c) => c.action === 'withdraw'));
  return `${grants} ${grants === 1 ? 'grant' : 'grants'}, ${withdrawals} ${withdrawals === 1 ? 'withdrawal' : 'withdrawals'}`;
}

const statusWords: [RequestStatus, string][] = [
  ['unverified', 'waiting for proof of identity'],
  ['open', 'open'],
  ['in-progress', 'in progress'],
  ['completed', 'completed'],
  ['rejected', 'rejected'],
];

function requestFigure(rows: readonly RequestTally[]): string {
  const parts = statusWords.flatMap(([status, words]) => {
    const n = sum(rows.filter((r) => r.status === status));
    return n ? [`${n} ${words}`] : [];
  });
  const overdue = rows.reduce((n, r) => n + r.overdue, 0);
  return `${parts.length ? parts.join(', ') : 'none'}, ${overdue} overdue`;
}

function refusals(label: string, reasons: readonly RefusalReason[], only: (t: AuditTally) => boolean = () => true): Family {
  return { label: () => label, value: (f) => String(audited(f, (t) => t.outcome === 'refused' && reasons.includes(t.reason as RefusalReason) && only(t))) };
}

const families: Record<string, Family> = {
  reads: { label: () => 'reads of personal data, each audited', value: (f) => String(audited(f, ok('data.read'))) },
  'reads.staff': {
    label: () => 'reads by staff, each audited with its purpose',
    value: (f) =>
      breakdown(
        tallyBy(
          f.privacy.audit.filter((t) => ok('data.read')(t) && t.actorKind === 'staff'),
          (t) => t.purpose ?? '?',
          (t) => t.count,
        ),
      ),
  },
  'reads:': { argument: 'purpose', label: (map, p) => `reads under ${map.purposes.get(p)?.name ?? p}`, value: (f, p) => String(audited(f, (t) => ok('data.read')(t) && t.purpose === p)) },
  writes: { label: () => 'items stored, each encrypted under the person’s own key', value: (f) => String(audited(f, ok('data.write'))) },
  corrections: { label: () => 'corrections made', value: (f) => String(audited(f, ok('data.correct'))) },
  erasures: { label: () => 'erasures completed', value: (f) => String(audited(f, ok('subject.erase'))) },
  purged: { label: () => 'items purged by the sweep', value: (f) => `${f.privacy.purged.expiredItems} past their retention, ${f.privacy.purged.erasedItems} of erased people` },
  subjects: {
    label: () => 'people, by status',
    value: (f) => (['active', 'restricted', 'erased'] as const).map((status) => `${sum(f.privacy.subjects.filter((s) => s.status === status))} ${status}`).join(', '),
  },
  keys: {
    label: () => 'key events',
    value: (f) => `${audited(f, ok('key.create'))} data keys made, ${audited(f, ok('key.destroy'))} destroyed, ${audited(f, ok('key.rotate'))} master-key rotations`,
  },
  chain: { label: () => 'audit log entries', value: (f) => `${f.privacy.chain.sealed} sealed in the hash chain, ${f.privacy.chain.pending} waiting for the sealer` },
  'dpo.listings': {
    label: () => 'privacy-officer listings and reports, each audited',
    value: (f) => String(audited(f, (t) => t.outcome === 'ok' && ['disclosure.list', 'notice.list', 'evidence.read'].includes(t.action))),
  },
  policy: { label: () => 'policy versions published', value: (f) => String(audited(f, ok('policy.publish'))) },
  region: { label: () => 'data region enforced at start', value: (f) => f.region },

  consents: { label: () => 'consent ledger', value: (f) => consentFigure(f) },
  'consents:': { argument: 'purpose', label: (map, p) => `choices for ${map.purposes.get(p)?.name ?? p}`, value: (f, p) => consentFigure(f, p) },

  disclosures: {
    label: () => 'disclosures in the ledger, by basis',
    value: (f) =>
      breakdown(
        tallyBy(
          f.privacy.disclosures,
          (d) => d.basis,
          (d) => d.count,
        ),
      ),
  },
  'disclosed-to:': {
    argument: 'recipient',
    label: (map, r) => `disclosures to ${map.recipients.get(r)?.name ?? r}`,
    value: (f, r) => String(sum(f.privacy.disclosures.filter((d) => d.recipient === r))),
  },
  'disclosed-on:': { argument: 'basis', label: (_, b) => `disclosures on the ${b} basis`, value: (f, b) => String(sum(f.privacy.disclosures.filter((d) => d.basis === b))) },
  'disclosures.dpo-approved': {
    label: () => 'disclosures on a basis the DPO must approve',
    value: (f) =>
      breakdown(
        tallyBy(
          f.privacy.disclosures.filter((d) => isDisclosureBasis(d.basis) && disclosureBases[d.basis].needsDpoApproval),
          (d) => d.basis,
          (d) => d.count,
        ),
      ),
  },
  approvals: {
    label: () => 'disclosure requests for the DPO',
    value: (f) => `${f.privacy.approvals.pending} awaiting a decision, ${f.privacy.approvals.approved} approved, ${f.privacy.approvals.rejected} rejected`,
  },
  notices: {
    label: () => 'notices to recipients of erased or corrected data',
    value: (f) => `${f.privacy.notices.reduce((n, x) => n + x.delivered, 0)} delivered, ${f.privacy.notices.reduce((n, x) => n + x.pending, 0)} waiting for the privacy officer`,
  },

  requests: {
    label: () => 'rights requests',
    value: (f) =>
      `${
        f.requests.length
          ? breakdown(
              tallyBy(
                f.requests,
                (r) => r.kind,
                (r) => r.count,
              ),
            )
          : 'none'
      }, ${f.requests.reduce((n, r) => n + r.overdue, 0)} overdue`,
  },
  'requests:': { argument: 'request kind', label: (_, k) => `${k} requests`, value: (f, k) => requestFigure(f.requests.filter((r) => r.kind === k)) },

  'refused.purpose': refusals('reads refused outside their purpose', ['purpose-may-not-use-category', 'purpose-not-for-subject-kind', 'unknown-purpose'], (t) => t.action === 'data.read'),
  'refused.role': refusals('uses refused beyond a staff role', ['role-may-not-use-purpose', 'role-may-not-see-category'], (t) => t.actorKind === 'staff'),
  'refused.consent': refusals('uses refused for want of consent or after an opt-out', ['consent-missing', 'consent-withdrawn', 'opted-out']),
  'refused.new-use': refusals('new uses refused until the person agrees', ['new-use-needs-consent']),
  'refused.recipient': refusals('disclosures refused: recipient or data not declared, or no order', ['unknown-recipient', 'recipient-may-not-receive', 'basis-not-for-recipient', 'order-required']),
  'refused.basis': refusals('disclosures refused for want of a basis on the fixed list', ['basis-unknown']),
  'refused.approval': refusals('disclosures refused without the DPO’s approval', ['dpo-approval-required', 'approval-invalid']),
  'refused.cpni': refusals('CPNI disclosures refused without the customer’s authorisation', ['cpni-needs-authorisation']),
  'refused.never-stored': refusals('uses of card numbers refused (never stored)', ['never-stored']),
  'refused.not-own': refusals('refused: another person’s data, or a view for another audience', ['not-own-data', 'audience-mismatch', 'vendor-needs-disclosure']),
};

const argumentKnown: Record<Argument, (map: DataMap, arg: string) => boolean> = {
  purpose: (map, arg) => map.purposes.has(arg),
  recipient: (map, arg) => map.recipients.has(arg),
  basis: (_, arg) => isDisclosureBasis(arg),
  'request kind': (_, arg) => (requestKinds as readonly string[]).includes(arg),
};

/** A key names its family up to and with the colon, its argument after it: `reads:order-status`. */
function familyOf(key: string): { family: Family | undefined; arg: string } {
  const colon = key.indexOf(':');
  const name = colon < 0 ? key : key.slice(0, colon + 1);
  return { family: Object.hasOwn(families, name) ? families[name] : undefined, arg: colon < 0 ? '' : key.slice(colon + 1) };
}

/** What is wrong with an evidence key (null: nothing). */
export function evidenceKeyProblem(key: string, map: DataMap): string | null {
  const { family, arg } = familyOf(key);
  if (!family) return 'no such figure (see src/rights/report/evidence-keys.ts)';
  if (family.argument && !argumentKnown[family.argument](map, arg)) return `${arg} is not a ${family.argument} of the data map`;
  return null;
}

/** Every figure's name, as written in the catalogue (with a trailing colon where an argument follows). */
export const evidenceFamilies: readonly string[] = Object.keys(families);

/** The figure of a key the catalogue's check let through. */
export function evidenceFigure(key: string, figures: Figures): Figure {
  const { family, arg } = familyOf(key);
  if (!family) throw new Error(`unknown evidence key ${key}`);
  return { key, label: family.label(figures.map, arg), value: family.value(figures, arg) };
}
