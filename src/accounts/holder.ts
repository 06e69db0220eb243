// What the accounts module keeps about a person, as the rights flows see it: the account row, its
// sessions, a staff member's personal API tokens (digests; shown by role and dates), the networks
// it signed in from (as digests, shown only by date) and its security events. Deactivation and the start of a deletion end every session and link at once; erasure
// deletes the account (sessions, links and networks go with it; security events stay, unlinked)
// and the failed-sign-in counter kept under a digest of the email.
import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import { type ExportRecord, type PersonalDataHolder, SubjectErased } from '../privacy/index.ts';
import { EMAIL } from './identity.ts';
import { throttleSecret } from './secrets.ts';
import { accountKeysOf, deleteAccountKey } from './throttle.ts';
import { mailThrottleKeys } from './mail-throttle.ts';
import { accountsDb, type AccountsTables, type UserStatus } from './tables.ts';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

async function setStatus(db: Db, subject: string, status: UserStatus, from: readonly UserStatus[]): Promise<void> {
  const t = accountsDb(db);
  const rows = await customerOf(t, subject)
    .set({ status })
    .where('status', '=', (eb) => eb.fn.any(eb.val([...from])))
    .returning('id')
    .execute();
  if (status !== 'active' && status !== 'pending') {
    for (const row of rows) {
      await t.deleteFrom('accounts_sessions').where('user_id', '=', row.id).execute();
      await t.updateTable('accounts_tokens').set({ used_at: sql<Date>`now()` }).where('user_id', '=', row.id).where('used_at', 'is', null).execute();
    }
  }
}

/** The customer account of this subject, to update. */
function customerOf(t: Kysely<AccountsTables>, subject: string) {
  return t.updateTable('accounts_users').where('subject_id', '=', subject).where('kind', '=', 'customer');
}

export const accountsHolder: PersonalDataHolder = {
  tables: ['accounts_users', 'accounts_sessions', 'accounts_tokens', 'accounts_api_tokens', 'accounts_known_networks', 'accounts_security_events'],
  async export({ db }, subject) {
    const t = accountsDb(db);
    const users = await t
      .selectFrom('accounts_users')
      .select(['id', 'kind', 'status', 'origin', 'created_at', 'activated_at', 'password_changed_at'])
      .where('subject_id', '=', subject)
      .orderBy('created_at')
      .execute();
    const ids = users.map((u) => u.id);
    const ofUsers = (eb: ExpressionBuilder<AccountsTables, 'accounts_sessions' | 'accounts_known_networks' | 'accounts_api_tokens' | 'accounts_security_events'>) =>
      eb('user_id', '=', eb.fn.any(eb.val(ids)));
    const [sessions, networks, apiTokens, events] = ids.length
      ? [
          await t.selectFrom('accounts_sessions').select(['created_at', 'last_seen_at', 'expires_at']).where(ofUsers).orderBy('created_at').execute(),
          await t.selectFrom('accounts_known_networks').select(['first_seen_at', 'last_seen_at']).where(ofUsers).orderBy('first_seen_at').execute(),
          await t.selectFrom('accounts_api_tokens').select(['role', 'created_at', 'expires_at', 'revoked_at', 'last_used_at']).where(ofUsers).orderBy('created_at').execute(),
          await t.selectFrom('accounts_security_events').select(['at', 'kind']).where(ofUsers).orderBy('id').execute(),
        ]
      : [[], [], [], []];
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
    await customerOf(accountsDb(db), subject)
      .set((eb) => ({
        status: eb
          .case()
          .when('activated_at', 'is', null)
          .then('pending' as const)
          .else('active' as const)
          .end(),
      }))
      .where('status', '=', 'erasing')
      .execute();
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
        for (const key of [...accountKeysOf(secret, email), mailThrottleKeys(secret, email, '').account]) await deleteAccountKey(db, key);
      }
    } catch (err) {
      if (!(err instanceof SubjectErased)) throw err;
    }
    await accountsDb(db).deleteFrom('accounts_users').where('subject_id', '=', subject).where('kind', '=', 'customer').execute();
  },
};
