// "Sign-in from a new network" (P002-19): each user's networks are remembered as keyed digests
// (never the address), for 90 days since last seen. A successful sign-in from a network the user
// has not used before, when they have used others, is a security event.
import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import { recordSecurityEvent } from './security-events.ts';
import type { UserRow } from './tables.ts';
import { networkOf } from './throttle.ts';

export const NETWORK_MEMORY_DAYS = 90;

const networkDigest = (secret: Buffer, ip: string) => createHmac('sha256', secret).update(`network\0${networkOf(ip)}`).digest();

const NO_USER = '00000000-0000-0000-0000-000000000000';

/**
 * Whether the user has signed in from this network before. Sign-in asks it for every attempt, an
 * unknown email included (with no user), so both run the same query.
 */
export async function isKnownNetwork(db: Db, secret: Buffer, userId: string | null, ip: string): Promise<boolean> {
  const { rows } = await sql<{ known: boolean }>`
    select exists (select 1 from accounts_known_networks where user_id = ${userId ?? NO_USER}::uuid and network = ${networkDigest(secret, ip)}) as known`.execute(db);
  return Boolean(rows[0]?.known);
}

/** Remembers the network of this sign-in; returns true when it is new for a user who had others. */
export async function noteSignInNetwork(db: Db, secret: Buffer, user: UserRow, ip: string, now: Date): Promise<boolean> {
  const digest = networkDigest(secret, ip);
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

export async function sweepNetworks(db: Db, now: Date): Promise<void> {
  await sql`delete from accounts_known_networks where last_seen_at < ${new Date(now.getTime() - NETWORK_MEMORY_DAYS * 86_400_000)}`.execute(db);
}
