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

/** Remembers the network of this sign-in; returns true when it is new for a user who had others. */
export async function noteSignInNetwork(db: Db, secret: Buffer, user: UserRow, ip: string, now: Date): Promise<boolean> {
  const digest = createHmac('sha256', secret).update(`network\0${networkOf(ip)}`).digest();
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
