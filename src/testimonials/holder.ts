// What the testimonials module keeps about a person: their entries (the words, name shown and
// company are kernel items, listed in the personal-data section), the takedown cases they opened
// and any takedown link mailed to them. Erasure takes their entries off the site, opens a case for
// each published one (its copies elsewhere must go too), deletes the entries and links, and cuts
// the person from their cases, which stay, with nothing personal, until staff resolve them.
import type { PersonalDataHolder } from '../privacy/index.ts';
import { openErasureCases } from './takedown.ts';
import { testimonialsDb } from './tables.ts';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export const testimonialsHolder: PersonalDataHolder = {
  tables: ['testimonials_entries', 'testimonials_cases', 'testimonials_takedown_links'],
  async export({ db }, subject) {
    const t = testimonialsDb(db);
    const entries = await t.selectFrom('testimonials_entries').selectAll().where('subject_id', '=', subject).orderBy('created_at').execute();
    const cases = await t.selectFrom('testimonials_cases').selectAll().where('subject_id', '=', subject).orderBy('opened_at').execute();
    const sections = [];
    if (entries.length) {
      sections.push({
        id: 'testimonials',
        title: 'Testimonials and customer listings',
        description:
          'Your words we may quote (with your first name or initial) and your company on our customer list, with your consent, and where each stands. The words, name and company themselves are listed with the rest of your data (ref testimonial:<id>).',
        records: entries.map((e) => ({
          entry: e.id,
          kind: e.kind,
          state: e.state,
          shown_as: e.shown_as,
          has_logo: e.logo_image_id !== null,
          consent_came_by: e.channel,
          created_at: iso(e.created_at),
          published_at: iso(e.approved_at),
          removed_at: iso(e.removed_at),
        })),
      });
    }
    if (cases.length) {
      sections.push({
        id: 'takedown-cases',
        title: 'Takedown requests',
        description: 'Your requests to remove a testimonial or listing: removed from our site at once, and every copy elsewhere by the deadline.',
        records: cases.map((c) => ({ entry: c.entry_id, kind: c.kind, asked_at: iso(c.opened_at), deadline: iso(c.deadline_at), resolved_at: iso(c.resolved_at) })),
      });
    }
    return sections;
  },
  // A deactivated account, or one whose deletion runs, is not shown on the site ("no use").
  async deactivate({ db }, subject) {
    await testimonialsDb(db).updateTable('testimonials_entries').set({ held: true }).where('subject_id', '=', subject).execute();
  },
  async reactivate({ db }, subject) {
    await testimonialsDb(db).updateTable('testimonials_entries').set({ held: false }).where('subject_id', '=', subject).execute();
  },
  async suspend({ db }, subject) {
    await testimonialsDb(db).updateTable('testimonials_entries').set({ held: true }).where('subject_id', '=', subject).execute();
  },
  async resume({ db }, subject) {
    await testimonialsDb(db).updateTable('testimonials_entries').set({ held: false }).where('subject_id', '=', subject).execute();
  },
  async erase({ db, config, now }, subject) {
    await openErasureCases(db, subject, config.publicUrl, now);
    const t = testimonialsDb(db);
    await t.deleteFrom('testimonials_entries').where('subject_id', '=', subject).execute();
    await t.deleteFrom('testimonials_takedown_links').where('subject_id', '=', subject).execute();
    await t.updateTable('testimonials_cases').set({ subject_id: null }).where('subject_id', '=', subject).execute();
  },
};
