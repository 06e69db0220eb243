import assert from 'node:assert/strict';
import { test } from 'node:test';
import { modules } from '../../modules.ts';
import type { Module } from '../module.ts';
import { collectJobs } from './registry.ts';

const noop = async () => {};
const mod = (name: string, extra: Partial<Module>): Module => ({ name, migrations: [], ...extra });

test('jobs: handlers and schedules are collected from every module; clashes and orphans stop start', () => {
  const { handlers, schedules } = collectJobs([mod('a', { jobs: { 'a.one': noop }, schedules: [{ name: 'a.nightly', job: 'b.two', everySeconds: 86_400 }] }), mod('b', { jobs: { 'b.two': noop } })]);
  assert.deepEqual(Object.keys(handlers).sort(), ['a.one', 'b.two']);
  assert.deepEqual(
    schedules.map((s) => s.name),
    ['a.nightly'],
  );

  assert.throws(() => collectJobs([mod('a', { jobs: { 'x.run': noop } }), mod('b', { jobs: { 'x.run': noop } })]), /both module a and module b/);
  assert.throws(() => collectJobs([mod('a', { schedules: [{ name: 'a.s', job: 'a.missing', everySeconds: 60 }] })]), /no module handles/);
  assert.throws(() => collectJobs([mod('a', { jobs: { 'a.x': noop }, schedules: [{ name: 'a.s', job: 'a.x', everySeconds: 0.5 }] })]), /everySeconds/);
  assert.throws(() => collectJobs([mod('a', { jobs: { 'Bad Name': noop } })]), /Job name/);

  // The shop's own modules are wired without clashes.
  assert.ok(Object.hasOwn(collectJobs(modules).handlers, 'jobs.cleanup'));
});
