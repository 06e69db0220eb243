// The published privacy policy over HTTP, on a real database: version and date, older versions,
// residency, other sites, the rights and backup windows from the settings, and the cookies.
import assert from 'node:assert/strict';
import { SESSION_COOKIE } from '../../accounts/index.ts';
import { CART_COOKIE } from '../../commerce/cart/index.ts';
import { FLASH_COOKIE } from '../../web/flash.ts';
import { buildTestApp } from '../../platform/testing/app.ts';
import { testEachDatabase } from '../../platform/testing/databases.ts';
import { dataMapWith, elementById, getPage, pageText } from './testing.ts';

const iso = (d: Date) => d.toISOString().slice(0, 10);

testEachDatabase('[P002-25] the privacy policy shows the version in force and its effective date, and lists every older version, each readable', async (database) => {
  const { app } = await buildTestApp(database);
  try {
    const now = new Date();
    const published = app.privacy.map.policyVersions.filter((v) => v.effective <= now);
    assert.ok(published.length >= 2, 'the shop has published more than one version');
    const current = published.at(-1)!;

    const policy = await getPage(app, '/privacy');
    assert.equal(policy.statusCode, 200);
    const header = pageText(/<header>([\s\S]*?)<\/header>/.exec(policy.body)![1]!);
    assert.match(header, new RegExp(`Version ${current.version.replaceAll('.', '\\.')}, in force from \\d{1,2} \\w+ \\d{4}`));
    assert.ok(policy.body.includes(`Version ${current.version}, in force from <time datetime="${iso(current.effective)}">`), 'the header dates the version');
    assert.ok(policy.body.includes('<a href="/privacy/versions">Older versions</a>'));

    const list = await getPage(app, '/privacy/versions');
    assert.equal(list.statusCode, 200);
    for (const [i, v] of published.entries()) {
      const next = published[i + 1];
      const href = next ? `/privacy/versions/${v.version}` : '/privacy';
      assert.ok(list.body.includes(`<a href="${href}">Version ${v.version}</a>`), `the list links version ${v.version}`);
      if (!next) continue;
      const old = await getPage(app, href);
      assert.equal(old.statusCode, 200, href);
      const text = pageText(old.body);
      assert.ok(text.includes(`Version ${v.version}, in force from`), `${href} names its own version`);
      assert.ok(old.body.includes(`superseded on <time datetime="${iso(next.effective)}">`), `${href} says when it was superseded`);
      assert.ok(text.includes(`by version ${next.version}.`), `${href} names the version that superseded it`);
      assert.ok(old.body.includes('<a href="/privacy">Read the policy in force now</a>'));
      // It states the purposes as they stood: none introduced by a later version.
      for (const p of app.privacy.map.purposes.values()) {
        const since = published.findIndex((x) => x.version === p.since);
        assert.equal(old.body.includes(`id="purpose-${p.id}"`), since <= i, `${href} and purpose ${p.id} (since ${p.since})`);
      }
    }
    // The version in force read at its own address is the same policy, with no superseded notice.
    const same = await getPage(app, `/privacy/versions/${current.version}`);
    assert.equal(same.statusCode, 200);
    assert.doesNotMatch(same.body, /superseded on/);

    const unknown = await getPage(app, '/privacy/versions/1999.9');
    assert.equal(unknown.statusCode, 404);
    assert.match(unknown.body, /This version of the privacy policy was not found/);
  } finally {
    await app.close();
  }
});

testEachDatabase('a policy version whose effective date has not come is neither shown nor listed', async (database) => {
  const datamapDir = dataMapWith({ 'policy.yml': '  - version: "2999.1"\n    effective: 2999-01-01\n    summary: A version still to come.\n    material: false' });
  const { app } = await buildTestApp(database, { DATAMAP_DIR: datamapDir });
  try {
    assert.equal((await getPage(app, '/privacy/versions/2999.1')).statusCode, 404);
    for (const url of ['/privacy', '/privacy/versions']) {
      const res = await getPage(app, url);
      assert.equal(res.statusCode, 200);
      assert.doesNotMatch(res.body, /2999/, url);
    }
  } finally {
    await app.close();
  }
});

testEachDatabase('[P004-16] the privacy policy says that links to other sites are not covered by it', async (database) => {
  const { app } = await buildTestApp(database);
  try {
    const res = await getPage(app, '/privacy');
    assert.equal(res.statusCode, 200);
    const section = pageText(elementById(res.body, 'other-sites', 'section'));
    assert.match(section, /^Links to other websites /);
    assert.match(section, /Links to other websites, [^.]*, are not covered by this policy/);
  } finally {
    await app.close();
  }
});

testEachDatabase('[P003-18] the privacy policy publishes the data-residency region the shop enforces', async (database) => {
  const { app } = await buildTestApp(database);
  try {
    const section = pageText(elementById((await getPage(app, '/privacy')).body, 'where', 'section'));
    assert.ok(section.includes(app.privacy.map.residency.description), section);
    // The region the kernel checked at start against DATA_REGION and the database.
    assert.ok(section.includes(`Data region: ${app.privacy.region}.`), section);
  } finally {
    await app.close();
  }
});

testEachDatabase(
  'the privacy policy tells how to see, export, correct, deactivate and delete, complain and reach the privacy officer, with the configured deadline and backup windows',
  async (database) => {
    const { app } = await buildTestApp(database, { RIGHTS_DEADLINE_DAYS: '21', BACKUP_RETENTION_DAYS: '45', BLIND_INDEX_ROTATION_DAYS: '5' });
    try {
      const body = (await getPage(app, '/privacy')).body;
      const rights = elementById(body, 'rights', 'section');
      for (const href of ['/account/privacy', '/privacy/complaint', '/privacy/contact']) assert.ok(rights.includes(`href="${href}"`), href);
      const text = pageText(rights);
      for (const right of ['See', 'Take a copy', 'Correct', 'Deactivate', 'Delete', 'Withdraw consent']) assert.ok(text.includes(`${right} `), right);
      // The demo map publishes an email and a postal address, no phone: the policy promises no phone.
      assert.ok(text.includes('by email or post: our privacy officer accepts them and answers within 21 days'), text);
      assert.doesNotMatch(text, /phone/);
      assert.ok(text.includes('email privacy@shop.example') && text.includes('post Custodian Demo Shop Inc., Attn: Privacy Officer, 100 Example Avenue'), text);
      const erasure = pageText(elementById(body, 'erasure', 'section'));
      assert.match(erasure, /cannot be read by anyone, here or in any backup/);
      assert.match(erasure, /replaced at least every 5 days\. So at most 5 days after a backup was made, it can no longer even confirm/);
      assert.match(erasure, /We keep database backups for 45 days/);
    } finally {
      await app.close();
    }
  },
);

testEachDatabase('the privacy policy names the cookies the accounts and cart modules set, sets none itself and has no inline script or style', async (database) => {
  const { app } = await buildTestApp(database);
  try {
    for (const url of ['/privacy', '/privacy/versions']) {
      const res = await getPage(app, url);
      assert.equal(res.headers['set-cookie'], undefined, `${url} sets a cookie`);
      assert.doesNotMatch(res.body, /<script|<style|\sstyle=|\son[a-z]+=/i, url);
      assert.doesNotMatch(res.body, /<form[^>]*method="post"/i, url);
    }
    const cookies = elementById((await getPage(app, '/privacy')).body, 'cookies', 'section');
    // The table is the inventory the modules declare (app.wiring.cookies), one row per cookie.
    const rows = [...cookies.matchAll(/<tr><th scope="row"[^>]*><code>([^<]+)<\/code><\/th>((?:<td[^>]*>[^<]*<\/td>){3})<\/tr>/g)];
    assert.deepEqual(
      rows.map((m) => m[1]),
      app.wiring.cookies.map((c) => c.name),
    );
    assert.deepEqual(
      rows.map((m) => m[1]),
      [FLASH_COOKIE, SESSION_COOKIE, CART_COOKIE],
    );
    const text = pageText(cookies);
    assert.match(text, /Browsing the shop sets no cookie at all\. There are no tracking, advertising or analytics cookies/);
    assert.match(text, /once you sign in as a customer, at most 30 days, and you are signed out after 7 days without use/);
    assert.match(text, /30 days from your first add; a cart nobody changed for 30 days is deleted/);
    assert.match(text, /An opaque random id/);
    assert.match(text, /A message code/);
  } finally {
    await app.close();
  }
});
