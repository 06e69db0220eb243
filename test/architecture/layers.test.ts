// The layers every module builds on — the platform (settings, errors, logger, database) and the web
// shell (layout, template, components) — sit below the modules: they name no module and not the
// composition root, so a module can never be reached through them and they never need one to
// change. The platform's own modules (jobs, idempotency) and its test harness are above the line.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { referencesOf, type Source, sources } from './sources.ts';

const LAYERS = ['src/platform/', 'src/web/'];
// module.ts is the contract between modules and the composition root: it names what a module hands
// over (its jobs and schedules, typed by the jobs module), and the layers may name it (the web app
// is handed the modules and registers their routes).
const CONTRACT = 'src/platform/module.ts';
const ABOVE = ['src/platform/jobs/', 'src/platform/idempotency/', 'src/platform/rate-limits/', 'src/platform/testing/', CONTRACT];

const inLayer = (path: string) => LAYERS.some((l) => path.startsWith(l)) && !ABOVE.some((a) => path.startsWith(a));
const isTest = (path: string) => /\.test\.ts$/.test(path);

export function layerViolations(all: Source[]): string[] {
  const violations: string[] = [];
  for (const { path, text } of all) {
    if (!inLayer(path) || isTest(path)) continue;
    for (const target of referencesOf(path, text)) {
      if (!inLayer(target) && target !== CONTRACT) violations.push(`${path}: imports ${target}, which is above the platform and web layers`);
    }
  }
  return violations;
}

test('the platform and web layers import no module and not the composition root', () => {
  const all = sources();
  assert.ok(all.filter((s) => inLayer(s.path) && !isTest(s.path)).length > 20, 'the check sees the layers');
  assert.deepEqual(layerViolations(all), []);
});

test('the layer check reports a layer file that reaches up, and only that', () => {
  const probe = (path: string, line: string) => layerViolations([{ path, text: line }]);
  assert.equal(probe('src/web/probe.ts', "import { cartOf } from '../commerce/cart/index.ts';").length, 1);
  assert.equal(probe('src/platform/probe.ts', "import { modules } from '../modules.ts';").length, 1);
  assert.equal(probe('src/web/probe.ts', "import type { Actor } from '../privacy/index.ts';").length, 1);
  assert.deepEqual(probe('src/web/probe.ts', "import { AppError } from '../platform/errors.ts';"), []);
  assert.deepEqual(probe('src/platform/jobs/probe.ts', "import { modules } from '../../modules.ts';"), [], 'a platform module is above the line');
  assert.deepEqual(probe('src/web/probe.test.ts', "import { buildTestApp } from '../platform/testing/app.ts';"), [], 'tests may build the app');
});
