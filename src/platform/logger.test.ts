import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createLogger, type Logger } from './logger.ts';
import { findPersonalData, personalData as p } from './testing/personal-data.ts';

function capture(level = 'trace'): { logger: Logger; text: () => string; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const logger = createLogger(level, sink);
  const text = () => chunks.join('');
  return {
    logger,
    text,
    lines: () =>
      text()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

const query = new URLSearchParams({
  email: p.email,
  name: p.name,
  phone: p.phone,
  street: p.street,
  password: p.password,
  card: p.card,
  iban: p.iban,
  account_number: p.bankAccount,
}).toString();

test('the fixture search finds every personal value it is given (the check below can fail)', () => {
  const found = findPersonalData(Object.values(p).join(' | '));
  for (const field of Object.keys(p))
    assert.ok(
      found.some((f) => f.startsWith(`${field}:`)),
      field,
    );
  assert.ok(findPersonalData(`/x?${query}`).length >= 8);
  assert.deepEqual(findPersonalData('order ORD-1001 failed with status 500'), []);
});

test('personal data passed to the logger in any shape never reaches the log', () => {
  const { logger, text, lines } = capture();
  const body = { email: p.email, name: p.name, phone: p.phone, password: p.password, card_number: p.card, iban: p.iban };

  // Keyed fields, at any depth and in arrays.
  logger.info({ customer: { email: p.email, name: p.name, firstName: 'Philippa', lastName: 'Quarrington' } }, 'customer');
  logger.info({ shipping: { address: { street: p.street, postcode: 'NW1 6XE' } }, billing_address: p.street }, 'address');
  logger.info({ payment: { card: p.card, iban: p.iban, account_number: p.bankAccount, sortCode: '12-34-56' } });
  logger.info({ login: { password: p.password, token: p.password } }, 'login');
  logger.info({ contacts: [{ phone: p.phone }, { mobile: p.phone }] });
  logger.info({ headers: { authorization: `Bearer ${p.password}`, cookie: `session=${p.password}`, 'x-customer-email': p.email } });

  // Free-text values in messages, unknown keys, format arguments and child bindings.
  logger.info(`mail to ${p.email} about card ${p.card} bounced; call ${p.phone}`);
  logger.info({ note: `refund to ${p.iban}, account ${p.bankAccount}, ship to ${p.street}` }, 'refund');
  logger.info({ note: `compact ${p.card.replace(/ /g, '')} ${p.iban.replace(/ /g, '')} ${p.card.replace(/ /g, '-')}` });
  logger.info('format %s %o %j', p.email, body, { customer: body });
  logger.child({ customerEmail: p.email, name: p.name }).info('child bindings');
  logger
    .child({ requestId: 'r1' })
    .child({ nested: { phone: p.phone } })
    .warn('nested child');

  // Whole requests serialised into strings: query strings (plain and URL-encoded) and JSON bodies.
  logger.info({ url: `/checkout?${query}` }, `GET /checkout?${query}`);
  logger.info(`referer https://shop.example/search?${encodeURIComponent(query)}`);
  logger.info({ raw: JSON.stringify(body) }, `body ${JSON.stringify(body)}`);

  // Errors: as the first argument, under err/error, with the message pino would copy into `msg`,
  // with driver fields that repeat the row, and with the input quoted back by the database.
  logger.error(new Error(`charge failed for ${p.email} with card ${p.card}`));
  logger.error({ err: new Error(`no mailbox ${p.email}; phone ${p.phone}`) });
  logger.error({ error: new Error(`iban ${p.iban} rejected`) }, 'payout failed');
  const driverError = Object.assign(new Error('duplicate key value violates unique constraint "customers_email_key"'), {
    detail: `Key (email)=(${p.email}) already exists.`,
    where: `name ${p.name}`,
  });
  logger.error({ err: driverError }, 'insert failed');
  logger.error({ err: new Error(`invalid input syntax for type uuid: "${p.name}"`) });
  logger.error({ err: new Error(`invalid input value for enum kind: "${p.password}"`) }, 'update failed');
  logger.error({ err: { message: `plain object error for ${p.email}` } });
  logger.error({ err: new Error(`bad body ${JSON.stringify(body)} at ${p.street}`) });

  const leaks = findPersonalData(text());
  assert.deepEqual(leaks, [], `personal data in the log:\n${text()}`);

  // The log is still useful: every call wrote a line, and context without personal data survives.
  const all = lines();
  assert.equal(all.length, 23);
  assert.ok(all.some((l) => l.msg === 'insert failed' && JSON.stringify(l.err).includes('customers_email_key')));
  assert.ok(all.some((l) => String(l.msg).startsWith('invalid input syntax for type uuid')));
  assert.ok(all.some((l) => l.requestId === 'r1' && l.msg === 'nested child'));
  assert.match(String(all[0]?.time), /^\d{4}-\d{2}-\d{2}T/);
});

test('context without personal data is kept', () => {
  const { logger, lines } = capture();
  logger.info({ orderId: 'ORD-1001', route: '/products/:slug', status: 500, ms: 12, vendor: 'acme-tools' }, 'order 1001 failed on 2026-01-31');
  const [line] = lines();
  assert.equal(line?.orderId, 'ORD-1001');
  assert.equal(line?.route, '/products/:slug');
  assert.equal(line?.status, 500);
  assert.equal(line?.vendor, 'acme-tools');
  assert.equal(line?.msg, 'order 1001 failed on 2026-01-31');
});

test('the audit chain head is logged intact (a second anchor), and only in its exact shape', () => {
  const { logger, lines } = capture();
  const head = `1234:${'0123456789abcdef'.repeat(4)}`;
  logger.info({ sealed: 3, audit_head: head }, 'privacy: audit entries sealed');
  logger.info({ audit_head: p.card }, 'not a head');
  logger.info({ audit_head: `${head} ${p.phone}` }, 'a head with something after it');
  const [sealed, card, padded] = lines();
  assert.equal(sealed?.audit_head, head);
  assert.equal(sealed?.sealed, 3);
  assert.doesNotMatch(String(card?.audit_head), new RegExp(p.card.replace(/\D/g, '').slice(0, 8)));
  assert.deepEqual(findPersonalData(JSON.stringify(padded)), []);
});

test('nothing below the configured level is written', () => {
  const { logger, lines } = capture('warn');
  logger.info('hidden');
  logger.warn('shown');
  assert.deepEqual(
    lines().map((l) => l.msg),
    ['shown'],
  );
});
