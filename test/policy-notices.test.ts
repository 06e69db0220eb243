// A new privacy-policy version as visitors and customers meet it: the version and its date on the
// policy, a notice on every page for POLICY_NOTICE_DAYS from its date, and, for a material change,
// one email to each person who may receive site news (decision 0052).
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../src/platform/testing/app.ts';
import { testEachDatabase } from '../src/platform/testing/databases.ts';

const DAY_MS = 86_400_000;
const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const inWords = (d: Date) => `${d.getUTCDate()} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()}`;

const getPage = (app: FastifyInstance, url: string) => app.inject({ url, headers: { accept: 'text/html' } });
const pageText = (markup: string) =>
  markup
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .replace(/ ([.,:;)])/g, '$1')
    .trim();

/** The shop's data map with one more version, effective `daysAgo` days before today (UTC). */
export function mapWithVersion(version: string, daysAgo: number, material: boolean, summary: string): { dir: string; effective: Date } {
  const effective = new Date(Date.parse(`${isoDay(new Date())}T00:00:00Z`) - daysAgo * DAY_MS);
  const dir = mkdtempSync(join(tmpdir(), 'custodian-policy-map-'));
  cpSync(fileURLToPath(new URL('../datamap/', import.meta.url)), dir, { recursive: true });
  appendFileSync(join(dir, 'policy.yml'), `  - version: "${version}"\n    effective: ${isoDay(effective)}\n    summary: ${summary}\n    material: ${material}\n`);
  return { dir, effective };
}

testEachDatabase(
  '[P002-25][P003-23][P004-19] a new version in force shows its number and date on the policy, and every page shows a notice linking it for POLICY_NOTICE_DAYS, gone after',
  async (database) => {
    const summary = 'Orders are now kept seven years for tax audits.';
    const { dir, effective } = mapWithVersion('2099.1', 3, false, summary);
    const notice = `Our privacy policy changed on ${inWords(effective)}: ${summary} — read it`;

    // One data directory (its keyring) for both runs of the shop on this database.
    const dataDir = mkdtempSync(join(tmpdir(), 'custodian-notice-'));
    const recent = await buildTestApp(database, { DATAMAP_DIR: dir, DATA_DIR: dataDir });
    try {
      const policy = await getPage(recent.app, '/privacy');
      assert.equal(policy.statusCode, 200);
      assert.match(pageText(/<header>([\s\S]*?)<\/header>/.exec(policy.body)![1]!), new RegExp(`Version 2099\\.1, in force from ${inWords(effective)}`));
      assert.match(pageText(policy.body), /Version 2025\.1, in force from 1 January 2025: Adds product recommendations/, 'earlier versions listed with their dates and summaries');
      // The storefront's home page (cached for every visitor), a policy page and a page not found.
      for (const url of ['/', '/privacy/versions', '/mailing-list', '/no-such-page']) {
        const page = await getPage(recent.app, url);
        const found = /<p class="notice site-notice">([\s\S]*?)<\/p>/.exec(page.body);
        assert.ok(found, `${url} shows the notice`);
        assert.equal(pageText(found[1]!), notice);
        assert.ok(found[1]!.includes('<a href="/privacy#changes">read it</a>'), 'it links the policy');
        assert.ok(found[1]!.includes(`<time datetime="${isoDay(effective)}">`));
      }
    } finally {
      await recent.app.close();
    }

    // The same shop with a two-day notice period: three days on, the notice is gone; the policy still says the version and date.
    const later = await buildTestApp(database, { DATAMAP_DIR: dir, DATA_DIR: dataDir, POLICY_NOTICE_DAYS: '2' });
    try {
      for (const url of ['/', '/privacy']) {
        const page = await getPage(later.app, url);
        assert.equal(page.statusCode, 200);
        assert.doesNotMatch(page.body, /site-notice|Our privacy policy changed/, `${url} has no notice after the period`);
      }
      assert.match(pageText((await getPage(later.app, '/privacy')).body), new RegExp(`Version 2099\\.1, in force from ${inWords(effective)}`));
    } finally {
      await later.app.close();
    }
  },
);
