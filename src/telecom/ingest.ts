// Taking a batch of usage records from the network (POST /api/telecom/usage), in the request's one
// transaction: every record checked first (a 400 names `records.<i>.<field>`, nothing stored),
// then per line and month one batch, its records written as kernel items in parts (encrypted,
// audited), the month's totals added to the customer's usage summary (the CPNI item at ref '',
// which CPNI-based offers read and a disclosure with authorisation gives), and the location of an
// emergency call kept as the line's location for the emergency services (purpose `emergency`).
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import { AppError, validationError } from '../platform/errors.ts';
import { type PersonalValue, type PrivacyKernel, systemActor } from '../privacy/index.ts';
import { telecomDb } from './tables.ts';
import {
  addRow,
  CPNI,
  type CheckedRecord,
  checkRecord,
  EMERGENCY_PURPOSE,
  LOCATION,
  MAX_RECORDS,
  noTotals,
  partsOf,
  ROW_FIELDS,
  type UsageInput,
  type UsageRow,
  type UsageTotals,
  USAGE_PURPOSE,
  usageRef,
} from './usage.ts';

export const INGEST_JOB = 'telecom.ingest';
export const INGEST_ACTOR = systemActor(INGEST_JOB);
/** Months the usage summary keeps (the call detail itself is kept 540 days). */
const SUMMARY_MONTHS = 18;
/** Items per kernel statement (the kernel's batch limit) and the JSON bytes one statement carries at most. */
const KERNEL_PAGE = 500;
const STATEMENT_BYTES = 4 * 1024 * 1024;

export interface IngestResult {
  ingest: string;
  records: number;
  batches: number;
  duplicate: boolean;
}

/** The usage summary kept at ref '': totals per month, all lines together. */
export type UsageSummary = { months: Record<string, { records: number; calls: number; minutes: number; messages: number; data_bytes: number }> };

export function summaryOf(value: PersonalValue | undefined): UsageSummary {
  const months = value && typeof value === 'object' && !Array.isArray(value) ? (value as { months?: unknown }).months : undefined;
  return { months: months && typeof months === 'object' && !Array.isArray(months) ? (months as UsageSummary['months']) : {} };
}

export async function ingestUsage(kernel: PrivacyKernel, db: Db, input: { networkKey: string; batch?: string; records: readonly UsageInput[] }, now: Date): Promise<IngestResult> {
  if (input.records.length > MAX_RECORDS) throw validationError('records', `must be at most ${MAX_RECORDS}`);
  const t = telecomDb(db);
  if (input.batch !== undefined) {
    const seen = await t.selectFrom('telecom_ingests').select(['id', 'records']).where('network_key_id', '=', input.networkKey).where('batch', '=', input.batch).executeTakeFirst();
    if (seen) return { ingest: seen.id, records: seen.records, batches: 0, duplicate: true };
  }
  const checked: CheckedRecord[] = input.records.map((r, i) => checkRecord(r, i, now));

  // The lines, locked against a concurrent batch for the same customer (the summary is read and written).
  const lineIds = [...new Set(checked.map((c) => c.line))];
  const lines = lineIds.length ? await t.selectFrom('telecom_lines').select(['id', 'subject_id', 'status']).where('id', 'in', lineIds).orderBy('id').forUpdate().execute() : [];
  const byId = new Map(lines.map((l) => [l.id, l]));
  checked.forEach((c, i) => {
    const line = byId.get(c.line);
    if (!line) throw validationError(`records.${i}.line`, 'is not a line of this shop');
    if (line.status === 'closed') throw validationError(`records.${i}.line`, 'is closed: it takes no more usage');
  });

  const ingest = randomUUID();
  await t
    .insertInto('telecom_ingests')
    .values({ id: ingest, network_key_id: input.networkKey, batch: input.batch ?? null, records: checked.length, received_at: now })
    .execute();

  // Per line and month: one batch, its parts written through the kernel.
  const groups = new Map<string, { line: string; month: string; rows: UsageRow[] }>();
  for (const c of checked) {
    const key = `${c.line}|${c.month}`;
    const g = groups.get(key) ?? { line: c.line, month: c.month, rows: [] };
    g.rows.push(c.row);
    groups.set(key, g);
  }
  const totals = new Map<string, Map<string, UsageTotals>>();
  const batches = [];
  const writes: { subject: string; ref: string; value: PersonalValue; bytes: number }[] = [];
  for (const g of groups.values()) {
    const subject = byId.get(g.line)!.subject_id;
    g.rows.sort((a, b) => a[1] - b[1]);
    const parts = partsOf(g.rows);
    const batch = randomUUID();
    for (const [n, part] of parts.entries()) {
      writes.push({
        subject,
        ref: usageRef(g.month, batch, n),
        value: { line: g.line, month: g.month, part: n, fields: [...ROW_FIELDS], records: part.rows } as unknown as PersonalValue,
        bytes: part.bytes,
      });
    }
    batches.push({ id: batch, ingest_id: ingest, line_id: g.line, subject_id: subject, month: g.month, records: g.rows.length, parts: parts.length, received_at: now });
    const months = totals.get(subject) ?? new Map<string, UsageTotals>();
    const sum = months.get(g.month) ?? noTotals();
    for (const row of g.rows) addRow(sum, row);
    months.set(g.month, sum);
    totals.set(subject, months);
  }
  if (batches.length) await t.insertInto('telecom_usage_batches').values(batches).execute();

  // The usage summary of each customer: read (one statement a page), added to, written back with
  // the records (the lines' lock keeps it whole).
  const subjects = [...totals.keys()];
  for (let i = 0; i < subjects.length; i += KERNEL_PAGE) {
    const page = subjects.slice(i, i + KERNEL_PAGE);
    const read = await kernel.readMany(db, { actor: INGEST_ACTOR, purpose: USAGE_PURPOSE, categories: [CPNI], items: page.map((subject) => ({ subject, ref: '' })) });
    for (const [n, result] of read.entries()) {
      if (!result.ok) throw new AppError(result.reason === 'erased' ? 'SUBJECT_ERASED' : 'PRIVACY_REFUSED');
      const subject = page[n]!;
      const summary = summaryOf(result.record.values[CPNI]);
      for (const [month, sum] of totals.get(subject)!) {
        const was = summary.months[month] ?? { records: 0, calls: 0, minutes: 0, messages: 0, data_bytes: 0 };
        summary.months[month] = {
          records: was.records + sum.records,
          calls: was.calls + sum.calls,
          minutes: was.minutes + sum.minutes,
          messages: was.messages + sum.messages,
          data_bytes: was.data_bytes + sum.dataBytes,
        };
      }
      const kept = Object.keys(summary.months).sort().slice(-SUMMARY_MONTHS);
      const value = { months: Object.fromEntries(kept.map((m) => [m, summary.months[m]!])) };
      writes.push({ subject, ref: '', value: value as unknown as PersonalValue, bytes: JSON.stringify(value).length });
    }
  }

  // The records and summaries through the kernel: one statement per page (each item encrypted under its person's key and audited).
  let page: typeof writes = [];
  let bytes = 0;
  const flush = async () => {
    if (page.length) await kernel.writeMany(db, { actor: INGEST_ACTOR, purpose: USAGE_PURPOSE, category: CPNI, items: page.map(({ subject, ref, value }) => ({ subject, ref, value })) });
    page = [];
    bytes = 0;
  };
  for (const w of writes) {
    if (page.length === KERNEL_PAGE || bytes + w.bytes > STATEMENT_BYTES) await flush();
    page.push(w);
    bytes += w.bytes;
  }
  await flush();

  // An emergency call's location: the line's latest, for the emergency services (P003-13).
  const located = new Map<string, { lat: number; lon: number; at: string; line: string }>();
  for (const c of checked) {
    if (!c.location) continue;
    const subject = byId.get(c.line)!.subject_id;
    const was = located.get(subject);
    if (!was || was.at < c.location.at) located.set(subject, { ...c.location, line: c.line });
  }
  for (const [subject, location] of located) {
    await kernel.write(db, { subject, actor: INGEST_ACTOR, purpose: EMERGENCY_PURPOSE, values: { [LOCATION]: location } });
  }
  return { ingest, records: checked.length, batches: batches.length, duplicate: false };
}

/** How many usage records the shop holds (counts only; the bench and the staff page). */
export async function usageCount(db: Db): Promise<number> {
  const { rows } = await sql<{ n: number }>`select coalesce(sum(records), 0)::int as n from telecom_usage_batches`.execute(db);
  return rows[0]?.n ?? 0;
}
