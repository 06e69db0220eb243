// What the payments module keeps about a person: their payment attempts (processor, instrument,
// amount, status; the token and last four digits are kernel items of the order). Erasure unlinks
// them from the buyer (the amounts stay for the accounts); before that, the processor that took
// each payment is told to forget the buyer (the processor received name and email at checkout).
import { sql } from 'kysely';
import { isAppError } from '../../platform/errors.ts';
import type { PersonalDataHolder } from '../../privacy/index.ts';
import { forgetBuyer, forgetOrders } from './forget.ts';
import { processorsFromConfig } from './processors.ts';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export const PROCESSOR_RECIPIENT = 'payment-processor';

export const paymentsHolder: PersonalDataHolder = {
  tables: ['payments_attempts'],
  recipients: [PROCESSOR_RECIPIENT],
  async prepare({ db, kernel, config, log, wiring }, subject) {
    try {
      await forgetBuyer({ kernel, processors: processorsFromConfig(config), publicUrl: config.publicUrl, listeners: wiring.listeners }, db, subject);
      return [PROCESSOR_RECIPIENT];
    } catch (err) {
      // Down: the step is retried. Refused (Stripe redacts a charge only after 90 days): the
      // erasure goes on, and the processor's notice waits for the privacy officer to ask again.
      if (isAppError(err) && err.code === 'PAYMENT_PROCESSOR_ERROR') {
        log.warn({ code: err.code }, 'the payment processor refused to forget a buyer now; its notice stays open');
        return [];
      }
      throw err;
    }
  },
  async export({ db }, subject) {
    const { rows } = await sql<{
      order_id: string;
      processor: string;
      instrument: string;
      amount_minor: number;
      currency: string;
      status: string;
      refunded_minor: number;
      created_at: Date;
      settled_at: Date | null;
    }>`
      select order_id, processor, instrument, amount_minor, currency, status, refunded_minor, created_at, settled_at
      from payments_attempts where subject_id = ${subject}::uuid order by created_at, id`.execute(db);
    return [
      {
        id: 'payments',
        title: 'Your payments',
        description: 'Each payment you started: with which processor and instrument, the amount and what became of it. Your card or account number never reached us; the processor keeps it.',
        records: rows.map((r) => ({
          order_ref: `order:${r.order_id}`,
          processor: r.processor,
          instrument: r.instrument,
          amount_minor: r.amount_minor,
          currency: r.currency,
          status: r.status,
          refunded_minor: r.refunded_minor,
          started_at: iso(r.created_at),
          settled_at: iso(r.settled_at),
        })),
      },
    ];
  },
  async retell({ db, kernel, config, wiring }, notice) {
    if (notice.recipient !== PROCESSOR_RECIPIENT) return false;
    await forgetOrders({ kernel, processors: processorsFromConfig(config), publicUrl: config.publicUrl, listeners: wiring.listeners }, db, notice.orders);
    return true;
  },
  async retains({ db }, subject) {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from payments_attempts where subject_id = ${subject}::uuid`.execute(db);
    const n = rows[0]?.n ?? 0;
    return n ? `the record of your ${n === 1 ? 'payment' : `${n} payments`} (amount, processor reference and outcome), for our accounts` : null;
  },
  async unlink({ db }, subject) {
    await sql`update payments_attempts set subject_id = null, updated_at = now() where subject_id = ${subject}::uuid`.execute(db);
  },
};
