// Consent at the points of collection (P003-09, decision 0051): sign-up and checkout offer each
// consent-based marketing purpose of the data map as an unticked box, with the policy text it
// refers to (the purpose's own words, the policy version and a link to its place in the policy).
// A ticked box is a grant in the kernel's consent ledger by the person (channel web, the policy
// version in force, the form as evidence); an unticked box records nothing. The boxes are fields
// `consent_<purpose>` = `yes`, so the body schemas stay static.
import type { Db } from '../platform/db/database.ts';
import { validationError } from '../platform/errors.ts';
import { type DataMap, type PrivacyKernel, type Purpose, selfActor } from '../privacy/index.ts';
import { html, type SafeHtml } from '../web/template.ts';

/** For a body schema: every `consent_<purpose>` field, whose only value is `yes` (ticked). */
export const consentFields = { '^consent_[a-z0-9]+(-[a-z0-9]+)*$': { type: 'string', enum: ['yes'] } } as const;

const PREFIX = 'consent_';

/** The purposes offered where data is collected: consent-based, for customers, with a marketing use. */
export function offeredConsents(map: DataMap): Purpose[] {
  return [...map.purposes.values()].filter((p) => p.legalBasis === 'consent' && p.dataSubjects.has('customer') && (p.dataUse === 'marketing' || p.dataUse.startsWith('marketing.')));
}

/** The names of the boxes, to keep their state when a form is shown again. */
export const consentFieldNames = (map: DataMap): string[] => offeredConsents(map).map((p) => `${PREFIX}${p.id}`);

/** The purposes ticked in a form body; a box for a purpose not offered is a 400 naming it. */
export function tickedConsents(map: DataMap, body: unknown): string[] {
  const offered = new Set(offeredConsents(map).map((p) => p.id));
  const ticked: string[] = [];
  for (const [key, value] of Object.entries((body ?? {}) as Record<string, unknown>)) {
    if (!key.startsWith(PREFIX) || value !== 'yes') continue;
    const purpose = key.slice(PREFIX.length);
    if (!offered.has(purpose)) throw validationError(key, 'is not a choice offered here');
    ticked.push(purpose);
  }
  return ticked;
}

/** The unticked boxes (ticked again only when the person ticked them and the form comes back). */
export function consentBoxes(map: DataMap, policyVersion: string, values: Readonly<Record<string, string>> = {}): SafeHtml | '' {
  const offered = offeredConsents(map);
  if (offered.length === 0) return '';
  return html`<fieldset class="consents"><legend>Optional: what else you allow (privacy policy ${policyVersion})</legend>
<p class="hint">Each is off unless you tick it, changes nothing about your orders, and can be turned off at any time in your privacy centre.</p>
${offered.map((p) => {
  const name = `${PREFIX}${p.id}`;
  return html`<p><input type="checkbox" id="f-${name}" name="${name}" value="yes"${values[name] === 'yes' ? html` checked` : ''}> <label for="f-${name}"><strong>${p.name}</strong>: ${p.description} <a href="/privacy#purpose-${p.id}">What the policy says<span class="visually-hidden"> about ${p.name}</span></a></label></p>`;
})}
</fieldset>`;
}

/** Records a grant by the person for each ticked purpose, in the caller's transaction. */
export async function recordCollectionConsents(kernel: PrivacyKernel, db: Db, subject: string, purposes: readonly string[], where: string): Promise<void> {
  const actor = selfActor(subject);
  for (const purpose of purposes) await kernel.recordConsent(db, { subject, purpose, action: 'grant', channel: 'web', actor, evidence: `ticked on the ${where}` });
}
