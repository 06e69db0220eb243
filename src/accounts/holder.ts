// What the accounts module keeps about a person, as the rights flows see it: the account row, its
// sessions, a staff member's personal API tokens (digests; shown by role and dates), the networks
// it signed in from (as digests, shown only by date) and its security events. Deactivation and the start of a deletion end every session and link at once; erasure
// deletes the account (sessions, links and networks go with it; security events stay, unlinked)
// and the failed-sign-in counter kept under a digest of the email.
import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import { type ExportRecord, type PersonalDataHolder, SubjectErased } from '../privacy/index.ts';
import { EMAIL } from './identity.ts';
import { throttleSecret } from './secrets.ts';
import { accountKeysOf } from './throttle.ts';
import { mailThrottleKeys } from './mail-throttle.ts';
import type { UserStatus } from './tables.ts';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

async function setStatus(db: Db, subject: string, status: UserStatus, from: readonly UserStatus[]): Promise<void> {
  const { rows } = await sql<{ id: string }>`
    update accounts_users set status = ${status} where subject_id = ${subject}::uuid and kind = 'customer' and status = any(${[...from]}::text[]) returning id`.execute(db);
  if (status !== 'active' && status !== 'pending') {
    for (const row of rows) {
      await sql`delete from accounts_sessions where user_id = ${row.id}::uuid`.execute(db);
      await sql`update accounts_tokens set used_at = now(), sealed = null where user_id = ${row.id}::uuid and used_at is null`.execute(db);
    }
  }
}

export const accountsHolder: PersonalDataHolder = {
  tables: ['accounts_users', 'accounts_sessions', 'accounts_tokens', 'accounts_api_tokens', 'accounts_known_networks', 'accounts_security_events'],
  async export({ db }, subject) {
    const { rows: users } = await sql<{ id: string; kind: string; status: string; origin: string; created_at: Date; activated_at: Date | null; password_changed_at: Date }>`
      select id, kind, status, origin, created_at, activated_at, password_changed_at from accounts_users where subject_id = ${subject}::uuid order by created_at`.execute(db);
    const ids = users.map((u) => u.id);
    const none = { rows: [] };
    const { rows: sessions } = ids.length
      ? await sql<{
          created_at: Date;
          last_seen_at: Date;
          expires_at: Date;
        }>`select created_at, last_seen_at, expires_at from accounts_sessions where user_id = any(${ids}::uuid[]) order by created_at`.execute(db)
      : none;
    const { rows: networks } = ids.length
      ? await sql<{ first_seen_at: Date; last_seen_at: Date }>`select first_seen_at, last_seen_at from accounts_known_networks where user_id = any(${ids}::uuid[]) order by first_seen_at`.execute(db)
      : none;
    const { rows: apiTokens } = ids.length
      ? await sql<{
          role: string;
          created_at: Date;
          expires_at: Date;
          revoked_at: Date | null;
          last_used_at: Date | null;
        }>`select role, created_at, expires_at, revoked_at, last_used_at from accounts_api_tokens where user_id = any(${ids}::uuid[]) order by created_at`.execute(db)
      : none;
    const { rows: events } = ids.length ? await sql<{ at: Date; kind: string }>`select at, kind from accounts_security_events where user_id = any(${ids}::uuid[]) order by id`.execute(db) : none;
    const account: ExportRecord[] = users.map((u) => ({
      kind: u.kind,
      status: u.status,
      made_by: u.origin,
      created_at: iso(u.created_at),
      confirmed_at: iso(u.activated_at),
      password_changed_at: iso(u.password_changed_at),
    }));
    return [
      {
        id: 'account',
        title: 'Your account',
        description: 'Your sign-in: when it was made and how, its state, and when the password last changed (the password itself is stored only as a hash, which we do not show).',
        records: account,
      },
      {
        id: 'sessions',
        title: 'Where you are signed in',
        description: 'Each signed-in browser: when the sign-in began, when it was last used and when it ends.',
        records: sessions.map((s) => ({ started_at: iso(s.created_at), last_used_at: iso(s.last_seen_at), ends_at: iso(s.expires_at) })),
      },
      ...(apiTokens.length
        ? [
            {
              id: 'api-tokens',
              title: 'Your API tokens',
              description: 'The personal tokens you made for the staff API: their role, when each was made, expires, was revoked and last used (the tokens themselves are kept only as digests).',
              records: apiTokens.map((t) => ({ role: t.role, made_at: iso(t.created_at), expires_at: iso(t.expires_at), revoked_at: iso(t.revoked_at), last_used_at: iso(t.last_used_at) })),
            },
          ]
        : []),
      {
        id: 'sign-in-networks',
        title: 'Networks you signed in from',
        description: 'We remember each network only as a keyed digest, to warn you of a sign-in from a new one; here is when each was first and last used.',
        records: networks.map((n) => ({ first_seen_at: iso(n.first_seen_at), last_seen_at: iso(n.last_seen_at) })),
      },
      {
        id: 'security-events',
        title: 'Security events',
        description: 'Failed sign-ins, lockouts and sign-ins from new networks on your account.',
        records: events.map((e) => ({ at: iso(e.at), what: e.kind })),
      },
    ];
  },
  async suspend({ db }, subject) {
    await setStatus(db, subject, 'erasing', ['pending', 'active', 'deactivated', 'disabled']);
  },
  async resume({ db }, subject) {
    await sql`update accounts_users set status = case when activated_at is null then 'pending' else 'active' end
      where subject_id = ${subject}::uuid and kind = 'customer' and status = 'erasing'`.execute(db);
  },
  async deactivate({ db }, subject) {
    await setStatus(db, subject, 'deactivated', ['active']);
  },
  async reactivate({ db }, subject) {
    await setStatus(db, subject, 'active', ['deactivated']);
  },
  async erase({ db, kernel, actor }, subject) {
    // The failed-sign-in counter is keyed by a digest of the email: it goes too, while the email can still be read.
    try {
      const email = (await kernel.read(db, { subject, actor, purpose: 'data-rights', categories: [EMAIL], ref: '' })).values[EMAIL];
      if (typeof email === 'string') {
        const secret = throttleSecret(kernel);
        for (const key of [...accountKeysOf(secret, email), mailThrottleKeys(secret, email, '').account]) await sql`delete from accounts_throttle where scope = 'account' and key = ${key}`.execute(db);
      }
    } catch (err) {
      if (!(err instanceof SubjectErased)) throw err;
    }
    await sql`delete from accounts_users where subject_id = ${subject}::uuid and kind = 'customer'`.execute(db);
  },
};
