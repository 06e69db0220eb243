import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
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

test('smtp-sink: clients that reset their connection mid-conversation (killed senders) are recorded, and the sink goes on receiving', async (t) => {
  const sink = await startSmtpSink();
  t.after(() => sink.stop());
  // A reset outside a transaction is ignored by smtp-server; one after MAIL FROM is an error.
  for (let i = 0; i < 3; i++) {
    const socket = connect(sink.port, '127.0.0.1');
    let heard = '';
    socket.on('data', (chunk: Buffer) => (heard += chunk.toString()));
    const answered = async (code: RegExp) => {
      while (!code.test(heard)) await once(socket, 'data');
      heard = '';
    };
    await answered(/^220 /m);
    socket.write('EHLO killed.example\r\n');
    await answered(/^250 /m);
    socket.write('MAIL FROM:<shop@shop.example>\r\n');
    await answered(/^250 /m);
    socket.resetAndDestroy();
    await once(socket, 'close');
  }
  for (const deadline = Date.now() + 5_000; sink.connectionErrors.length < 3; await new Promise(setImmediate)) {
    assert.ok(Date.now() < deadline, `the sink saw ${sink.connectionErrors.length} of 3 resets`);
  }
  assert.deepEqual(
    sink.connectionErrors.map((e) => (e as NodeJS.ErrnoException).code),
    ['ECONNRESET', 'ECONNRESET', 'ECONNRESET'],
  );
  const transporter = createTransport(sink.url);
  t.after(() => transporter.close());
  await transporter.sendMail({ from: 'shop@shop.example', to: 'a@example.org', subject: 'after the resets', text: 'x' });
  assert.equal((await sink.waitForMail()).subject, 'after the resets');
});
