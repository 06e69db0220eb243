// The shop's pages over HTTP: public, escaped, edited by an owner through the console form with
// every change recorded; other roles and bad input refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { testEachDatabase } from '../platform/testing/databases.ts';
import { buildTestApp } from '../platform/testing/app.ts';
import { staffClient } from '../accounts/testing.ts';
import { renderText } from '../web/plain-text.ts';

test('plain text becomes escaped paragraphs, line breaks and lists', () => {
  const out = renderText('First <b>line</b>\nsecond line\n\n- one\n- two & three\n\n\n')
    .map((h) => h.value)
    .join('');
  assert.equal(out, '<p>First &lt;b&gt;line&lt;/b&gt;<br>second line</p><ul><li>one</li><li>two &amp; three</li></ul>');
});

testEachDatabase('shop pages: terms, shipping, returns and contact are public; an owner edits one and buyers see the new text; other roles are refused', async (database) => {
  const { app } = await buildTestApp(database, { SHIPPING_FLAT_MINOR: '700', SHIPPING_FREE_FROM_MINOR: '10000' });
  try {
    for (const [url, title] of [
      ['/terms', 'Terms of sale'],
      ['/shipping', 'Shipping'],
      ['/returns', 'Returns and refunds'],
      ['/contact', 'Contact'],
    ] as const) {
      const res = await app.inject({ url, headers: { accept: 'text/html' } });
      assert.equal(res.statusCode, 200, url);
      assert.match(res.body, new RegExp(`<h1>${title}</h1>`), url);
      assert.equal(res.headers['set-cookie'], undefined, `${url} sets no cookie`);
    }
    // The shipping page states the charges the cart applies, from the settings.
    const shipping = (await app.inject({ url: '/shipping' })).body;
    assert.match(shipping, /\$7\.00 per order with physical items/);
    assert.match(shipping, /Free when the physical items come to \$100\.00 or more/);

    const owner = await staffClient(app, database.db, { name: 'Olive Owner', email: 'olive@shop.example', role: 'owner', password: 'a long owner passphrase 1' });
    const list = await owner.get('/staff/pages');
    assert.equal(list.statusCode, 200);
    for (const slug of ['terms', 'shipping', 'returns', 'contact']) assert.match(list.body, new RegExp(`href="/staff/pages/${slug}"`));
    assert.match(list.body, /last changed by the shop \(first text\)/);

    const form = await owner.get('/staff/pages/returns');
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /name="text"/);
    const text = 'Return anything within 30 days.\n\n- Unused <items> only\n- Refund to the card you paid with';
    const saved = await owner.post('/staff/pages/returns', { title: 'Returns', text });
    assert.equal(saved.statusCode, 303, saved.body.slice(0, 300));
    assert.equal(saved.headers.location, '/staff/pages/returns?saved=1');

    const returns = await app.inject({ url: '/returns', headers: { accept: 'text/html' } });
    assert.match(returns.body, /<h1>Returns<\/h1>/);
    assert.match(returns.body, /<p>Return anything within 30 days\.<\/p>/);
    assert.match(returns.body, /<li>Unused &lt;items&gt; only<\/li>/);
    assert.doesNotMatch(returns.body, /<items>/);

    // Recorded: who (a pseudonymous tag with the role) and when, shown in the console.
    const after = await owner.get('/staff/pages/returns?saved=1');
    assert.match(after.body, /Last changed by you on \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    const { rows } = await sql<{ changed_by: string; changed_by_role: string; body: string }>`
      select changed_by, changed_by_role, body from content_changes where slug = 'returns' order by changed_at desc, id desc limit 1`.execute(database.db);
    assert.match(rows[0]!.changed_by, /^staff:[0-9a-f-]{36}$/);
    assert.equal(rows[0]!.changed_by_role, 'owner');
    assert.equal(rows[0]!.body, text);
    assert.doesNotMatch(JSON.stringify(rows), /Olive|olive@/, 'no name or address in the record');

    // Bad input names the field and keeps what was typed; nothing changes.
    const empty = await owner.post('/staff/pages/returns', { title: 'Returns', text: '   ' });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /href="#f-text">Text<\/a>: is required/);
    assert.equal((await owner.post('/staff/pages/returns', { title: 'x'.repeat(201), text: 'ok' })).statusCode, 400);
    assert.equal((await owner.get('/staff/pages/no-such-page')).statusCode, 404);

    // Another role: refused, and the page keeps the owner's text.
    const support = await staffClient(app, database.db, { name: 'Sam Support', email: 'sam@shop.example', role: 'support', password: 'a long support passphrase 1' });
    assert.equal((await support.get('/staff/pages')).statusCode, 403);
    assert.equal((await support.get('/staff/pages/returns')).statusCode, 403);
    await support.get('/staff');
    assert.equal((await support.post('/staff/pages/returns', { title: 'Hacked', text: 'No returns.' })).statusCode, 403);
    // Signed out: sent to sign in.
    const anonymous = await app.inject({ url: '/staff/pages' });
    assert.equal(anonymous.statusCode, 303);
    assert.match((await app.inject({ url: '/returns' })).body, /<h1>Returns<\/h1>/);
  } finally {
    await app.close();
  }
});
