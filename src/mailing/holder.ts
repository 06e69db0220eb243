// What the mailing module keeps about a person: whether they signed up to the mailing list and
// when they confirmed (the name and address are kernel items). Erasure deletes the row.
import type { PersonalDataHolder } from '../privacy/index.ts';
import { mailingDb } from './tables.ts';

export const mailingHolder: PersonalDataHolder = {
  tables: ['mailing_members'],
  async export({ db }, subject) {
    const rows = await mailingDb(db).selectFrom('mailing_members').select(['created_at', 'confirmed_at']).where('subject_id', '=', subject).execute();
    if (rows.length === 0) return [];
    return [
      {
        id: 'mailing-list',
        title: 'Mailing list',
        description: 'When you signed up to our mailing list and when you confirmed it. Your name and address are listed with the rest of your data.',
        records: rows.map((r) => ({ signed_up_at: new Date(r.created_at).toISOString(), confirmed_at: r.confirmed_at ? new Date(r.confirmed_at).toISOString() : null })),
      },
    ];
  },
  async erase({ db }, subject) {
    await mailingDb(db).deleteFrom('mailing_members').where('subject_id', '=', subject).execute();
  },
};
