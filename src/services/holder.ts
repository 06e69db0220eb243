// What the services module keeps about a person. For a customer: their registrations, each with
// its equipment, device and events (the site's name and address are kernel items, listed with the
// rest of their data); erasing the customer deletes them all and erases every contact they named
// (a contact's details have no purpose left without the service). For a service contact: when
// they were added and, once they left, nothing that points at them; erasing them is leaving.
import type { PersonalDataHolder } from '../privacy/index.ts';
import { referenceOf, removeContact } from './registrations.ts';
import { servicesDb } from './tables.ts';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export const servicesHolder: PersonalDataHolder = {
  tables: ['services_registrations', 'services_contacts'],
  async export({ db }, subject) {
    const t = servicesDb(db);
    const registrations = await t
      .selectFrom('services_registrations as r')
      .leftJoin('services_devices as d', 'd.registration_id', 'r.id')
      .select(['r.id', 'r.service_name', 'r.equipment_model', 'r.equipment_serial', 'r.sensors', 'r.created_at', 'd.id as device_id', 'd.key_set_at'])
      .where('r.customer_subject', '=', subject)
      .orderBy('r.created_at')
      .execute();
    const sections = [];
    if (registrations.length) {
      const ids = registrations.map((r) => r.id);
      const events = await t
        .selectFrom('services_events as e')
        .innerJoin('services_devices as d', 'd.id', 'e.device_id')
        .select(['d.registration_id', 'e.id', 'e.type', 'e.severity', 'e.reading', 'e.unit', 'e.occurred_at', 'e.received_at'])
        .where('d.registration_id', 'in', ids)
        .orderBy('e.occurred_at')
        .orderBy('e.id')
        .execute();
      const contacts = await t.selectFrom('services_contacts').select(['registration_id', 'added_at', 'left_at', 'left_how']).where('registration_id', 'in', ids).orderBy('added_at').execute();
      sections.push({
        id: 'service-registrations',
        title: 'Registered services and their monitoring',
        description:
          'The services you registered with their equipment and device, the events the device reported, and when contacts were added or left. The site name and address are listed with the rest of your data; your contacts’ own details are theirs and are not in your copy.',
        records: registrations.map((r) => ({
          reference: referenceOf(r.id),
          service: r.service_name,
          equipment_model: r.equipment_model,
          equipment_serial: r.equipment_serial,
          sensors: r.sensors,
          registered_at: iso(r.created_at),
          device_id: r.device_id,
          device_key_set_at: iso(r.key_set_at),
          contacts: contacts.filter((c) => c.registration_id === r.id).map((c) => ({ added_at: iso(c.added_at), left_at: iso(c.left_at), left_how: c.left_how })),
          events: events
            .filter((e) => e.registration_id === r.id)
            .map((e) => ({
              type: e.type,
              severity: e.severity,
              reading: e.reading === null ? null : Number(e.reading),
              unit: e.unit,
              occurred_at: iso(e.occurred_at),
              received_at: iso(e.received_at),
            })),
        })),
      });
    }
    const asContact = await t.selectFrom('services_contacts').select(['registration_id', 'added_at']).where('contact_subject', '=', subject).execute();
    if (asContact.length) {
      sections.push({
        id: 'service-contact',
        title: 'Monitoring contact',
        description:
          'A customer named you as a contact of their monitoring service: you receive its reports and alerts by mail. Your name, email and phone are listed with the rest of your data; we never share them.',
        records: asContact.map((c) => ({ service: referenceOf(c.registration_id), added_at: iso(c.added_at) })),
      });
    }
    return sections;
  },
  async erase({ db, kernel, now }, subject) {
    const t = servicesDb(db);
    // The contacts of the customer's services go with them: erased in the kernel, then the rows.
    const named = await t
      .selectFrom('services_contacts as c')
      .innerJoin('services_registrations as r', 'r.id', 'c.registration_id')
      .select('c.id')
      .where('r.customer_subject', '=', subject)
      .where('c.contact_subject', 'is not', null)
      .execute();
    for (const c of named) await removeContact(kernel, db, c.id, 'erased', now);
    await t.deleteFrom('services_registrations').where('customer_subject', '=', subject).execute();
    // The person as a contact: they leave every service they were a contact of.
    const own = await t.selectFrom('services_contacts').select('id').where('contact_subject', '=', subject).execute();
    for (const c of own) await removeContact(kernel, db, c.id, 'erased', now);
  },
};
