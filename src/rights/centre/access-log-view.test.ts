import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AccessLogEntry } from '../../privacy/index.ts';
import { accessLogCounts, accessLogRows, SAME_ACT_GAP_MS } from './access-log-view.ts';

const t0 = Date.parse('2026-12-07T08:00:00Z');
const entry = (seconds: number, over: Partial<AccessLogEntry> = {}): AccessLogEntry => ({
  at: new Date(t0 + seconds * 1000),
  by: 'self',
  byDetail: null,
  action: 'data.read',
  outcome: 'ok',
  purpose: 'data-rights',
  categories: ['user.name'],
  ...over,
});

test('access log rows: one actor’s acts under one purpose within a minute of each other are one row, newest first, with counts and every category', () => {
  const rows = accessLogRows([
    entry(0, { action: 'data.write', purpose: 'account', by: 'system', byDetail: 'accounts.checkout' }),
    entry(10),
    entry(20, { action: 'consent.read', categories: ['user.preferences'] }),
    entry(30, { categories: ['user.contact.email', 'user.name'] }),
  ]);
  assert.equal(rows.length, 2);
  assert.deepEqual(rows[0]!.actions, [
    { action: 'data.read', count: 2 },
    { action: 'consent.read', count: 1 },
  ]);
  assert.equal(rows[0]!.count, 3);
  assert.deepEqual(rows[0]!.categories, ['user.contact.email', 'user.name', 'user.preferences']);
  assert.equal(rows[0]!.newest.getTime(), t0 + 30_000);
  assert.equal(rows[0]!.oldest.getTime(), t0 + 10_000);
  assert.equal(rows[1]!.byDetail, 'accounts.checkout');
});

test('access log rows: another actor, purpose or outcome, or a pause longer than a minute, starts a new row', () => {
  const gap = SAME_ACT_GAP_MS / 1000;
  const rows = accessLogRows([
    entry(0),
    entry(gap + 1),
    entry(gap + 2, { by: 'staff', byDetail: 'support', purpose: 'support' }),
    entry(gap + 3),
    entry(gap + 4, { outcome: 'refused' }),
    entry(gap + 5, { purpose: 'account' }),
  ]);
  assert.deepEqual(
    rows.map((r) => [r.by, r.purpose, r.outcome, r.count]),
    [
      ['self', 'account', 'ok', 1],
      ['self', 'data-rights', 'refused', 1],
      ['self', 'data-rights', 'ok', 1],
      ['staff', 'support', 'ok', 1],
      ['self', 'data-rights', 'ok', 1],
      ['self', 'data-rights', 'ok', 1],
    ],
  );
});

test('access log rows: only others leaves out the person’s own acts, and the counts tell both', () => {
  const entries = [entry(0), entry(1, { by: 'staff', byDetail: 'support', purpose: 'support' }), entry(2), entry(3, { by: 'vendor' })];
  assert.deepEqual(
    accessLogRows(entries, { others: true }).map((r) => r.by),
    ['vendor', 'staff'],
  );
  assert.deepEqual(accessLogCounts(entries), { total: 4, byOthers: 2 });
});
