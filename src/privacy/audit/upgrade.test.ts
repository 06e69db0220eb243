// The upgrade to decision 0027 on a database written the old way: entries waiting with unnumbered
// markers are numbered after the chain's head, and ledger rows without a digest are bound.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { migrate } from '../../platform/db/migrate.ts';
import { testEachDatabase } from '../../platform/testing/databases.ts';
import { allMigrations } from '../../modules.ts';
import { sealAuditLog } from './seal.ts';
import { verifyAuditLog } from './verify.ts';

// A database from before decision 0027 has none of its migrations, the later numbering per commit included.
const added = new Set(['privacy/0005_audit_numbered_at_commit', 'privacy/0006_ledgers_bound_into_the_chain', 'privacy/0012_audit_numbered_once_per_commit']);

testEachDatabase(
  'upgrading numbers the entries that wait and binds the ledger rows already written',
  async ({ db }) => {
    await migrate(
      db,
      allMigrations.filter((m) => !added.has(m.id)),
    );
    const subject = randomUUID();
    await sql`insert into privacy_policy_versions (version, effective_at, summary) values ('old', now(), 'before')`.execute(db);
    await sql`insert into privacy_subjects (id, kind, policy_version, created_at) values (${subject}::uuid, 'customer', 'old', now())`.execute(db);
    await sql`insert into privacy_consents (subject_id, purpose, action, channel, recorded_at, recorded_by_kind, recorded_by, policy_version)
      values (${subject}::uuid, 'newsletters', 'grant', 'web', now(), 'self', ${subject}, 'old')`.execute(db);
    for (let i = 0; i < 3; i++) {
      // As the old auditCtes wrote them: the entry and its marker, no number.
      await sql`with a as (insert into privacy_audit_log (at, actor_kind, actor_id, action, outcome) values (now(), 'system', 'old', 'data.read', 'ok') returning id)
        insert into privacy_audit_pending (entry_id) select id from a`.execute(db);
    }
    await migrate(db, allMigrations);
    const { rows } = await sql<{ seq: number }>`select seq from privacy_audit_pending order by seq`.execute(db);
    assert.deepEqual(
      rows.map((r) => Number(r.seq)),
      [1, 2, 3, 4],
      'three old entries, then the binding entry',
    );
    const { rows: bound } = await sql<{ n: number }>`select count(*)::int as n from privacy_audit_log where action = 'ledger.bind'`.execute(db);
    assert.equal(bound[0]!.n, 1);
    assert.ok((await verifyAuditLog(db)).ok, JSON.stringify((await verifyAuditLog(db)).firstBroken));
    await sealAuditLog(db);
    assert.ok((await verifyAuditLog(db)).ok);
    await db.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      await sql`update privacy_consents set action = 'withdraw'`.execute(trx);
    });
    assert.match((await verifyAuditLog(db)).firstBroken!.problem, /consent \d+ differs/);
  },
  { migrate: false },
);
