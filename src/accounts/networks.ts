// "Sign-in from a new network" (P002-19): each user's networks are remembered as keyed digests
// (never the address) under a key the privacy kernel keeps in its keyring, not in the database, so
// a copy of the database cannot be searched for an address by trying them all (decision 0025).
// They are kept as long as the data map keeps IP data for security (retention of
// user.device.ip_address under `security`), counted from the last sign-in from that network. A
// successful sign-in from a network the user has not used before, when they have used others, is
// a security event.
import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import type { PrivacyKernel } from '../privacy/index.ts';
import { recordSecurityEvent } from './security-events.ts';
import type { UserRow } from './tables.ts';
import { networkOf } from './throttle.ts';

const DIGEST_DOMAIN = 'accounts.network';

export type NetworkKernel = Pick<PrivacyKernel, 'keyedDigest' | 'retention'>;

/** The digest a sign-in's network is remembered by. */
export function networkDigest(kernel: NetworkKernel, ip: string): Buffer {
  return kernel.keyedDigest(DIGEST_DOMAIN, networkOf(ip));
}

/** How many days a network is remembered after its last sign-in: the data map's retention for IP data kept for security. */
export function networkMemoryDays(kernel: NetworkKernel): number {
  return kernel.retention('user.device.ip_address', 'security').days;
}

const NO_USER = '00000000-0000-0000-0000-000000000000';

/**
 * Whether the user has signed in from this network before. Sign-in asks it for every attempt, an
 * unknown email included (with no user), so both run the same query.
 */
export async function isKnownNetwork(db: Db, kernel: NetworkKernel, userId: string | null, ip: string): Promise<boolean> {
  const { rows } = await sql<{ known: boolean }>`
    select exists (select 1 from accounts_known_networks where user_id = ${userId ?? NO_USER}::uuid and network = ${networkDigest(kernel, ip)}) as known`.execute(db);
  return Boolean(rows[0]?.known);
}

/** Remembers the network of this sign-in; returns true when it is new for a user who had others. */
export async function noteSignInNetwork(db: Db, kernel: NetworkKernel, user: UserRow, ip: string, now: Date): Promise<boolean> {
  const digest = networkDigest(kernel, ip);
  const { rows } = await sql<{ inserted: boolean; others: number }>`
    with known as (select count(*)::int as n from accounts_known_networks where user_id = ${user.id}::uuid and network <> ${digest}),
    up as (
      insert into accounts_known_networks as k (user_id, network, first_seen_at, last_seen_at) values (${user.id}::uuid, ${digest}, ${now}, ${now})
      on conflict (user_id, network) do update set last_seen_at = excluded.last_seen_at
      returning (xmax = 0) as inserted
    )
    select up.inserted, known.n as others from up, known`.execute(db);
  const fresh = Boolean(rows[0]?.inserted) && (rows[0]?.others ?? 0) > 0;
  if (fresh) await recordSecurityEvent(db, { kind: 'new-network', at: now, userId: user.id, detail: { user_kind: user.kind } });
  return fresh;
}

export async function sweepNetworks(db: Db, kernel: NetworkKernel, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - networkMemoryDays(kernel) * 86_400_000);
  const result = await sql`delete from accounts_known_networks where last_seen_at < ${cutoff}`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
