// The customer's access log as they read it: newest first, and a run of acts by the same actor
// under the same purpose with the same outcome, each within a minute of the next, is one row: what
// they did with how many times, and every category it touched. Viewing the copy of one's data reads and audits each of its items, so
// without this a customer who looked at their copy twice would find a staff member's one read
// under some 250 rows of their own.
import type { AccessLogEntry } from '../../privacy/index.ts';

/** Entries further apart than this start a new row even when the act is the same. */
export const SAME_ACT_GAP_MS = 60_000;

export interface AccessLogRow {
  newest: Date;
  oldest: Date;
  count: number;
  by: string;
  byDetail: string | null;
  /** What was done, in the order first met (newest first), with how many times. */
  actions: { action: string; count: number }[];
  outcome: string;
  purpose: string | null;
  /** Every category the run touched, in the order first met (newest first). */
  categories: string[];
}

export interface AccessLogCounts {
  total: number;
  /** Entries of anyone but the customer themselves (staff, the shop, vendors, the system). */
  byOthers: number;
}

const sameAct = (row: AccessLogRow, e: AccessLogEntry) =>
  row.by === e.by && row.byDetail === e.byDetail && row.outcome === e.outcome && row.purpose === e.purpose && row.oldest.getTime() - e.at.getTime() <= SAME_ACT_GAP_MS;

/** Entries oldest first (as the kernel gives them) into rows newest first; `others` leaves out the customer's own acts. */
export function accessLogRows(entries: readonly AccessLogEntry[], options: { others?: boolean } = {}): AccessLogRow[] {
  const rows: AccessLogRow[] = [];
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i]!;
    if (options.others && e.by === 'self') continue;
    const last = rows.at(-1);
    if (last && sameAct(last, e)) {
      last.count++;
      last.oldest = e.at;
      const done = last.actions.find((a) => a.action === e.action);
      if (done) done.count++;
      else last.actions.push({ action: e.action, count: 1 });
      for (const c of e.categories) if (!last.categories.includes(c)) last.categories.push(c);
    } else {
      rows.push({
        newest: e.at,
        oldest: e.at,
        count: 1,
        by: e.by,
        byDetail: e.byDetail,
        actions: [{ action: e.action, count: 1 }],
        outcome: e.outcome,
        purpose: e.purpose,
        categories: [...e.categories],
      });
    }
  }
  return rows;
}

export function accessLogCounts(entries: readonly AccessLogEntry[]): AccessLogCounts {
  return { total: entries.length, byOthers: entries.filter((e) => e.by !== 'self').length };
}
