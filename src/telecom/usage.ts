// Usage records (CPNI, P003-03/14): what the network reports of a line's calls, messages and data,
// how they are checked, and how they are kept. A record is stored inside a kernel item of category
// user.telecom.cpni under purpose `billing`, encrypted under the customer's key: one ingest's
// records of one line and one month form a batch, kept in parts under `usage:<month>:<batch>:<n>`
// (the kernel holds at most 64 KB per item). Only the batch's ids, month and counts are plain.
import { validationError } from '../platform/errors.ts';
import type { PersonalValue } from '../privacy/index.ts';

export const CPNI = 'user.telecom.cpni';
export const LOCATION = 'user.location.precise';
export const USAGE_PURPOSE = 'billing';
export const EMERGENCY_PURPOSE = 'emergency';
export const MAX_RECORDS = 5000;
/** JSON bytes of one part's records: with its other fields well under the kernel's 64 KB. */
export const PART_BYTES = 56 * 1024;

export type UsageKind = 'call' | 'sms' | 'data';
export const usageKinds: readonly UsageKind[] = ['call', 'sms', 'data'];

/** A record as the network posts it. */
export interface UsageInput {
  line: string;
  kind: UsageKind;
  /** When it started (RFC 3339). */
  at: string;
  /** A call's length. */
  seconds?: number;
  /** A data session's volume. */
  bytes?: number;
  /** The other party's number (calls and messages). */
  other?: string;
  /** The cell the line used. */
  cell?: string;
  /** The device (IMEI) the line was in. */
  device?: string;
  /** A call to an emergency service (911, 112): only such a call may carry the caller's location. */
  emergency?: boolean;
  location?: { lat: number; lon: number };
}

/** A stored record: [kind, epoch seconds, seconds | 1 | bytes, other party, cell, device, emergency 0/1]. */
export type UsageRow = [UsageKind, number, number, string | null, string | null, string | null, 0 | 1];
export const ROW_FIELDS = ['kind', 'at', 'amount', 'other', 'cell', 'device', 'emergency'] as const;

/** One stored part: self-describing, so the person's export reads without this code. */
export interface UsagePart {
  line: string;
  month: string;
  part: number;
  fields: readonly string[];
  records: UsageRow[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NUMBER = /^\+?[0-9*#]{2,20}$/;
const DAY_MS = 86_400_000;

/** The JSON schema of one record (the route's body schema uses it; the checks below do the rest). */
export const usageRecordSchema = {
  type: 'object',
  required: ['line', 'kind', 'at'],
  additionalProperties: false,
  properties: {
    line: { type: 'string', format: 'uuid' },
    kind: { type: 'string', enum: [...usageKinds] },
    at: { type: 'string', format: 'date-time', maxLength: 40 },
    seconds: { type: 'integer', minimum: 0, maximum: 86_400 },
    bytes: { type: 'integer', minimum: 0, maximum: 1_000_000_000_000 },
    other: { type: 'string', maxLength: 21 },
    cell: { type: 'string', minLength: 1, maxLength: 64 },
    device: { type: 'string', minLength: 1, maxLength: 64 },
    emergency: { type: 'boolean' },
    location: {
      type: 'object',
      required: ['lat', 'lon'],
      additionalProperties: false,
      properties: { lat: { type: 'number', minimum: -90, maximum: 90 }, lon: { type: 'number', minimum: -180, maximum: 180 } },
    },
  },
} as const;

export interface CheckedRecord {
  line: string;
  month: string;
  row: UsageRow;
  location: { lat: number; lon: number; at: string } | null;
}

/** Checks one record beyond its schema (which fields its kind takes, the time); the field is named `records.<i>.<field>`. */
export function checkRecord(r: UsageInput, i: number, now: Date): CheckedRecord {
  const field = (name: string) => `records.${i}.${name}`;
  if (typeof r.line !== 'string' || !UUID.test(r.line)) throw validationError(field('line'), 'must be a line id');
  if (!usageKinds.includes(r.kind)) throw validationError(field('kind'), `must be one of ${usageKinds.join(', ')}`);
  const at = new Date(r.at);
  if (typeof r.at !== 'string' || Number.isNaN(at.getTime())) throw validationError(field('at'), 'must be a date and time (RFC 3339)');
  if (at.getTime() > now.getTime() + DAY_MS) throw validationError(field('at'), 'is in the future');
  if (at.getTime() < now.getTime() - 400 * DAY_MS) throw validationError(field('at'), 'is more than 400 days old');
  const needs = (name: 'seconds' | 'bytes' | 'other', wanted: boolean) => {
    if (wanted && r[name] === undefined) throw validationError(field(name), `is required for a ${r.kind} record`);
    if (!wanted && r[name] !== undefined) throw validationError(field(name), `is not part of a ${r.kind} record`);
  };
  needs('seconds', r.kind === 'call');
  needs('bytes', r.kind === 'data');
  needs('other', r.kind !== 'data');
  if (r.other !== undefined && !NUMBER.test(r.other)) throw validationError(field('other'), 'must be a phone number (digits, an optional leading +)');
  if (r.emergency && r.kind !== 'call') throw validationError(field('emergency'), 'only a call is an emergency call');
  if (r.location && !r.emergency) throw validationError(field('location'), 'is kept only for a call to an emergency service');
  const amount = r.kind === 'call' ? (r.seconds as number) : r.kind === 'data' ? (r.bytes as number) : 1;
  return {
    line: r.line.toLowerCase(),
    month: at.toISOString().slice(0, 7),
    row: [r.kind, Math.floor(at.getTime() / 1000), amount, r.other ?? null, r.cell ?? null, r.device ?? null, r.emergency ? 1 : 0],
    location: r.location ? { lat: r.location.lat, lon: r.location.lon, at: at.toISOString() } : null,
  };
}

/** A line-month's rows in parts whose JSON stays under PART_BYTES, with each part's size. */
export function partsOf(rows: readonly UsageRow[]): { rows: UsageRow[]; bytes: number }[] {
  const parts: { rows: UsageRow[]; bytes: number }[] = [];
  let current: UsageRow[] = [];
  let size = 0;
  for (const row of rows) {
    const bytes = JSON.stringify(row).length + 1;
    if (current.length && size + bytes > PART_BYTES) {
      parts.push({ rows: current, bytes: size });
      current = [];
      size = 0;
    }
    current.push(row);
    size += bytes;
  }
  if (current.length) parts.push({ rows: current, bytes: size });
  return parts;
}

export const usageRef = (month: string, batch: string, part: number) => `usage:${month}:${batch}:${part}`;

export interface UsageTotals {
  records: number;
  calls: number;
  /** Billed minutes: each call rounded up to the minute. */
  minutes: number;
  messages: number;
  dataBytes: number;
}

export const noTotals = (): UsageTotals => ({ records: 0, calls: 0, minutes: 0, messages: 0, dataBytes: 0 });

export function addRow(t: UsageTotals, row: UsageRow): UsageTotals {
  t.records++;
  if (row[0] === 'call') {
    t.calls++;
    t.minutes += Math.ceil(row[2] / 60);
  } else if (row[0] === 'sms') t.messages++;
  else t.dataBytes += row[2];
  return t;
}

/** The rows of a stored part, or null when it is not one (a damaged or foreign value). */
export function rowsOfPart(value: PersonalValue | undefined): UsageRow[] | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const records = (value as { records?: unknown }).records;
  return Array.isArray(records) ? (records as UsageRow[]) : null;
}
