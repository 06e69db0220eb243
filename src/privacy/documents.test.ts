// A document kept in parts through the kernel's calls: a file larger than one item comes back
// byte for byte; a role the data map does not let read it is refused; after erasure it is gone.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { testEachDatabase } from '../platform/testing/databases.ts';
import { staffActor, testActor } from './actors.ts';
import { keepDocument, readDocument } from './documents.ts';
import { testKernel } from './testing.ts';

testEachDatabase('kernel documents: a 100 kB file is kept in three parts and read back whole; an owner is refused it; once the person is erased it is gone', async ({ db }) => {
  const { kernel } = await testKernel(db);
  const system = testActor('test');
  const fraud = testActor('fraud');
  const subject = await kernel.createSubject(db, { kind: 'customer', actor: system, purpose: 'account' });
  const data = randomBytes(100 * 1024);
  const place = { subject, purpose: 'fraud-prevention', category: 'user.government_id', ref: 'fraud:o1:proof' };

  const parts = await keepDocument(kernel, db, { ...place, actor: fraud, data, type: 'application/pdf' });
  assert.equal(parts, 3);
  const read = await readDocument(kernel, db, { ...place, actor: fraud, parts });
  assert.ok(read.ok);
  assert.equal(read.type, 'application/pdf');
  assert.ok(read.data.equals(data), 'byte for byte');

  const owner = staffActor('00000000-0000-4000-8000-000000000001', 'owner');
  assert.deepEqual(await readDocument(kernel, db, { ...place, actor: owner, parts }), { ok: false, reason: 'refused' });

  await kernel.erase(db, { subject, actor: system });
  assert.deepEqual(await readDocument(kernel, db, { ...place, actor: fraud, parts }), { ok: false, reason: 'erased' });
});
