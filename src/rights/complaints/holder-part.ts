// The complaints' share of the rights module's holder: a person's complaints in their export
// (number, status, dates, history; what they wrote and our answers are kernel items, exported
// with the rest of their data), and on erasure the cases unlinked from them.
import type { Db } from '../../platform/db/database.ts';
import type { ExportSection } from '../../privacy/index.ts';
import { complaintsOfSubject, historyOf, unlinkComplaints } from './cases.ts';
import { eventLabels, statusLabels } from './labels.ts';

export const COMPLAINT_TABLES = ['rights_complaints'] as const;

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export async function complaintsSection(db: Db, subject: string): Promise<ExportSection> {
  const complaints = await complaintsOfSubject(db, subject);
  const history = await historyOf(
    db,
    complaints.map((c) => c.id),
  );
  return {
    id: 'complaints',
    title: 'Your complaints about how we handle your data',
    description:
      'Each complaint you sent us: its number, where it stands, its deadline and every step taken. What you wrote, our answers and our privacy officer’s notes are with your personal data, as correspondence.',
    records: complaints.map((c) => ({
      number: c.number,
      status: statusLabels[c.status],
      received_at: iso(c.received_at),
      due_at: iso(c.due_at),
      closed_at: iso(c.closed_at),
      history: history.filter((e) => e.complaint_id === c.id).map((e) => ({ at: iso(e.at), what: eventLabels[e.event] })),
    })),
  };
}

/** What stays after an erasure, for the person's receipt (null when they never complained). */
export async function complaintsKept(db: Db, subject: string): Promise<string | null> {
  const complaints = await complaintsOfSubject(db, subject);
  return complaints.length
    ? `the record that we handled your complaint${complaints.length === 1 ? '' : 's'} (${complaints.map((c) => c.number).join(', ')}): dates and steps, without what you wrote`
    : null;
}

export const eraseComplaints = unlinkComplaints;
