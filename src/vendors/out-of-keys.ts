// A vendor hears that one of its licence products ran out of keys: delivery raises the event in
// the paid step's transaction (it cannot name this module: vendors come after it), and this
// listener queues a mail to each active user of the vendor, at most once an hour per product and
// user, like the owners' alert (decision 0048). A suspended vendor is not written to: its users
// cannot reach the portal to upload.
import { activeVendorUsersOf } from '../accounts/index.ts';
import type { KeysRanOutListener } from '../commerce/delivery/index.ts';
import { paragraphTemplate, param, queueMail, type MailTemplate } from '../comms/index.ts';
import { isSuspended } from './store.ts';

const ALERT_WINDOW_MS = 60 * 60_000;

export const vendorOutOfKeysTemplate: MailTemplate = paragraphTemplate(
  'vendors.out-of-keys',
  ['product', 'sku', 'portal'],
  (i) => `Out of licence keys: ${param(i, 'product')} at ${i.shop.name}`,
  (i) => [
    `A buyer paid for ${param(i, 'product')} (${param(i, 'sku')}), and the shop has no licence key of it left. The order waits on hold; as soon as you upload keys it receives one and goes on by itself.`,
    `Upload keys in the vendor portal: ${param(i, 'portal')}`,
  ],
  'Out of licence keys (to the vendor)',
);

export const alertVendorOutOfKeys: KeysRanOutListener = async (db, event, deps) => {
  if (await isSuspended(db, event.vendorId)) return;
  const bucket = Math.floor(event.at.getTime() / ALERT_WINDOW_MS);
  for (const user of await activeVendorUsersOf(db, event.vendorId)) {
    await queueMail(db, {
      subject: user.subject_id,
      purpose: 'account',
      template: vendorOutOfKeysTemplate,
      params: { product: event.product, sku: event.sku, portal: new URL('/vendor/licence-keys', deps.publicUrl).toString() },
      idempotencyKey: `vendors.out-of-keys:${event.variantId}:${bucket}:${user.id}`,
    });
  }
};
