// What the rights module keeps about a person: their requests and complaints and what happened to
// each. Erasure unlinks them: the request (its kind, dates and outcome) and the complaint case (its
// number, dates and steps) stay as the shop's proof that it answered, with nobody behind them.
import { sql } from 'kysely';
import type { PersonalDataHolder } from '../privacy/index.ts';
import { COMPLAINT_TABLES, complaintsKept, complaintsSection, eraseComplaints } from './complaints/holder-part.ts';
import { kindLabels, requestsOfSubject } from './requests.ts';
import { legalDisclosuresSection } from './disclosures/holder-part.ts';
import { unlinkLegalDisclosures } from './disclosures/store.ts';

export const rightsHolder: PersonalDataHolder = {
  tables: ['rights_requests', ...COMPLAINT_TABLES, 'rights_legal_disclosures'],
  async export({ db }, subject) {
    const requests = await requestsOfSubject(db, subject);
    const ids = requests.map((r) => r.id);
    const { rows: events } = ids.length
      ? await sql<{ request_id: string; at: Date; event: string }>`select request_id, at, event from rights_request_events where request_id = any(${ids}::uuid[]) order by id`.execute(db)
      : { rows: [] };
    return [
      {
        id: 'requests',
        title: 'Your requests about your data',
        description: 'Each request you made about your data (to see it, correct it, delete it, stop offers), how we received it, its deadline and what happened.',
        records: requests.map((r) => ({
          number: r.number,
          what: kindLabels[r.kind],
          received_by: r.channel,
          received_at: new Date(r.received_at).toISOString(),
          due_at: new Date(r.due_at).toISOString(),
          status: r.status,
          closed_at: r.closed_at ? new Date(r.closed_at).toISOString() : null,
          history: events.filter((e) => e.request_id === r.id).map((e) => ({ at: new Date(e.at).toISOString(), what: e.event })),
        })),
      },
      await complaintsSection(db, subject),
      await legalDisclosuresSection(db, subject),
    ];
  },
  retains: ({ db }, subject) => complaintsKept(db, subject),
  async unlink({ db }, subject) {
    await sql`update rights_requests set subject_id = null where subject_id = ${subject}::uuid`.execute(db);
    await eraseComplaints(db, subject);
    await unlinkLegalDisclosures(db, subject);
  },
};
