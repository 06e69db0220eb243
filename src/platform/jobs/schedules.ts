// Recurring jobs. Each schedule is a row in jobs_schedules whose next_run_at says when its next
// period starts. A worker claims due rows with FOR UPDATE SKIP LOCKED, enqueues the job and moves
// next_run_at past now in the same transaction, so each period enqueues once however many
// workers look. Periods missed while no worker ran are not replayed: one run catches up.
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { assertJobName, enqueue } from './enqueue.ts';
import type { JobPayload, Schedule } from './types.ts';

export function checkSchedule(schedule: Schedule): void {
  assertJobName(schedule.name, 'Schedule name');
  assertJobName(schedule.job);
  if (!Number.isInteger(schedule.everySeconds) || schedule.everySeconds < 1) {
    throw new Error(`Schedule ${schedule.name}: everySeconds must be a whole number of at least 1`);
  }
}

/**
 * Writes the code's schedules into the table. A new schedule is due at once; a changed period
 * takes effect by the end of the new period at the latest. Rows of schedules no longer in the
 * code stay, but no worker claims them (see enqueueDueSchedules), and their `synced_at` falls behind.
 */
export async function syncSchedules(db: Db, schedules: readonly Schedule[]): Promise<void> {
  for (const s of schedules) {
    checkSchedule(s);
    await sql`
      insert into jobs_schedules (name, job, payload, every_seconds, next_run_at, synced_at)
      values (${s.name}, ${s.job}, ${JSON.stringify(s.payload ?? {})}::jsonb, ${s.everySeconds}, now(), now())
      on conflict (name) do update
      set job = excluded.job,
          synced_at = excluded.synced_at,
          payload = excluded.payload,
          every_seconds = excluded.every_seconds,
          next_run_at = least(jobs_schedules.next_run_at, now() + make_interval(secs => excluded.every_seconds))
    `.execute(db);
  }
}

export interface ScheduledRun {
  schedule: string;
  job: string;
  /** The start of the period this run belongs to (also the job's run_at). */
  slot: Date;
  jobId: number | null;
}

/**
 * Enqueues the job of every due schedule among `names`. The job carries the unique key
 * `schedule:<name>`, so a period whose previous run is still queued or running adds nothing.
 */
export async function enqueueDueSchedules(db: Db, names: readonly string[]): Promise<ScheduledRun[]> {
  if (names.length === 0) return [];
  return db.transaction().execute(async (trx) => {
    const due = await sql<{ name: string; job: string; payload: JobPayload; slot: Date }>`
      update jobs_schedules s
      set next_run_at = due.next_run_at + make_interval(
        secs => s.every_seconds * (floor(extract(epoch from now() - due.next_run_at) / s.every_seconds) + 1)
      )
      from (
        select name, next_run_at from jobs_schedules
        where next_run_at <= now() and name in (${sql.join(names)})
        for update skip locked
      ) due
      where s.name = due.name
      returning s.name, s.job, s.payload, due.next_run_at as slot
    `.execute(trx);
    const runs: ScheduledRun[] = [];
    for (const row of due.rows) {
      const jobId = await enqueue(trx, row.job, row.payload, { runAt: row.slot, uniqueKey: `schedule:${row.name}` });
      runs.push({ schedule: row.name, job: row.job, slot: row.slot, jobId });
    }
    return runs;
  });
}
