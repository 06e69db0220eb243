// The shop's risk rules and how an order is judged by them (decision 0047). The owner sets them on
// the console (`/staff/risk-rules`); a fresh shop has every rule off, so nothing is held until the
// owner decides what looks wrong for their shop. Judging is pure once the buyer's recent orders
// are counted: the countries compared are the two letters the buyer chose at checkout, never kept.
import type { Selectable } from 'kysely';
import { compiledOnce } from '../../platform/db/compiled-once.ts';
import { tablesOf, type Db } from '../../platform/db/database.ts';
import type { FraudTables, RulesTable } from './tables.ts';

export const fraudDb = (db: Db) => tablesOf<FraudTables>(db);

export interface RiskRules {
  countryMismatch: boolean;
  /** N orders or more from the same buyer within `hours` (null: off). */
  velocity: { orders: number; hours: number } | null;
  /** A total of at least this much, in this currency (null: off). */
  amount: { minor: number; currency: string } | null;
}

export const ruleCodes = ['country_mismatch', 'velocity', 'amount'] as const;
export type RuleCode = (typeof ruleCodes)[number];

export const ruleLabels: Record<RuleCode, string> = {
  country_mismatch: 'Billing and delivery countries differ',
  velocity: 'Many orders from the same buyer in a short time',
  amount: 'Order total over the limit',
};

export const NO_RULES: RiskRules = { countryMismatch: false, velocity: null, amount: null };

function fromRow(row: Selectable<RulesTable> | undefined): RiskRules {
  if (!row) return NO_RULES;
  return {
    countryMismatch: row.country_mismatch,
    velocity: row.velocity_orders !== null && row.velocity_hours !== null ? { orders: row.velocity_orders, hours: row.velocity_hours } : null,
    amount: row.amount_minor !== null && row.amount_currency !== null ? { minor: Number(row.amount_minor), currency: row.amount_currency } : null,
  };
}

// Every placed order reads the rules: built once (compiled-once.ts).
const rulesStatement = compiledOnce([], (db) => fraudDb(db).selectFrom('fraud_rules').selectAll().where('id', '=', 1));

export async function loadRules(db: Db): Promise<RiskRules> {
  return fromRow((await db.executeQuery(rulesStatement(db, {}))).rows[0]);
}

export async function saveRules(db: Db, rules: RiskRules, by: string): Promise<void> {
  const values = {
    country_mismatch: rules.countryMismatch,
    velocity_orders: rules.velocity?.orders ?? null,
    velocity_hours: rules.velocity?.hours ?? null,
    amount_minor: rules.amount?.minor ?? null,
    amount_currency: rules.amount?.currency ?? null,
    updated_at: new Date(),
    updated_by: by,
  };
  await fraudDb(db)
    .insertInto('fraud_rules')
    .values({ id: 1, ...values })
    .onConflict((oc) => oc.column('id').doUpdateSet(values))
    .execute();
}

export interface Judged {
  shipCountry: string | null;
  billingCountry: string | null;
  totalMinor: number;
  currency: string;
  /** Orders of the buyer placed within the velocity window, this one included. */
  recentOrders: number;
}

/** The rules an order matches, in the catalogue's order (empty: it is not held). */
export function matchingRules(rules: RiskRules, order: Judged): RuleCode[] {
  const fired: RuleCode[] = [];
  if (rules.countryMismatch && order.shipCountry && order.billingCountry && order.shipCountry !== order.billingCountry) fired.push('country_mismatch');
  if (rules.velocity && order.recentOrders >= rules.velocity.orders) fired.push('velocity');
  if (rules.amount && order.currency === rules.amount.currency && order.totalMinor >= rules.amount.minor) fired.push('amount');
  return fired;
}
