// What the telecom module keeps about a person: their lines (plan and state), the batches of their
// usage (month and count; the records themselves are kernel items of category user.telecom.cpni,
// in the export's personal data and shredded with the person) and the statement mails queued.
// Erasure deletes the rows; the kernel shreds the items.
import type { PersonalDataHolder } from '../privacy/index.ts';
import { linesOf, plansOf } from './lines.ts';
import { telecomDb } from './tables.ts';

export const telecomHolder: PersonalDataHolder = {
  tables: ['telecom_lines', 'telecom_usage_batches', 'telecom_statement_notices'],
  async export({ db }, subject) {
    const t = telecomDb(db);
    const lines = await linesOf(db, subject);
    const plans = await plansOf(db, lines);
    if (lines.length === 0) return [];
    const months = await t
      .selectFrom('telecom_usage_batches')
      .select(['line_id', 'month'])
      .select((eb) => eb.fn.sum<number>('records').as('records'))
      .where('subject_id', '=', subject)
      .groupBy(['line_id', 'month'])
      .orderBy('month')
      .orderBy('line_id')
      .execute();
    const mailed = await t.selectFrom('telecom_statement_notices').select(['line_id', 'month', 'queued_at']).where('subject_id', '=', subject).execute();
    const mailedAt = new Map(mailed.map((m) => [`${m.line_id}|${m.month}`, new Date(m.queued_at).toISOString()]));
    return [
      {
        id: 'telecom-lines',
        title: 'Phone lines (the plan is CPNI)',
        description:
          'Your telecom lines: the plan each runs on and its state. The kind of service you have is Customer Proprietary Network Information (CPNI), like your usage; the number of each line is not, and is listed with the rest of your data.',
        records: lines.map((l) => ({ line: l.id, plan: plans.get(l.variantId)?.sku ?? null, plan_cpni: true, status: l.status, opened_at: l.createdAt.toISOString() })),
      },
      {
        id: 'telecom-statements',
        title: 'Phone statements and usage (CPNI)',
        description:
          'Your monthly statements: for each line and month, how many call, message and data records we hold. The records themselves (Customer Proprietary Network Information, CPNI) are listed with the rest of your data under "Telecom service and call records"; we use them to bill you, and for offers only while you allow it.',
        records: months.map((m) => ({
          line: m.line_id,
          month: m.month,
          records: Number(m.records),
          cpni: true,
          statement: `/account/telecom/statements/${m.month}`,
          mailed_at: mailedAt.get(`${m.line_id}|${m.month}`) ?? null,
        })),
      },
    ];
  },
  async erase({ db }, subject) {
    const t = telecomDb(db);
    await t.deleteFrom('telecom_statement_notices').where('subject_id', '=', subject).execute();
    await t.deleteFrom('telecom_usage_batches').where('subject_id', '=', subject).execute();
    await t.deleteFrom('telecom_lines').where('subject_id', '=', subject).execute();
  },
};
