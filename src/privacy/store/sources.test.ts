// Inbound data (decision 0049): an item written from a third party names a source the data map
// declares; the kernel records its source and basis, and refuses an undeclared source, a category
// the source does not provide or a purpose it does not serve, naming the field.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { isAppError } from '../../platform/errors.ts';
import { testEachDatabase } from '../../platform/testing/databases.ts';
import { staffActor, testActor } from '../actors.ts';
import { fidesDocument } from '../datamap/fides-export.ts';
import { testKernel } from '../testing.ts';

const system = testActor('test');
const HISTORY = 'user.financial.credit_history';

async function refusedField(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (err) {
    if (isAppError(err) && err.status === 400) return err.fields[0]?.field;
    throw err;
  }
  assert.fail('expected a 400');
}

testEachDatabase('an item received from a declared source keeps its source and basis; an undeclared source, a category or purpose it does not serve is refused', async ({ db }) => {
  const { kernel } = await testKernel(db);
  const subject = await kernel.createSubject(db, { kind: 'customer', actor: system, purpose: 'account' });
  const accountant = staffActor('00000000-0000-4000-8000-00000000000a', 'accountant');
  await kernel.write(db, { subject, actor: accountant, purpose: 'credit-check', ref: 'order:1:credit', source: 'credit-agency', values: { [HISTORY]: 'Score 712; no defaults' } });
  await kernel.write(db, { subject, actor: system, purpose: 'credit-check', values: { 'user.name': 'Quentin Ardmore' } });

  const record = await kernel.read(db, { subject, actor: system, purpose: 'credit-check', categories: [HISTORY, 'user.name'] });
  const received = record.items.find((i) => i.category === HISTORY)!;
  assert.equal(received.value, 'Score 712; no defaults');
  assert.deepEqual(received.source, { id: 'credit-agency', basis: 'contract' });
  assert.equal(record.items.find((i) => i.category === 'user.name')!.source, null, 'data the shop collected itself has no source');
  const { rows } = await sql<{ detail: Record<string, unknown> }>`
    select detail from privacy_audit_log where subject_id = ${subject}::uuid and action = 'data.write' and detail ? 'source'`.execute(db);
  assert.deepEqual(
    rows.map((r) => [r.detail.source, r.detail.basis]),
    [['credit-agency', 'contract']],
    'the write is audited with its source',
  );

  const write = (over: Record<string, unknown>) =>
    kernel.write(db, { subject, actor: accountant, purpose: 'credit-check', ref: 'order:2:credit', source: 'credit-agency', values: { [HISTORY]: 'x' }, ...over });
  assert.equal(await refusedField(write({ source: 'data-broker' })), 'source');
  assert.equal(await refusedField(write({ values: { 'user.name': 'From the agency' } })), 'values.user.name');
  assert.equal(await refusedField(write({ purpose: 'collections' })), 'purpose');
  const { rows: items } = await sql<{ n: number }>`select count(*)::int as n from privacy_items where subject_id = ${subject}::uuid and ref = 'order:2:credit'`.execute(db);
  assert.equal(items[0]!.n, 0, 'nothing written by a refused write');

  // An own write of the same item later replaces it, and its source with it.
  await kernel.write(db, { subject, actor: accountant, purpose: 'credit-check', ref: 'order:1:credit', values: { [HISTORY]: 'Typed by the buyer' } });
  const after = await kernel.read(db, { subject, actor: system, purpose: 'credit-check', categories: [HISTORY] });
  assert.equal(after.items[0]!.source, null);

  // The fides export lists the source as a system data flows in from.
  const system0 = (fidesDocument(kernel.map).system as { ingress: { fides_key: string; type: string; data_categories?: string[] }[] }[])[0]!;
  assert.deepEqual(
    system0.ingress.find((i) => i.fides_key === 'credit_agency'),
    { fides_key: 'credit_agency', type: 'system', data_categories: [HISTORY] },
  );
});
