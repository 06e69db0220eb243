// The demo shop's quote case (DEMO_DATA, on the first start): a request from a made-up visitor
// through the same path as the public form, with one free-text line and a follow-up in three days.
import type { Db } from '../platform/db/database.ts';
import type { PrivacyKernel } from '../privacy/index.ts';
import { addLine, caseOf, dayOf } from './cases.ts';
import { checkRequest, fileRequest } from './requests.ts';
import { quotesDb } from './tables.ts';

export async function seedDemoQuote(kernel: PrivacyKernel, db: Db, o: { publicUrl: string; currency: string; now: Date }): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const request = checkRequest({
      name: 'Demo Requester',
      email: 'demo-requester@example.com',
      phone: '+1 973 555 0100',
      organisation: 'Demo Data Centres',
      system: 'Site: one data centre.\nTwo UPS strings of 40 VRLA jars each; we would like monitoring with alerts to two contacts.',
      products: 'Battery monitoring service',
    });
    const filed = await fileRequest(kernel, trx, request, { signedInSubject: null, publicUrl: o.publicUrl, currency: o.currency, now: o.now });
    await addLine(trx, await caseOf(trx, filed.id), { product: '', description: 'Battery monitoring, 80 jars, first year', quantity: '1', price: '2400.00' });
    await quotesDb(trx)
      .updateTable('quotes_cases')
      .set({ follow_up_on: dayOf(new Date(o.now.getTime() + 3 * 86_400_000)) })
      .where('id', '=', filed.id)
      .execute();
    return filed.number;
  });
}
