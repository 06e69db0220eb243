// A customer signed up through the pages, the confirmation link taken from the mail the served
// shop's worker sends (the outbox keeps a link's token sealed only until the mail is sent, so a
// journey cannot read it from the outbox while the worker runs).
import assert from 'node:assert/strict';
import { FormClient } from '../../../src/accounts/testing.ts';
import type { ServedShop } from '../served-shop.ts';

export async function signUpThroughMail(shop: ServedShop, who: { name: string; email: string; password: string }): Promise<FormClient> {
  const client = new FormClient(shop.app);
  await client.get('/account/signup');
  assert.equal((await client.post('/account/signup', { name: who.name, email: who.email, password: who.password, age: 'adult' })).statusCode, 200);
  const mail = await shop.sink.waitForMail((m) => m.to.some((to) => to.includes(who.email)) && /\/account\/confirm\?token=/.test(m.text), 20_000);
  const link = /https?:\/\/[^\s"<]+(\/account\/confirm\?token=[A-Za-z0-9_-]+)/.exec(mail.text)![1]!;
  const confirm = await client.get(link);
  assert.equal((await client.post('/account/confirm', { token: /name="token" value="([^"]+)"/.exec(confirm.body)![1]! })).statusCode, 303);
  return client;
}
