// The services module's tables. A registration links a customer (kernel subject) to a service
// product and the equipment it monitors; the site's name and address are kernel items of the
// customer (`user.location.precise`, ref `services:<registration>`). A contact row links a
// registration to a `service-contact` subject (name, email, phone are that subject's kernel
// items); once the contact leaves, the link is cut and only the day stays, so the customer sees
// they left. Devices and their events are machine data: ids, digests, times and readings.
import type { Generated } from 'kysely';
import { tablesOf, type Db } from '../platform/db/database.ts';

export interface RegistrationTable {
  id: string;
  customer_subject: string;
  product_id: string | null;
  /** The service's name when registered (the catalogue's words, not personal). */
  service_name: string;
  equipment_model: string;
  equipment_serial: string;
  sensors: number;
  created_at: Date;
}

export type ContactLeaving = 'customer' | 'self' | 'erased';

export interface ContactTable {
  id: string;
  registration_id: string;
  /** The contact's own kernel subject; null once they left (the subject is erased). */
  contact_subject: string | null;
  added_at: Date;
  left_at: Date | null;
  left_how: ContactLeaving | null;
}

export interface DeviceTable {
  id: string;
  registration_id: string;
  /** Keyed digest (kernel.keyedDigest) of the device's API key; the key itself is shown once. */
  key_digest: Buffer;
  key_set_at: Date;
  /** The start of the current rate-limit minute and the events counted in it. */
  rate_window: Date | null;
  rate_count: Generated<number>;
  created_at: Date;
}

export type Severity = 'info' | 'warning' | 'alert';

export interface EventTable {
  id: string;
  device_id: string;
  type: string;
  severity: Severity;
  reading: number | null;
  unit: string | null;
  occurred_at: Date;
  received_at: Date;
}

export interface ServicesTables {
  services_registrations: RegistrationTable;
  services_contacts: ContactTable;
  services_devices: DeviceTable;
  services_events: EventTable;
}

export const servicesDb = (db: Db) => tablesOf<ServicesTables>(db);
