// The rights module's own evidence: requests by kind and status, and how many of each are overdue
// (still open past their legal deadline). Counts only.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import type { RequestKind, RequestStatus } from '../tables.ts';

export interface RequestTally {
  kind: RequestKind;
  status: RequestStatus;
  count: number;
  overdue: number;
}

export async function requestCounts(db: Db, now: Date): Promise<RequestTally[]> {
  const { rows } = await sql<RequestTally>`
    select kind, status, count(*)::int as count, (count(*) filter (where closed_at is null and due_at < ${now}))::int as overdue
    from rights_requests group by kind, status order by kind, status`.execute(db);
  return rows;
}
