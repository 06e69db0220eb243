// Test helpers: a small shop to buy from, and a client that keeps cookies and posts forms with the
// CSRF token of the last page (the accounts FormClient), plus JSON calls of any method.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Db } from '../../platform/db/database.ts';
import { FormClient } from '../../accounts/testing.ts';
import { createCategory, createProduct, createVendor } from '../catalogue/index.ts';

export async function makeShop(db: Db) {
  const vendor = await createVendor(db, { slug: 'netgear', name: 'Netgear' });
  const category = await createCategory(db, { slug: 'networking', name: 'Networking' });
  const base = { vendor_id: vendor.id, category_id: category.id };
  const usd = { currency: 'USD' };
  const router = await createProduct(
    db,
    {
      ...base,
      slug: 'router',
      name: 'Nighthawk Router',
      kind: 'physical',
      variants: [
        { sku: 'RTR-1', price_minor: 12_900, stock: 5 },
        { sku: 'RTR-PRO', name: 'Pro', price_minor: 19_900, stock: 0 },
      ],
    },
    usd,
  );
  const licence = await createProduct(db, { ...base, slug: 'vpn-licence', name: 'VPN Licence', kind: 'digital', variants: [{ sku: 'VPN-1Y', price_minor: 4_999 }] }, usd);
  const old = await createProduct(db, { ...base, slug: 'old-modem', name: 'Old Modem', kind: 'physical', status: 'archived', variants: [{ sku: 'MDM-0', price_minor: 1_000, stock: 3 }] }, usd);
  const euro = await createProduct(db, { ...base, slug: 'euro-plan', name: 'Euro Plan', kind: 'service', variants: [{ sku: 'EU-1', price_minor: 900, currency: 'EUR' }] }, usd);
  return {
    router,
    licence,
    old,
    euro,
    rtr1: router.variants[0]!.id,
    rtrPro: router.variants[1]!.id,
    vpn: licence.variants[0]!.id,
    modem: old.variants[0]!.id,
    eur: euro.variants[0]!.id,
  };
}

export class CartClient extends FormClient {
  cookieHeaderValue(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({
      method,
      url,
      remoteAddress: this.ip,
      headers: { cookie: this.cookieHeaderValue(), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
    // Keep cookies the way a browser would.
    const raw = res.headers['set-cookie'];
    for (const header of raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]) {
      this.setCookies.push(header);
      const [pair = ''] = header.split(';');
      const eq = pair.indexOf('=');
      this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return res;
  }
}

export function newClient(app: FastifyInstance): CartClient {
  return new CartClient(app);
}

/** A client with a visitor cookie and its CSRF token, as after the first "Add to cart" was confirmed, but no cart yet. */
export async function visitor(app: FastifyInstance, variantId: string): Promise<CartClient> {
  const client = newClient(app);
  const page = await client.post('/cart/add', { variant_id: variantId, quantity: '1' });
  if (page.statusCode !== 200 || !client.csrf) throw new Error(`expected the confirmation page, got ${page.statusCode}`);
  return client;
}
