// The legal deadline of every request (RIGHTS_DEADLINE_DAYS from receipt): a job reminds the
// privacy officer and support once a request is due within REMIND_DAYS, and alerts the privacy
// officer once it is overdue (and marks it so on the desk). Each mail goes once per request.
import { sql } from 'kysely';
import { activeStaffOf } from '../accounts/index.ts';
import type { Db } from '../platform/db/database.ts';
import { systemActor } from '../privacy/index.ts';
import type { RightsDeps } from './deps.ts';
import { queueRightsMail } from './mail.ts';
import { addEvent, kindLabels } from './requests.ts';
import type { RequestKind } from './tables.ts';

export const DEADLINES_JOB = 'rights.deadlines';
export const REMIND_DAYS = 7;
const ACTOR = systemActor(DEADLINES_JOB);
const day = (d: Date) => new Date(d).toISOString().slice(0, 10);

export async function checkDeadlines(deps: RightsDeps, db: Db): Promise<{ reminded: number; overdue: number }> {
  const now = deps.now();
  const soon = new Date(now.getTime() + REMIND_DAYS * 86_400_000);
  let reminded = 0;
  let overdue = 0;
  await db.transaction().execute(async (trx) => {
    const { rows: due } = await sql<{ id: string; number: string; kind: RequestKind; due_at: Date }>`
      update rights_requests set reminded_at = ${now}
      where closed_at is null and reminded_at is null and due_at <= ${soon} and due_at > ${now}
      returning id, number, kind, due_at`.execute(trx);
    const { rows: late } = await sql<{ id: string; number: string; kind: RequestKind; due_at: Date }>`
      update rights_requests set overdue_at = ${now}
      where closed_at is null and overdue_at is null and due_at <= ${now}
      returning id, number, kind, due_at`.execute(trx);
    const desk = due.length ? await activeStaffOf(trx, ['dpo', 'support']) : [];
    const dpos = late.length ? await activeStaffOf(trx, ['dpo']) : [];
    const mail = async (to: { id: string; subject_id: string }[], template: 'rights.request-due' | 'rights.request-overdue', r: { id: string; number: string; kind: RequestKind; due_at: Date }) => {
      for (const staff of to) {
        await queueRightsMail(trx, {
          template,
          subject: staff.subject_id,
          purpose: 'account',
          params: { number: r.number, kind: kindLabels[r.kind].toLowerCase(), due: day(r.due_at), link: `${deps.config.publicUrl}/staff/requests/${r.number}` },
          idempotencyKey: `${template}:${r.id}:${staff.id}`,
        });
      }
    };
    for (const r of due) {
      await mail(desk, 'rights.request-due', r);
      await addEvent(trx, r.id, 'reminded', ACTOR, { staff: desk.length }, now);
      reminded++;
    }
    for (const r of late) {
      await mail(dpos, 'rights.request-overdue', r);
      await addEvent(trx, r.id, 'overdue', ACTOR, { staff: dpos.length }, now);
      overdue++;
    }
  });
  return { reminded, overdue };
}
