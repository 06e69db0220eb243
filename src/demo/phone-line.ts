// The demo customer's phone line (seed 003): a mobile plan of the demo shop with last month's calls,
// messages and data, posted as the network would post them, so the statement, the "plan that fits"
// and the opt-out can be tried at once. Made with the demo sign-ins, once.
import { variantForSaleBySku } from '../commerce/catalogue/index.ts';
import type { Db } from '../platform/db/database.ts';
import { type PrivacyKernel, systemActor } from '../privacy/index.ts';
import { ingestUsage, insertLine, lineRef, makeNetworkKey, PHONE, type UsageInput } from '../telecom/index.ts';

const ACTOR = systemActor('demo.phone-line');
export const DEMO_PLAN_SKU = 'AG-MOB-5GB';
export const DEMO_LINE_NUMBER = '+1 207 555 0142';

/** Opens the line and posts last month's usage; returns how many records (0 without the demo's plan). */
export async function seedDemoPhoneLine(db: Db, kernel: PrivacyKernel, customer: string, now: Date): Promise<number> {
  const plan = await variantForSaleBySku(db, DEMO_PLAN_SKU);
  if (!plan) return 0;
  const line = await insertLine(db, { subject: customer, variant: plan.variant_id, by: 'system:demo' }, now);
  await kernel.write(db, { subject: customer, actor: ACTOR, purpose: 'fulfillment', ref: lineRef(line), values: { [PHONE]: DEMO_LINE_NUMBER } });
  const network = await makeNetworkKey(db, 'Demo network (key not kept)', ACTOR, now);
  const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1, 7);
  const at = (hours: number) => new Date(start + hours * 3_600_000).toISOString();
  const friends = ['+12075550117', '+12075550163', '+16175550148', '+12125550190'];
  const records: UsageInput[] = [
    ...Array.from(
      { length: 120 },
      (_, i): UsageInput => ({ line, kind: 'call', at: at(i * 5 + 1), seconds: 45 + ((i * 37) % 600), other: friends[i % 4]!, cell: `ME-PWM-${i % 6}`, device: '356938035643809' }),
    ),
    ...Array.from({ length: 150 }, (_, i): UsageInput => ({ line, kind: 'sms', at: at(i * 4 + 2), other: friends[(i + 1) % 4]!, cell: `ME-PWM-${i % 6}` })),
    ...Array.from({ length: 30 }, (_, i): UsageInput => ({ line, kind: 'data', at: at(i * 22 + 3), bytes: 150_000_000 + i * 1_000_000, cell: `ME-PWM-${i % 6}` })),
  ];
  const result = await ingestUsage(kernel, db, { networkKey: network.id, batch: 'demo', records }, now);
  return result.records;
}
