// The case file the privacy officer reads: the case, its history, and what the complainant wrote
// and was written back, each read through the kernel as the staff member under `data-rights`, so
// every opening is in the audit log and in the person's own access log.
import type { Db } from '../../platform/db/database.ts';
import { type Actor, SubjectErased, type PrivacyKernel } from '../../privacy/index.ts';
import { historyOf, type Complaint, type ComplaintHistoryEntry } from './cases.ts';
import { COMPLAINT_PURPOSE, complaintRef, EMAIL, NAME, noteRef, orderRef, replyRef, TEXT } from './refs.ts';

export interface ComplaintWords {
  name: string | null;
  email: string | null;
  text: string | null;
  orderNumber: string | null;
}

export interface CaseFileEntry extends ComplaintHistoryEntry {
  /** The text of a reply or note; null when it is no longer held. */
  text: string | null;
}

export interface CaseFile {
  complaint: Complaint;
  /** Null when the person is erased: the case has nobody behind it any more. */
  words: ComplaintWords | null;
  history: CaseFileEntry[];
}

const textOf = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const itemOf = (e: ComplaintHistoryEntry): number | null => (typeof e.detail.item === 'number' ? e.detail.item : null);

export async function readCaseFile(kernel: PrivacyKernel, db: Db, complaint: Complaint, actor: Actor): Promise<CaseFile> {
  const events = await historyOf(db, [complaint.id]);
  const subject = complaint.subject_id;
  if (subject === null) return { complaint, words: null, history: events.map((e) => ({ ...e, text: null })) };
  const read = async (categories: string[], ref: string) => (await kernel.read(db, { subject, actor, purpose: COMPLAINT_PURPOSE, categories, ref })).values;
  try {
    const words = await read([NAME, EMAIL, TEXT], complaintRef(complaint.id));
    const orderGiven = events.some((e) => e.event === 'received' && e.detail.order_given === true);
    const order = orderGiven ? await read([TEXT], orderRef(complaint.id)) : {};
    const history: CaseFileEntry[] = [];
    for (const e of events) {
      const n = itemOf(e);
      const ref = n === null ? null : e.event === 'replied' ? replyRef(complaint.id, n) : e.event === 'note' ? noteRef(complaint.id, n) : null;
      history.push({ ...e, text: ref ? textOf((await read([TEXT], ref))[TEXT]) : null });
    }
    return { complaint, words: { name: textOf(words[NAME]), email: textOf(words[EMAIL]), text: textOf(words[TEXT]), orderNumber: textOf(order[TEXT]) }, history };
  } catch (err) {
    // Erased between the row's read and the kernel's (the erasure job unlinks the case in its own transaction).
    if (err instanceof SubjectErased) return { complaint, words: null, history: events.map((e) => ({ ...e, text: null })) };
    throw err;
  }
}
