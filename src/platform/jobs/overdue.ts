// How the declared schedules are doing, for the security self-check: each schedule the newest code
// declares (one retired from the code is left out), its period and the
// last time its job finished successfully (null: never in the finished jobs kept, a week). The
// reference for a schedule that never ran is when the job queue's tables were made.
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';

export interface ScheduleRun {
  schedule: string;
  job: string;
  everySeconds: number;
  lastDoneAt: Date | null;
  /** When the queue was set up (the first migration of the jobs module): the reference when the job never ran. */
  since: Date;
}

export async function scheduleRuns(db: Db): Promise<ScheduleRun[]> {
  const { rows } = await sql<{ schedule: string; job: string; every_seconds: number; last_done_at: Date | null; since: Date | null }>`
    select s.name as schedule, s.job, s.every_seconds,
           (select max(j.finished_at) from jobs j where j.name = s.job and j.state = 'done') as last_done_at,
           (select applied_at from schema_migrations where id = 'jobs/0001_tables') as since
    from jobs_schedules s
    -- Only what the newest code declares: every worker writes all its schedules when it starts, so a
    -- schedule retired from the code keeps the time of an older start.
    where s.synced_at >= (select max(synced_at) from jobs_schedules) - interval '10 minutes'
    order by s.name`.execute(db);
  return rows.map((r) => ({
    schedule: r.schedule,
    job: r.job,
    everySeconds: Number(r.every_seconds),
    lastDoneAt: r.last_done_at ? new Date(r.last_done_at) : null,
    since: r.since ? new Date(r.since) : new Date(0),
  }));
}
