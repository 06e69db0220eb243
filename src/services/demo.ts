// The demo shop's monitoring registration (DEMO_DATA): the demo customer's Brightwater Remote
// Monitoring of a battery string, with one contact and a few events on its timeline. Once: a
// customer who has a registration gets no second one. The device key is not shown to anyone; the
// customer makes a new one on the service page to try the device API.
import { randomUUID } from 'node:crypto';
import type { Db } from '../platform/db/database.ts';
import type { Actor, PrivacyKernel } from '../privacy/index.ts';
import { register, serviceProducts } from './registrations.ts';
import { servicesDb } from './tables.ts';

export async function seedDemoService(kernel: PrivacyKernel, db: Db, r: { customer: string; actor: Actor; publicUrl: string; now: Date }): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const existing = await servicesDb(trx).selectFrom('services_registrations').select('id').where('customer_subject', '=', r.customer).executeTakeFirst();
    if (existing) return false;
    const products = await serviceProducts(trx);
    const product = products.find((p) => /monitoring/i.test(p.name)) ?? products[0];
    if (!product) return false;
    const made = await register(kernel, trx, {
      customer: r.customer,
      actor: r.actor,
      publicUrl: r.publicUrl,
      now: r.now,
      input: {
        product,
        site: 'Demo battery room, building 2',
        address: '10 Example Way, Springfield',
        model: 'BW-BMS-48',
        serial: 'DEMO-0001',
        sensors: 24,
        contact: { name: 'Demo Site Engineer', email: 'demo-engineer@example.com', phone: '+1 555 0100' },
      },
    });
    const at = (hours: number) => new Date(r.now.getTime() - hours * 3_600_000);
    await servicesDb(trx)
      .insertInto('services_events')
      .values([
        { id: randomUUID(), device_id: made.deviceId, type: 'string-voltage', severity: 'info', reading: 52.4, unit: 'V', occurred_at: at(30), received_at: at(30) },
        { id: randomUUID(), device_id: made.deviceId, type: 'cell-temperature-high', severity: 'warning', reading: 38.5, unit: '°C', occurred_at: at(20), received_at: at(20) },
        { id: randomUUID(), device_id: made.deviceId, type: 'string-voltage', severity: 'info', reading: 52.1, unit: 'V', occurred_at: at(2), received_at: at(2) },
      ])
      .execute();
    return true;
  });
}
