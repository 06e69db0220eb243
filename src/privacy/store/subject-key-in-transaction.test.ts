import assert from 'node:assert/strict';
import { PostgresQueryCompiler } from 'kysely';
import { testEachDatabase } from '../../platform/testing/databases.ts';
import { testActor } from '../actors.ts';
import { SubjectErased } from '../refusals.ts';
import { testKernel } from '../testing.ts';

const system = testActor('test');
const digestOf = { domain: 'accounts.network', value: '203.0.113.0' };

testEachDatabase('sealing and digests for a subject this transaction created use its key without reading the key row; otherwise they read it', async ({ db }) => {
  const { kernel } = await testKernel(db);
  const compiler = new PostgresQueryCompiler();
  const texts: string[] = [];
  const counted = db.withPlugin({
    transformQuery: (a) => {
      texts.push(compiler.compileQuery(a.node, a.queryId).sql.replace(/\s+/g, ' '));
      return a.node;
    },
    transformResult: async (a) => a.result,
  });
  const keyReads = () => texts.filter((t) => t.includes('from privacy_subjects s left join privacy_subject_keys')).length;

  let inside!: Buffer;
  const subject = await counted.transaction().execute(async (trx) => {
    const s = await kernel.createSubject(trx, { kind: 'customer', actor: system, purpose: 'account' });
    await kernel.sealSecret(trx, { subject: s, context: 'test:1', value: 'a token' });
    inside = await kernel.subjectDigest(trx, { subject: s, ...digestOf });
    return s;
  });
  assert.equal(keyReads(), 0, 'the key row this transaction wrote is not read again');

  // Another transaction (or none) reads it: an erasure elsewhere may have deleted it meanwhile.
  texts.length = 0;
  const after = await counted.transaction().execute((trx) => kernel.subjectDigest(trx, { subject, ...digestOf }));
  assert.ok(after.equals(inside), 'the same key, so the same digest');
  await kernel.sealSecret(counted, { subject, context: 'test:2', value: 'a token' });
  assert.equal(keyReads(), 2);
});

testEachDatabase('a subject created and erased in one transaction: sealing and digests are refused', async ({ db }) => {
  const { kernel } = await testKernel(db);
  for (const use of ['seal', 'digest'] as const) {
    await assert.rejects(
      db.transaction().execute(async (trx) => {
        const subject = await kernel.createSubject(trx, { kind: 'customer', actor: system, purpose: 'account' });
        await kernel.erase(trx, { subject, actor: system });
        if (use === 'seal') await kernel.sealSecret(trx, { subject, context: 'test:1', value: 'a token' });
        else await kernel.subjectDigest(trx, { subject, ...digestOf });
      }),
      SubjectErased,
      use,
    );
  }
});
