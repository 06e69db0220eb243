import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testEachDatabase } from '../../platform/testing/databases.ts';
import { testKernel } from '../testing.ts';

// An app and its workers start together on one fresh database; each kernel publishes the data
// map's policy versions at start, and a second publisher must wait and find them stored.
testEachDatabase('kernels starting at once on an empty database all start, and each policy version is published once', async ({ db }) => {
  const started = await Promise.all([testKernel(db), testKernel(db), testKernel(db)]);
  const versions = started[0]!.kernel.map.policyVersions.length;
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from privacy_policy_versions`.execute(db);
  assert.equal(rows[0]!.n, versions);
  const { rows: audit } = await sql<{ n: number }>`select count(*)::int as n from privacy_audit_log where action = 'policy.publish'`.execute(db);
  assert.equal(audit[0]!.n, versions, 'one publication on record per version');
  for (const { kernel } of started) await kernel.close();
});
