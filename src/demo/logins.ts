// Demo sign-ins, made once when the shop starts with DEMO_DATA on: a customer, a staff owner and a
// privacy officer (who set up the TOTP second factor at the first sign-in, the normal flow) and a vendor portal user
// for the demo's software publisher, Lanternfish Software (seed 000: a reseller of software whose vendors receive the
// buyer's details; any vendor when that one is missing). Their passwords are published in the start banner and the README,
// so they exist only in a demo shop; a shop that ever had a demo login does not get them again.
import { sql } from 'kysely';
import { type AccountsDeps, ACCOUNT_PURPOSE, AGE, CREDENTIALS, EMAIL, NAME, hashPassword, insertUser } from '../accounts/index.ts';
import { getVendorBySlug, listVendors } from '../commerce/catalogue/index.ts';
import type { Db } from '../platform/db/database.ts';
import { systemActor } from '../privacy/index.ts';
import { seedDemoPhoneLine } from './phone-line.ts';

export const demoLogins = {
  customer: { name: 'Demo Customer', email: 'demo-customer@example.com', password: 'maple-kettle-42-lantern' },
  owner: { name: 'Demo Owner', email: 'demo-owner@example.com', password: 'harbour-violet-93-compass-drift' },
  dpo: { name: 'Demo Privacy Officer', email: 'demo-dpo@example.com', password: 'orchard-beacon-71-velvet-shore' },
  vendor: { name: 'Demo Vendor User', email: 'demo-vendor@example.com', password: 'copper-meadow-58-signal-tide', vendorSlug: 'lanternfish-software', vendorName: 'Lanternfish Software' },
} as const;

const DEMO_LOGINS_LOCK = 7_200_301_003;

async function demoLoginsMade(db: Db): Promise<boolean> {
  const { rows } = await sql<{ made: boolean }>`select exists (select 1 from accounts_users where origin = 'demo') as made`.execute(db);
  return rows[0]?.made === true;
}

/** Makes the demo sign-ins unless some were made before; returns true when it made them. */
export async function seedDemoLogins(deps: AccountsDeps, db: Db): Promise<boolean> {
  // Every restart of a demo shop comes here: it answers without hashing (four Argon2 hashes are
  // some 0.4 s of CPU and their memory) once the logins exist. The lock below checks again.
  if (await demoLoginsMade(db)) return false;
  const hashes = {
    customer: await hashPassword(demoLogins.customer.password, deps.passwordCosts),
    owner: await hashPassword(demoLogins.owner.password, deps.passwordCosts),
    dpo: await hashPassword(demoLogins.dpo.password, deps.passwordCosts),
    vendor: await hashPassword(demoLogins.vendor.password, deps.passwordCosts),
  };
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${DEMO_LOGINS_LOCK})`.execute(trx);
    if (await demoLoginsMade(trx)) return false;
    const actor = systemActor('demo.logins');
    const now = deps.now();
    const person = async (kind: string, who: { name: string; email: string }, hash: string, extra: Record<string, unknown> = {}) => {
      const subject = await deps.kernel.createSubject(trx, { kind, actor, purpose: ACCOUNT_PURPOSE });
      await deps.kernel.write(trx, { subject, actor, purpose: ACCOUNT_PURPOSE, values: { [NAME]: who.name, [EMAIL]: who.email, [CREDENTIALS]: hash, ...extra } });
      return subject;
    };
    const customer = await person('customer', demoLogins.customer, hashes.customer, { [AGE]: { statement: 'adult' } });
    await insertUser(trx, { kind: 'customer', subjectId: customer, status: 'active', origin: 'demo', now });
    await seedDemoPhoneLine(trx, deps.kernel, customer, now);
    const owner = await person('staff', demoLogins.owner, hashes.owner);
    await insertUser(trx, { kind: 'staff', subjectId: owner, status: 'active', role: 'owner', origin: 'demo', now });
    const dpo = await person('staff', demoLogins.dpo, hashes.dpo);
    await insertUser(trx, { kind: 'staff', subjectId: dpo, status: 'active', role: 'dpo', origin: 'demo', now });
    const vendor = (await getVendorBySlug(trx, demoLogins.vendor.vendorSlug)) ?? (await listVendors(trx))[0];
    if (vendor) {
      const contact = await person('vendor-contact', demoLogins.vendor, hashes.vendor);
      await insertUser(trx, { kind: 'vendor', subjectId: contact, status: 'active', vendorId: vendor.id, origin: 'demo', now });
    }
    return true;
  });
}
