// The commands of a legal or other disclosure, each run by the route in one transaction: record
// the request (the person found by their email's blind index, the instrument and document kept as
// kernel items, the DPO's approval asked through the kernel), produce it (the kernel's disclose()
// with the approval: the ledger entry is the proof, the export is what leaves), review an
// emergency after the fact, and record the customer's CPNI authorisation (a consent entry naming
// the recipient, reviewed by the DPO like any consent staff record).
import { randomUUID } from 'node:crypto';
import { usersOfSubjects } from '../../accounts/index.ts';
import type { Db } from '../../platform/db/database.ts';
import { AppError, checkFields, conflict, notFound, validationError } from '../../platform/errors.ts';
import { type Actor, type ConsentChannel, disclosureBases, type PersonalValue } from '../../privacy/index.ts';
import type { RightsDeps } from '../deps.ts';
import { disclosureRoutes, isLegalBasis, LEGAL_BASES, needsApproval, type DisclosureRoute } from './choices.ts';
import { checkedDocument, DOCUMENT_PURPOSE, keepInstrument } from './document.ts';
import { insertLegalDisclosure, legalDisclosure, type LegalDisclosureRow, markProduced, markReviewed } from './store.ts';

export interface Staff {
  actor: Actor;
  id: string;
  role: string;
}

export interface RecordInput {
  basis: string;
  recipient: string;
  email: string;
  categories: readonly string[];
  instrument: string;
  document?: unknown;
}

/** The route a basis and recipient name, or a field error naming the one that is wrong. */
export function routeOf(deps: RightsDeps, basis: string, recipient: string): DisclosureRoute {
  if (!isLegalBasis(basis)) throw validationError('basis', `must be one of ${LEGAL_BASES.join(', ')}`);
  const route = disclosureRoutes(deps.kernel.map).find((r) => r.basis === basis && r.recipient === recipient);
  if (!route) throw validationError('recipient', `is not declared to receive data on the basis ${basis}`);
  return route;
}

export async function recordLegalDisclosure(deps: RightsDeps, db: Db, staff: Staff, input: RecordInput): Promise<LegalDisclosureRow> {
  const route = routeOf(deps, input.basis, input.recipient);
  const categories = [...new Set(input.categories)];
  const email = input.email.trim();
  const instrument = input.instrument.trim();
  let document: ReturnType<typeof checkedDocument> = null;
  checkFields([
    () => {
      if (categories.length === 0) throw validationError('categories', 'choose at least one field to disclose');
      const extra = categories.filter((c) => !route.categories.includes(c));
      if (extra.length) throw validationError('categories', `${route.recipient} may not receive ${extra.join(', ')} on this basis`);
    },
    () => {
      if (email.length < 3 || email.length > 254 || !email.includes('@')) throw validationError('email', 'must be the email address of the person the request is about');
    },
    () => {
      if (instrument.length < 3 || instrument.length > 500) throw validationError('instrument', 'must be 3 to 500 characters: the reference of the order, subpoena or request');
    },
    () => {
      document = checkedDocument(input.document);
      if (!document && route.basis !== 'emergency') throw validationError('document', 'attach the order, subpoena or report (a PDF, PNG or JPEG file)');
    },
  ]);
  const subjects = await deps.kernel.findSubjects(db, { category: 'user.contact.email', value: email, actor: staff.actor, purpose: DOCUMENT_PURPOSE });
  const subject = (await usersOfSubjects(db, subjects, 'customer'))[0]?.subject_id ?? subjects[0];
  if (!subject) throw validationError('email', 'no person with this email address is known to the shop');

  const request = { subject, recipient: route.recipient, categories, purpose: route.purpose, basis: route.basis, actor: staff.actor };
  const id = needsApproval(route.basis) ? await deps.kernel.requestDisclosure(db, request) : randomUUID();
  const chunks = await keepInstrument(deps.kernel, db, { subject, actor: staff.actor, id, instrument, document });
  return insertLegalDisclosure(db, {
    id,
    subject_id: subject,
    basis: route.basis,
    recipient: route.recipient,
    purpose: route.purpose,
    categories,
    needs_approval: needsApproval(route.basis),
    document_type: (document as { type: string } | null)?.type ?? null,
    document_chunks: chunks,
    recorded_at: deps.now(),
    recorded_by: staff.id,
  });
}

export interface ProducedExport {
  format: 'custodian-disclosure/1';
  request: string;
  ledger_entry: string;
  produced_at: string;
  basis: string;
  basis_label: string;
  recipient: string;
  recipient_name: string;
  purpose: string;
  /** Exactly the fields of the request; null where the shop holds no value. */
  fields: Record<string, PersonalValue>;
}

/** Discloses the request's fields through the kernel (with the DPO's approval where needed); once. */
export async function produceLegalDisclosure(deps: RightsDeps, db: Db, staff: Staff, id: string): Promise<ProducedExport> {
  const row = await legalDisclosure(db, id, true);
  if (!row) throw notFound('This disclosure request');
  if (row.produced_at) throw conflict(`${row.number} was produced already; an approval is used once.`);
  if (!row.subject_id) throw conflict('The person was erased: there is nothing to disclose.');
  if (row.needs_approval) {
    const [state] = await deps.kernel.approvalStates(db, { actor: staff.actor, ids: [row.id] });
    if (state?.decision !== 'approved') throw conflict(state?.decision === 'rejected' ? 'The privacy officer rejected this request.' : 'The privacy officer has not approved this request yet.');
  }
  const released = await deps.kernel.disclose(db, {
    subject: row.subject_id,
    recipient: row.recipient,
    categories: row.categories,
    purpose: row.purpose,
    basis: row.basis,
    actor: staff.actor,
    ...(row.needs_approval ? { approval: row.id } : {}),
  });
  await markProduced(db, row.id, released.at, staff.id, released.id);
  const recipient = deps.kernel.map.recipients.get(row.recipient);
  return {
    format: 'custodian-disclosure/1',
    request: row.number,
    ledger_entry: released.id,
    produced_at: released.at.toISOString(),
    basis: row.basis,
    basis_label: isLegalBasis(row.basis) ? disclosureBases[row.basis].label : row.basis,
    recipient: row.recipient,
    recipient_name: recipient?.name ?? row.recipient,
    purpose: row.purpose,
    fields: Object.fromEntries(row.categories.map((c) => [c, released.values[c] ?? null])),
  };
}

/** The privacy officer reviews an emergency disclosure after it was made; not their own. */
export async function reviewEmergency(deps: RightsDeps, db: Db, staff: Staff, id: string): Promise<LegalDisclosureRow> {
  const row = await legalDisclosure(db, id, true);
  if (!row) throw notFound('This disclosure request');
  if (staff.role !== 'dpo') throw new AppError('FORBIDDEN', 'Only the privacy officer reviews emergency disclosures.');
  if (row.basis !== 'emergency') throw conflict(`${row.number} is not an emergency: the privacy officer approved it beforehand.`);
  if (!row.produced_at) throw conflict(`${row.number} has not been disclosed yet: there is nothing to review.`);
  if (row.reviewed_at) throw conflict(`${row.number} was reviewed already.`);
  if (row.produced_by === staff.id) throw conflict('You made this disclosure yourself: another privacy officer reviews it.');
  const at = deps.now();
  await markReviewed(db, row.id, at, staff.id);
  return { ...row, reviewed_at: at, reviewed_by: staff.id };
}

/** The customer's authorisation to give their CPNI to this recipient, as staff heard or received it. */
export async function recordCpniAuthorisation(deps: RightsDeps, db: Db, staff: Staff, id: string, input: { channel: string; evidence: string }): Promise<void> {
  const row = await legalDisclosure(db, id);
  if (!row) throw notFound('This disclosure request');
  if (!row.subject_id) throw conflict('The person was erased.');
  if (!row.categories.some((c) => deps.kernel.map.categories.get(c)?.cpni)) throw conflict(`${row.number} asks for no CPNI: no authorisation is needed.`);
  await deps.kernel.recordConsent(db, {
    subject: row.subject_id,
    purpose: row.purpose,
    recipient: row.recipient,
    action: 'grant',
    channel: input.channel as ConsentChannel,
    evidence: input.evidence,
    actor: staff.actor,
  });
}
