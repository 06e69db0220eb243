// What the quotes module keeps about a person: their quote cases (state, dates, the quote's lines
// and totals, when follow-up notes were written). What they typed and the notes' text are kernel
// items (in the export's personal data, ref `quote:<case>`). Erasure deletes the cases, lines and
// notes; the kernel's erasure shreds the items.
import type { PersonalDataHolder } from '../privacy/index.ts';
import { quotesDb } from './tables.ts';

export const quotesHolder: PersonalDataHolder = {
  tables: ['quotes_cases'],
  async export({ db }, subject) {
    const cases = await quotesDb(db).selectFrom('quotes_cases').selectAll().where('subject_id', '=', subject).orderBy('created_at').execute();
    if (cases.length === 0) return [];
    const ids = cases.map((c) => c.id);
    const lines = await quotesDb(db).selectFrom('quotes_lines').selectAll().where('case_id', 'in', ids).orderBy('position').execute();
    const notes = await quotesDb(db).selectFrom('quotes_notes').select(['case_id', 'at']).where('case_id', 'in', ids).orderBy('at').execute();
    return [
      {
        id: 'quote-requests',
        title: 'Quote requests',
        description: 'Your requests for a quote: their state, the quote we sent and when we noted a follow-up. What you typed and our notes are listed with your personal data (ref quote:…).',
        records: cases.map((c) => {
          const own = lines.filter((l) => l.case_id === c.id);
          return {
            number: c.number,
            ref: `quote:${c.id}`,
            status: c.status,
            requested_at: new Date(c.created_at).toISOString(),
            quoted_at: c.quoted_at ? new Date(c.quoted_at).toISOString() : null,
            valid_until: c.valid_until,
            follow_up_on: c.follow_up_on,
            currency: c.currency,
            lines: own.map((l) => ({ description: l.description, quantity: l.quantity, unit_minor: l.unit_minor })),
            total_minor: own.reduce((s, l) => s + l.quantity * l.unit_minor, 0),
            notes_written_at: notes.filter((n) => n.case_id === c.id).map((n) => new Date(n.at).toISOString()),
          };
        }),
      },
    ];
  },
  async erase({ db }, subject) {
    // Lines and notes go with their case (on delete cascade).
    await quotesDb(db).deleteFrom('quotes_cases').where('subject_id', '=', subject).execute();
  },
};
