// Finished jobs are deleted a week after they finish, so the table (and any ids in payloads) does
// not grow forever. Dead jobs stay until staff retry or inspect them.
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { JobHandler, Schedule } from './types.ts';

export const CLEANUP_JOB = 'jobs.cleanup';
export const DONE_JOBS_KEPT_DAYS = 7;

export async function deleteOldDoneJobs(db: Db, keptDays = DONE_JOBS_KEPT_DAYS): Promise<number> {
  const result = await sql`
    delete from jobs
    where state = 'done' and finished_at < now() - make_interval(days => ${keptDays})
    returning id
  `.execute(db);
  return result.rows.length;
}

export const cleanupJob: JobHandler = async (_payload, { db, log }) => {
  const deleted = await deleteOldDoneJobs(db);
  if (deleted > 0) log.info({ deleted }, 'old finished jobs deleted');
};

export const cleanupSchedule: Schedule = { name: CLEANUP_JOB, job: CLEANUP_JOB, everySeconds: 3600 };
