// What the surveys module keeps about a person: the surveys they were invited to, when they
// answered or declined, and when they let an intermediary have their declared answers. The answers
// are kernel items (personal data, ref survey:…); what went to an intermediary is in the
// disclosures section. Erasure deletes the invitations; the kernel's erasure shreds the answers.
import type { PersonalDataHolder } from '../privacy/index.ts';
import { surveysDb } from './tables.ts';

export const surveysHolder: PersonalDataHolder = {
  tables: ['surveys_invitations'],
  async export({ db }, subject) {
    const rows = await surveysDb(db)
      .selectFrom('surveys_invitations as i')
      .innerJoin('surveys_surveys as s', 's.id', 'i.survey_id')
      .select(['s.id', 's.title', 'i.invited_at', 'i.answered_at', 'i.declined', 'i.shared_at'])
      .where('i.subject_id', '=', subject)
      .orderBy('i.invited_at')
      .execute();
    if (rows.length === 0) return [];
    const at = (d: Date | null) => (d ? new Date(d).toISOString() : null);
    return [
      {
        id: 'surveys',
        title: 'Surveys',
        description: 'The surveys we invited you to and whether you answered or declined. Your answers are listed with your personal data (ref survey:…).',
        records: rows.map((r) => ({
          survey: r.title,
          ref: `survey:${r.id}`,
          invited_at: at(r.invited_at),
          answered_at: at(r.answered_at),
          declined: r.declined,
          shared_with_intermediary_at: at(r.shared_at),
        })),
      },
    ];
  },
  async erase({ db }, subject) {
    await surveysDb(db).deleteFrom('surveys_invitations').where('subject_id', '=', subject).execute();
  },
};
