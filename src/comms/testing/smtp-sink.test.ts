import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTransport } from 'nodemailer';
import { startSmtpSink } from './smtp-sink.ts';

test('smtp-sink: receives mail over real SMTP and reads UTF-8 headers, text and HTML; rejectNext answers with the code asked for', async (t) => {
  const sink = await startSmtpSink();
  t.after(() => sink.stop());
  const transporter = createTransport(sink.url);
  t.after(() => transporter.close());
  const long = `${'Lorem ipsum dolor sit amet '.repeat(8)}— fin`;
  await transporter.sendMail({
    from: 'Shop <shop@shop.example>',
    to: { name: 'Zoë Ångström', address: 'zoe@example.org' },
    subject: 'Ihre Bestellung — Größe M ✓',
    text: `Grüße, Zoë\n${long}\n`,
    html: '<p>Grüße</p>',
    headers: { 'X-Test': 'yes' },
  });
  const mail = await sink.waitForMail((m) => m.subject.startsWith('Ihre'));
  assert.deepEqual(mail.to, ['zoe@example.org']);
  assert.equal(mail.from, 'shop@shop.example');
  assert.equal(mail.subject, 'Ihre Bestellung — Größe M ✓');
  assert.equal(mail.header('to'), 'Zoë Ångström <zoe@example.org>');
  assert.equal(mail.header('x-test'), 'yes');
  assert.equal(mail.text, `Grüße, Zoë\n${long}\n`);
  assert.equal(mail.html, '<p>Grüße</p>');

  sink.rejectNext(1, 550);
  await assert.rejects(transporter.sendMail({ from: 'shop@shop.example', to: 'nobody@example.org', subject: 'x', text: 'x' }), (err: { responseCode?: number }) => err.responseCode === 550);
  assert.deepEqual(sink.refused, ['nobody@example.org']);
  assert.equal(sink.received.length, 1);
});
