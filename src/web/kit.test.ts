// The component kit on its own: escaping, attributes, URLs, tables, pagination, forms, confirmation.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { attrs, safeUrl } from './attrs.ts';
import { confirmDialog, isConfirmed } from './confirm.ts';
import { form } from './form.ts';
import { currentHref, navLinks } from './nav.ts';
import { pageAt, pageOf, pageWindow, pagination } from './pagination.ts';
import { AppError, checkFields, validationError } from '../platform/errors.ts';
import { textOf, withFieldChecks } from './form-handling.ts';
import { price } from './price.ts';
import { table } from './table.ts';
import { html } from './template.ts';

test('attrs escapes values, writes true as a bare attribute, leaves out false and null, and refuses a bad name', () => {
  assert.equal(attrs({ title: '"><script>', hidden: true, disabled: false, id: null }).value, ' title="&quot;&gt;&lt;script&gt;" hidden');
  assert.throws(() => attrs({ 'onclick x': 'a' }), /Not an attribute name/);
  assert.equal(attrs({ href: 'javascript:alert(1)' }).value, ' href="#"');
});

test('safeUrl keeps site paths and web URLs and refuses javascript:, data: and other sites by //', () => {
  for (const ok of ['/cart', '/products/a?b=1#c', '?page=2', '#main', 'https://example.com/x', 'mailto:dpo@example.com']) assert.equal(safeUrl(ok), ok);
  for (const bad of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', ' java\tscript:alert(1)', 'data:text/html,<b>', '//evil.example/', '/\\evil.example', 'vbscript:x', 'not a url']) {
    assert.equal(safeUrl(bad), '#', bad);
  }
});

test('table labels every cell with its column for the phone layout, escapes text and names rows', () => {
  const out = table({ caption: 'Staff', columns: [{ label: 'Name' }, { label: 'Role' }, { label: 'Actions', hideLabel: true }], rows: [['<Ann>', 'owner', html`<a href="/x">Edit</a>`]] }).value;
  assert.match(out, /<caption>Staff<\/caption>/);
  assert.match(out, /<th scope="row" data-label="Name">&lt;Ann&gt;<\/th>/);
  assert.match(out, /<td data-label="Role">owner<\/td>/);
  assert.match(out, /<td><a href="\/x">Edit<\/a><\/td>/, 'a column whose label is hidden gets no data-label');
  assert.match(out, /<th scope="col"><span class="visually-hidden">Actions<\/span><\/th>/);
  assert.equal(table({ caption: 'None', columns: [{ label: 'A' }], rows: [], empty: 'Nothing yet.' }).value, '<p class="table-empty">Nothing yet.</p>');
});

test('pagination: nothing for one page, clamps the current page, marks it, and leaves gaps', () => {
  const href = (n: number) => `/catalogue?page=${n}`;
  assert.equal(pagination({ page: 1, pageCount: 1, href }), '');
  assert.equal(pagination({ page: 3, pageCount: 0, href }), '');
  const first = pagination({ page: -4, pageCount: 3, href }).toString();
  assert.doesNotMatch(first, /rel="prev"/);
  assert.match(first, /<a href="\/catalogue\?page=1" aria-current="page">1<\/a>/);
  assert.match(first, /rel="next" href="\/catalogue\?page=2"/);
  const last = pagination({ page: 99, pageCount: 3, href }).toString();
  assert.match(last, /aria-current="page">3</);
  assert.doesNotMatch(last, /rel="next"/);
  assert.deepEqual(pageWindow(10, 20), [1, null, 8, 9, 10, 11, 12, null, 20]);
  assert.deepEqual(pageWindow(1, 4), [1, 2, 3, 4]);
});

test('table: a row carries its id, for links to it', () => {
  const out = table({
    caption: 'Promises',
    columns: [{ label: 'Promise' }, { label: 'Status' }],
    rows: [
      ['P000-01', 'kept'],
      ['P000-02', 'partial'],
    ],
    rowIds: ['P000-01'],
  }).value;
  assert.match(out, /<tr id="P000-01"><th scope="row" data-label="Promise">P000-01<\/th>/);
  assert.match(out, /<tr><th scope="row" data-label="Promise">P000-02/);
});

test('pageOf slices one page and clamps a page past either end', () => {
  const all = [1, 2, 3, 4, 5];
  assert.deepEqual(pageOf(all, 2, 2), { items: [3, 4], page: 2, pageCount: 3 });
  assert.deepEqual(pageOf(all, 9, 2), { items: [5], page: 3, pageCount: 3 });
  assert.deepEqual(pageOf([], 1, 2), { items: [], page: 1, pageCount: 1 });
});

test('pageAt places a page of a list paged in SQL and clamps a page past either end', () => {
  assert.deepEqual(pageAt(5, 2, 2), { page: 2, pageCount: 3, offset: 2, limit: 2 });
  assert.deepEqual(pageAt(5, 9, 2), { page: 3, pageCount: 3, offset: 4, limit: 2 });
  assert.deepEqual(pageAt(0, 3, 2), { page: 1, pageCount: 1, offset: 0, limit: 2 });
});

test('form writes the CSRF field and hidden fields itself; a get form carries no token', () => {
  const out = form({ action: '/cart/remove', csrf: 'tok"en', hidden: { variant_id: 'v1' }, className: 'inline' }, html`<button>Remove</button>`).value;
  assert.equal(
    out,
    '<form method="post" action="/cart/remove" class="inline"><input type="hidden" name="_csrf" value="tok&quot;en"><input type="hidden" name="variant_id" value="v1"><button>Remove</button></form>',
  );
  assert.doesNotMatch(form({ action: '/search', csrf: 'x', method: 'get' }, html``).value, /_csrf/);
});

test('confirmDialog states the consequence and posts the same fields again with the confirm field', () => {
  const page = confirmDialog({
    audience: 'staff',
    title: 'Revoke the token?',
    consequence: 'Scripts using it <stop>.',
    action: '/staff/api-tokens/1/revoke',
    csrf: 't',
    fields: { id: '1' },
    confirmLabel: 'Revoke',
    cancelHref: '/staff/api-tokens',
    danger: true,
  });
  assert.equal(page.audience, 'staff');
  assert.match(page.body.value, /Scripts using it &lt;stop&gt;\./);
  assert.match(page.body.value, /name="id" value="1"><input type="hidden" name="confirm" value="1">/);
  assert.match(page.body.value, /<button type="submit" class="danger">Revoke<\/button> <a href="\/staff\/api-tokens">Cancel<\/a>/);
  assert.equal(isConfirmed({ confirm: '1' }), true);
  assert.equal(isConfirmed({ confirm: 'yes please' }), false);
  assert.equal(isConfirmed(null), false);
});

test('price formats minor units in the currency; navigation marks the deepest link the path is under and shows staff only their role’s links', () => {
  assert.equal(price(129900, 'USD').value, '<span class="price">$1,299.00</span>');
  assert.equal(currentHref(navLinks('dpo'), '/staff/dpo/report'), '/staff/dpo/report');
  assert.equal(currentHref(navLinks('dpo'), '/staff/dpo'), '/staff/dpo');
  assert.equal(currentHref(navLinks('account'), '/'), '/');
  assert.equal(currentHref(navLinks('account'), '/cart'), undefined);
  const fulfilment = navLinks('staff', 'fulfilment').map((l) => l.href);
  assert.ok(fulfilment.includes('/staff/orders') && !fulfilment.includes('/staff/users') && !fulfilment.includes('/staff/dpo'));
  assert.deepEqual(navLinks('staff'), [], 'no console links before sign-in');
});

test("withFieldChecks names the handler's own checks with the schema's; the schema's message wins a field both name", () => {
  const schema = new AppError('VALIDATION_FAILED', 'body', [
    { field: 'body.age', message: 'is required' },
    { field: 'body.email', message: 'must be at most 254 characters' },
  ]);
  const checks = () =>
    checkFields([
      () => {
        throw validationError('body.email', 'must be an email address');
      },
      () => {
        throw validationError('body.password', 'is too easy to guess');
      },
    ]);
  const { errors, status } = withFieldChecks(schema, checks);
  assert.equal(status, 400);
  assert.deepEqual(errors, { age: 'is required', email: 'must be at most 254 characters', password: 'is too easy to guess' });
  assert.deepEqual(withFieldChecks(schema, () => undefined).errors, { age: 'is required', email: 'must be at most 254 characters' });
  assert.equal(textOf({ a: 'x', b: 3 }, 'b'), '');
});
