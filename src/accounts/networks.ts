// "Sign-in from a new network" (P002-19): each account's networks are remembered as digests (never
// the address nor the truncated network) under a key derived from the account holder's own data
// key (`kernel.subjectDigest`, decision 0081): the same network of two accounts gives unrelated
// digests, nothing outside this table holds one (analytics keeps no account link and its own
// daily keys), and erasing the person destroys the key, so no digest of theirs can be recomputed
// or tested against a guessed address, here or in a backup. The rows are declared to the kernel's
// retention engine as IP data kept for security (retention of user.device.ip_address under
// `security`), counted from the last sign-in from that network (`networksRetention`, decision
// 0065), and erasure deletes them with the account (holder.ts). A successful sign-in from a
// network the user has not used before, when they have used others, is a security event.
import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import type { PrivacyKernel, RetentionStore } from '../privacy/index.ts';
import { recordSecurityEvent } from './security-events.ts';
import { accountsDb, type UserRow } from './tables.ts';
import { networkOf } from './throttle.ts';

const DIGEST_DOMAIN = 'accounts.network';

export type NetworkKernel = Pick<PrivacyKernel, 'subjectDigest'>;

/** The digest a sign-in's network is remembered by, for the account of this subject. */
export function networkDigest(kernel: NetworkKernel, db: Db, subject: string, ip: string): Promise<Buffer> {
  return kernel.subjectDigest(db, { subject, domain: DIGEST_DOMAIN, value: networkOf(ip) });
}

const NO_USER = '00000000-0000-0000-0000-000000000000';

/**
 * Whether the user has signed in from this network before. Sign-in asks it for every attempt, an
 * unknown email included (no user: the digest is made under the decoy's key), so both do the same work.
 */
export async function isKnownNetwork(db: Db, kernel: NetworkKernel, user: Pick<UserRow, 'id' | 'subject_id'> | null, decoySubject: string, ip: string): Promise<boolean> {
  const digest = await networkDigest(kernel, db, user?.subject_id ?? decoySubject, ip);
  const userId = user?.id ?? null;
  const row = await accountsDb(db)
    .selectNoFrom((eb) =>
      eb
        .exists(
          eb
            .selectFrom('accounts_known_networks')
            .select((e) => e.lit(1).as('one'))
            .where('user_id', '=', userId ?? NO_USER)
            .where('network', '=', digest),
        )
        .as('known'),
    )
    .executeTakeFirst();
  return Boolean(row?.known);
}

/** Remembers the network of this sign-in; returns true when it is new for a user who had others. */
export async function noteSignInNetwork(db: Db, kernel: NetworkKernel, user: UserRow, ip: string, now: Date): Promise<boolean> {
  const digest = await networkDigest(kernel, db, user.subject_id, ip);
  const row = await accountsDb(db)
    .with('known', (q) =>
      q
        .selectFrom('accounts_known_networks')
        .select((eb) => eb.cast<number>(eb.fn.countAll(), 'integer').as('n'))
        .where('user_id', '=', user.id)
        .where('network', '<>', digest),
    )
    .with('up', (q) =>
      q
        .insertInto('accounts_known_networks')
        .values({ user_id: user.id, network: digest, first_seen_at: now, last_seen_at: now })
        .onConflict((oc) => oc.columns(['user_id', 'network']).doUpdateSet((eb) => ({ last_seen_at: eb.ref('excluded.last_seen_at') })))
        // xmax is 0 on a row this statement inserted, not on one it updated.
        .returning(sql<boolean>`(xmax = 0)`.as('inserted')),
    )
    .selectFrom(['up', 'known'])
    .select(['up.inserted', 'known.n as others'])
    .executeTakeFirst();
  const fresh = Boolean(row?.inserted) && (row?.others ?? 0) > 0;
  if (fresh) await recordSecurityEvent(db, { kind: 'new-network', at: now, userId: user.id, detail: { user_kind: user.kind } });
  return fresh;
}

/** Networks not signed in from for longer than the map keeps IP data for security. */
export const networksRetention: RetentionStore = {
  name: 'accounts.known-networks',
  description: 'The networks each user signed in from (digests under a key of their own, destroyed at erasure), counted from the last sign-in from each.',
  category: 'user.device.ip_address',
  purpose: 'security',
  action: 'purge',
  async purge({ db }, cutoff, limit) {
    const t = accountsDb(db);
    const due = t.selectFrom('accounts_known_networks').select(['user_id', 'network']).where('last_seen_at', '<', cutoff).limit(limit).$asTuple('user_id', 'network');
    const { numDeletedRows } = await t
      .deleteFrom('accounts_known_networks')
      .where((eb) => eb(eb.refTuple('user_id', 'network'), 'in', due))
      .executeTakeFirstOrThrow();
    return Number(numDeletedRows);
  },
};

/** Security events (failed sign-ins, locks, new networks) older than the map keeps security logs. */
export const securityEventsRetention: RetentionStore = {
  name: 'accounts.security-events',
  description: 'Security events: failed and locked sign-ins, rate-limit hits, sign-ins from a new network.',
  category: 'user.device.ip_address',
  purpose: 'security',
  action: 'purge',
  async purge({ db }, cutoff, limit) {
    const t = accountsDb(db);
    const due = t.selectFrom('accounts_security_events').select('id').where('at', '<', cutoff).orderBy('at').limit(limit);
    const { numDeletedRows } = await t.deleteFrom('accounts_security_events').where('id', 'in', due).executeTakeFirstOrThrow();
    return Number(numDeletedRows);
  },
};
