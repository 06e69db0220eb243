// The order `custodian database move` loads tables in (decision 0076): referenced tables first; a
// key that order cannot satisfy (a table referencing itself, a cycle) is checked at the end instead.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeUrl, type ForeignKey, loadOrder } from './move.ts';

const key = (table: string, references: string, name = `${table}_${references}_fkey`): ForeignKey => ({ name, table, references, deferrable: false });

test('tables load after the tables they reference; only self-references and cycles are deferred', () => {
  const keys = [key('orders', 'customers'), key('lines', 'orders'), key('lines', 'products'), key('categories', 'categories'), key('products', 'categories')];
  const { order, deferred } = loadOrder(['categories', 'customers', 'lines', 'orders', 'products'], keys);
  const at = (t: string) => order.indexOf(t);
  assert.equal(order.length, 5);
  for (const k of keys.filter((k) => k.table !== k.references)) assert.ok(at(k.references) < at(k.table), `${k.references} before ${k.table}`);
  assert.deepEqual(
    deferred.map((k) => k.name),
    ['categories_categories_fkey'],
  );

  const cycle = loadOrder(['a', 'b', 'c'], [key('a', 'b'), key('b', 'a'), key('c', 'a')]);
  assert.deepEqual(cycle.order, ['a', 'b', 'c']);
  assert.deepEqual(
    cycle.deferred.map((k) => k.name),
    ['a_b_fkey'],
  );
});

test('a target URL is shown without its password', () => {
  assert.equal(describeUrl('postgres://shop:s3cret-pw@db.example:5432/custodian?sslmode=require'), 'postgres://shop@db.example:5432/custodian?sslmode=require');
  assert.doesNotMatch(describeUrl('postgres://shop:s3cret-pw@db.example/custodian'), /s3cret/);
  assert.equal(describeUrl('not a url: s3cret'), 'the URL given');
});
