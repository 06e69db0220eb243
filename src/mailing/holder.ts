// What the mailing module keeps about a person: whether they signed up to the mailing list and
// when they confirmed (the name and address are kernel items), and when they were last reminded
// that they can stop our offers (P002-09). Erasure deletes both rows.
import type { PersonalDataHolder } from '../privacy/index.ts';
import { mailingDb } from './tables.ts';

export const mailingHolder: PersonalDataHolder = {
  tables: ['mailing_members', 'mailing_offer_reminders'],
  async export({ db }, subject) {
    const rows = await mailingDb(db).selectFrom('mailing_members').select(['created_at', 'confirmed_at']).where('subject_id', '=', subject).execute();
    const reminders = await mailingDb(db).selectFrom('mailing_offer_reminders').select('reminded_at').where('subject_id', '=', subject).execute();
    const sections = reminders.map((r) => ({
      id: 'offer-reminder',
      title: 'Yearly reminder about offers',
      description: 'When we last reminded you, as we do once a year, that you can stop our offers and site news.',
      records: [{ reminded_at: new Date(r.reminded_at).toISOString() }],
    }));
    if (rows.length === 0) return sections;
    return [
      ...sections,
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
    await mailingDb(db).deleteFrom('mailing_offer_reminders').where('subject_id', '=', subject).execute();
  },
};
