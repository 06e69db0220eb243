// The sale of the shop (P004-15, P003-12, P003-24; decision 0053). An owner schedules it: the
// buyer's business name, the date (at least NOTICE_DAYS ahead) and, when the buyer will use the
// data differently, how. Scheduling emails every active customer at once (one transaction: the
// plan and the notices) and the policy page announces it. Customers who do not want their records
// to pass turn `business-transfer` off in the privacy centre. On or after the date, and only then,
// the owner downloads the customer records for the buyer: each person's a ledgered disclosure to
// the acquirer, those who turned it off (or are deactivated) left out by the kernel.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { AppError, validationError } from '../../platform/errors.ts';
import type { Actor, PersonalValue, PrivacyKernel } from '../../privacy/index.ts';
import { actorTag, isPrivacyRefusal } from '../../privacy/index.ts';
import { queueRightsMail } from '../mail.ts';

export const NOTICE_DAYS = 30;
export const TRANSFER_PURPOSE = 'business-transfer';
export const TRANSFER_CATEGORIES = ['user.name', 'user.contact.email', 'user.contact.phone_number', 'user.contact.address', 'user.contact.organization', 'user.behavior.purchase_history'] as const;
const DAY_MS = 86_400_000;
const PAGE = 500;

export interface Transfer {
  id: string;
  acquirer: string;
  transfer_on: string;
  new_use: string | null;
  scheduled_at: Date;
  notified: number;
  exported_at: Date | null;
}

export interface TransferInput {
  acquirer: string;
  date: string;
  newUse: string;
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/** The transfer planned and not cancelled (there is at most one). */
export async function currentTransfer(db: Db): Promise<Transfer | null> {
  const { rows } = await sql<
    Transfer & { transfer_on: string | Date }
  >`select id, acquirer, transfer_on, new_use, scheduled_at, notified, exported_at from rights_transfers order by scheduled_at desc limit 1`.execute(db);
  const row = rows[0];
  return row ? { ...row, transfer_on: typeof row.transfer_on === 'string' ? row.transfer_on.slice(0, 10) : isoDay(row.transfer_on) } : null;
}

/** Schedules the sale and queues its notice to every active customer; returns how many were told. */
export async function scheduleTransfer(deps: { kernel: PrivacyKernel; publicUrl: string }, db: Db, input: TransferInput, actor: Actor, now: Date): Promise<number> {
  const acquirer = input.acquirer.trim();
  if (acquirer.length < 2 || acquirer.length > 200) throw validationError('acquirer', 'must be the buyer’s business name (2 to 200 characters)');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.date) || Number.isNaN(Date.parse(`${input.date}T00:00:00Z`))) throw validationError('date', 'must be a date (YYYY-MM-DD)');
  const earliest = isoDay(new Date(now.getTime() + NOTICE_DAYS * DAY_MS));
  if (input.date < earliest) throw validationError('date', `must be at least ${NOTICE_DAYS} days from today: ${earliest} or later`);
  const newUse = input.newUse.trim();
  if (newUse.length > 2000) throw validationError('new_use', 'must be at most 2000 characters');
  if (await currentTransfer(db)) throw new AppError('CONFLICT', 'A sale of the shop is already scheduled.');
  const id = randomUUID();
  await sql`insert into rights_transfers (id, acquirer, transfer_on, new_use, scheduled_at, scheduled_by, notified)
    values (${id}::uuid, ${acquirer}, ${input.date}::date, ${newUse || null}, ${now}, ${actorTag(actor)}, 0)`.execute(db);
  let told = 0;
  let after: string | undefined;
  for (;;) {
    const page = await deps.kernel.audience(db, { actor, purpose: TRANSFER_PURPOSE, notice: true, limit: PAGE, ...(after ? { after } : {}) });
    for (const subject of page) {
      await queueRightsMail(db, {
        template: 'rights.transfer-notice',
        subject,
        purpose: TRANSFER_PURPOSE,
        params: {
          acquirer,
          date: input.date,
          newUse: newUse || '',
          choices: `${deps.publicUrl}/account/privacy#choices`,
          policy: `${deps.publicUrl}/privacy#sale-of-the-shop`,
        },
        idempotencyKey: `rights.transfer-notice:${id}:${subject}`,
      });
    }
    told += page.length;
    if (page.length < PAGE) break;
    after = page[page.length - 1];
  }
  await sql`update rights_transfers set notified = ${told} where id = ${id}::uuid`.execute(db);
  return told;
}

export interface TransferPackage {
  format: 'custodian-transfer/1';
  acquirer: string;
  transfer_on: string;
  generated_at: string;
  customers: { disclosure: string; data: Record<string, PersonalValue> }[];
}

/** The customer records for the buyer, on or after the date only; each person's a disclosure in the ledger. */
export async function transferPackage(kernel: PrivacyKernel, db: Db, actor: Actor, now: Date): Promise<TransferPackage> {
  const plan = await currentTransfer(db);
  if (!plan) throw new AppError('NOT_FOUND', 'No sale of the shop is scheduled.');
  if (isoDay(now) < plan.transfer_on) throw new AppError('TRANSFER_NOT_DUE', `The customer records may pass to ${plan.acquirer} on ${plan.transfer_on}, not before.`);
  const customers: TransferPackage['customers'] = [];
  let after: string | undefined;
  for (;;) {
    const page = await kernel.audience(db, { actor, purpose: TRANSFER_PURPOSE, notice: true, limit: PAGE, ...(after ? { after } : {}) });
    for (const subject of page) {
      try {
        const d = await kernel.disclose(db, {
          subject,
          recipient: 'acquirer',
          recipientRef: plan.acquirer.slice(0, 80),
          categories: TRANSFER_CATEGORIES,
          purpose: TRANSFER_PURPOSE,
          basis: 'business-transfer',
          actor,
        });
        customers.push({ disclosure: d.id, data: d.values });
      } catch (err) {
        // Turned off or deactivated between the list and the disclosure: left out, as the kernel says.
        if (!isPrivacyRefusal(err)) throw err;
      }
    }
    if (page.length < PAGE) break;
    after = page[page.length - 1];
  }
  await sql`update rights_transfers set exported_at = ${now} where id = ${plan.id}::uuid`.execute(db);
  return { format: 'custodian-transfer/1', acquirer: plan.acquirer, transfer_on: plan.transfer_on, generated_at: now.toISOString(), customers };
}
