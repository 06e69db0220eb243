// The delivery module's mail: the buyer's licence keys (sealed in the outbox under the buyer's key
// until sent, decision 0025), and the owners' alert that a product ran out of keys.
import { paragraphTemplate, param, type MailTemplate } from '../../comms/index.ts';

export const KEYS_TEMPLATE = 'delivery.licence-keys';
export const OUT_OF_KEYS_TEMPLATE = 'delivery.out-of-keys';

/** The keys as the mail lists them: `name: key` per line, parsed back from the sealed parameter. */
function keyLines(value: unknown): string[] {
  try {
    const parsed = JSON.parse(String(value ?? '[]')) as { name: string; key: string }[];
    return Array.isArray(parsed) ? parsed.map((k) => `${k.name}: ${k.key}`) : [];
  } catch {
    return [];
  }
}

export const keysTemplate: MailTemplate = paragraphTemplate(
  KEYS_TEMPLATE,
  ['number', 'orderUrl', 'keys', 'more'],
  (i) => `Your licence keys for order ${param(i, 'number')} at ${i.shop.name}`,
  (i) => [
    `Here are the licence keys for your order ${param(i, 'number')}. Keep them safe: anyone with a key can use it.`,
    keyLines(i.params.keys).join('\n'),
    Number(i.params.more) > 0 ? `${param(i, 'more')} more keys are on your order's page.` : '',
    `They are also on your order's page: ${param(i, 'orderUrl')}`,
  ],
  'Licence keys for an order',
  ['keys'],
);

export const outOfKeysTemplate: MailTemplate = paragraphTemplate(
  OUT_OF_KEYS_TEMPLATE,
  ['product', 'sku', 'console'],
  (i) => `Out of licence keys: ${param(i, 'product')} at ${i.shop.name}`,
  (i) => [
    `A paid order could not get its licence key for ${param(i, 'product')} (${param(i, 'sku')}): there are no keys left. The order is on hold until keys are uploaded; then it receives them and goes on by itself.`,
    `Upload keys in the staff console: ${param(i, 'console')}`,
  ],
  'Out of licence keys',
);

export const DOWNLOADS_TEMPLATE = 'delivery.downloads';

/** The links as the mail lists them: `name: link` per line, parsed back from the sealed parameter. */
function linkLines(value: unknown): string[] {
  try {
    const parsed = JSON.parse(String(value ?? '[]')) as { name: string; url: string }[];
    return Array.isArray(parsed) ? parsed.map((l) => `${l.name}: ${l.url}`) : [];
  } catch {
    return [];
  }
}

export const downloadsTemplate: MailTemplate = paragraphTemplate(
  DOWNLOADS_TEMPLATE,
  ['number', 'orderUrl', 'links', 'days'],
  (i) => `Your downloads for order ${param(i, 'number')} at ${i.shop.name}`,
  (i) => [
    `Your order ${param(i, 'number')} is ready to download. Each link works for ${param(i, 'days')} days; your order's page always has a fresh one.`,
    linkLines(i.params.links).join('\n'),
    `Your order's page: ${param(i, 'orderUrl')}`,
  ],
  'Download links for an order',
  ['links'],
);
