// A month's statement: the plan charge of each line and its usage, summed and itemised, from the
// month's usage items read through the kernel (readMany, each item checked and audited; 500 a
// call). The customer reads it under `billing`; an accountant under `billing`, the privacy officer
// under `data-rights`, each read in the customer's access log (P003-16).
import { catalogueDb, type VariantForSale } from '../commerce/catalogue/index.ts';
import type { Db } from '../platform/db/database.ts';
import { AppError } from '../platform/errors.ts';
import { type Actor, isPrivacyRefusal, type PrivacyKernel, SubjectErased, systemActor } from '../privacy/index.ts';
import { summaryOf } from './ingest.ts';
import { type Line, linesOf, plansOf } from './lines.ts';
import { telecomDb } from './tables.ts';
import { addRow, CPNI, noTotals, rowsOfPart, type UsageRow, type UsageTotals, usageRef } from './usage.ts';

export const MONTH = /^[0-9]{4}-(0[1-9]|1[0-2])$/;
const READ_PAGE = 500;

export interface StatementLine {
  line: Line;
  plan: VariantForSale | null;
  totals: UsageTotals;
  records: UsageRow[];
}

export interface Statement {
  month: string;
  lines: StatementLine[];
  /** Plan charges of the lines, by currency. */
  charges: { currency: string; minor: number }[];
}

/** The months a customer has usage for, newest first. */
export async function monthsOf(db: Db, subject: string): Promise<string[]> {
  const rows = await telecomDb(db).selectFrom('telecom_usage_batches').select('month').distinct().where('subject_id', '=', subject).orderBy('month', 'desc').execute();
  return rows.map((r) => r.month);
}

export async function readStatement(kernel: PrivacyKernel, db: Db, r: { subject: string; month: string; actor: Actor; purpose: string }): Promise<Statement> {
  const lines = await linesOf(db, r.subject);
  const batches = await telecomDb(db)
    .selectFrom('telecom_usage_batches')
    .select(['id', 'line_id', 'parts'])
    .where('subject_id', '=', r.subject)
    .where('month', '=', r.month)
    .orderBy('received_at')
    .orderBy('id')
    .execute();
  const items = batches.flatMap((b) => Array.from({ length: b.parts }, (_, n) => ({ subject: r.subject, ref: usageRef(r.month, b.id, n), line: b.line_id })));
  const rowsByLine = new Map<string, UsageRow[]>();
  for (let i = 0; i < items.length; i += READ_PAGE) {
    const page = items.slice(i, i + READ_PAGE);
    const results = await kernel.readMany(db, { actor: r.actor, purpose: r.purpose, categories: [CPNI], items: page.map(({ subject, ref }) => ({ subject, ref })) });
    for (const [n, result] of results.entries()) {
      if (!result.ok) throw new AppError(result.reason === 'erased' ? 'SUBJECT_ERASED' : 'PRIVACY_REFUSED');
      const rows = rowsOfPart(result.record.values[CPNI]);
      if (!rows) continue;
      const line = page[n]!.line;
      const list = rowsByLine.get(line) ?? [];
      for (const row of rows) list.push(row);
      rowsByLine.set(line, list);
    }
  }
  const plans = await plansOf(db, lines);
  const shown = lines.filter((l) => l.status !== 'closed' || rowsByLine.has(l.id));
  const charges = new Map<string, number>();
  const out = shown.map((line) => {
    const records = (rowsByLine.get(line.id) ?? []).sort((a, b) => a[1] - b[1]);
    const totals = noTotals();
    for (const row of records) addRow(totals, row);
    const plan = plans.get(line.variantId) ?? null;
    if (plan) charges.set(plan.currency, (charges.get(plan.currency) ?? 0) + plan.price_minor);
    return { line, plan, totals, records };
  });
  return { month: r.month, lines: out, charges: [...charges].map(([currency, minor]) => ({ currency, minor })) };
}

export const OFFERS_JOB = 'telecom.offers';
const OFFERS_ACTOR = systemActor(OFFERS_JOB);
const GB = 1_000_000_000;

export interface PlanOffer {
  sku: string;
  name: string;
  priceMinor: number;
  currency: string;
  reason: string;
}

/**
 * "A plan that fits" (P003-15/17): the customer's usage summary read under `cpni-marketing`, which
 * the kernel refuses once the customer opted out, and compared with the other variants of each
 * line's plan. Null when the purpose is refused or nothing fits better.
 */
export async function planThatFits(kernel: PrivacyKernel, db: Db, subject: string, month: string, lines: readonly StatementLine[]): Promise<PlanOffer | null> {
  let usage;
  try {
    const record = await kernel.read(db, { subject, actor: OFFERS_ACTOR, purpose: 'cpni-marketing', categories: [CPNI], ref: '' });
    usage = summaryOf(record.values[CPNI]).months[month];
  } catch (err) {
    if (isPrivacyRefusal(err) || err instanceof SubjectErased) return null;
    throw err;
  }
  if (!usage) return null;
  for (const { line, plan } of lines) {
    if (!plan || line.status !== 'active') continue;
    const others = await catalogueDb(db)
      .selectFrom('catalogue_variants')
      .select(['sku', 'name', 'price_minor', 'currency'])
      .where('product_id', '=', plan.product_id)
      .where('id', '!=', plan.variant_id)
      .orderBy('price_minor')
      .execute();
    const dearer = others.find((o) => o.price_minor > plan.price_minor && o.currency === plan.currency);
    const cheaper = others.filter((o) => o.price_minor < plan.price_minor && o.currency === plan.currency).at(-1);
    if (usage.data_bytes > 4 * GB && dearer) {
      return { sku: dearer.sku, name: dearer.name, priceMinor: dearer.price_minor, currency: dearer.currency, reason: `You used ${(usage.data_bytes / GB).toFixed(1)} GB of data this month.` };
    }
    if (usage.data_bytes < GB && usage.minutes < 100 && cheaper) {
      return { sku: cheaper.sku, name: cheaper.name, priceMinor: cheaper.price_minor, currency: cheaper.currency, reason: `You used ${usage.minutes} minutes and under 1 GB of data this month.` };
    }
  }
  return null;
}
