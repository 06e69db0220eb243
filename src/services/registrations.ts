// Registering a service (P004-04) and naming its contacts (P004-08). One transaction per command,
// the caller's. The site (name and address) is the customer's own kernel item under
// `software-registration`; each contact is a new `service-contact` subject whose details only the
// `services.contacts` job writes and reads under `monitoring` (the customer sees them on their
// service page through it; nobody is ever disclosed them). A contact who goes is erased in the kernel.
import { randomBytes, randomUUID } from 'node:crypto';
import { checkEmail } from '../accounts/index.ts';
import { queueMail } from '../comms/index.ts';
import { catalogueDb } from '../commerce/catalogue/index.ts';
import type { Db } from '../platform/db/database.ts';
import { AppError, checkFields, notFound, validationError } from '../platform/errors.ts';
import { type Actor, type PrivacyKernel, selfActor, SubjectErased, systemActor } from '../privacy/index.ts';
import { leaveUrl } from './leave.ts';
import { contactAddedMail, EMAIL, NAME, PHONE } from './mail.ts';
import { type ContactLeaving, servicesDb } from './tables.ts';

export const REGISTRATION_PURPOSE = 'software-registration';
export const MONITORING = 'monitoring';
export const LOCATION = 'user.location.precise';
export const CONTACTS_JOB = 'services.contacts';
export const CONTACTS_ACTOR = systemActor(CONTACTS_JOB);
export const DEVICE_KEY_DOMAIN = 'services.device-key';
export const MAX_CONTACTS = 10;

export const siteRef = (registration: string) => `services:${registration}`;
export const referenceOf = (registration: string) => `SR-${registration.slice(0, 8).toUpperCase()}`;
export const equipmentOf = (r: { equipment_model: string; equipment_serial: string }) => `${r.equipment_model}, serial ${r.equipment_serial}`;

const clean = (s: string) => s.normalize('NFKC').replace(/\s+/g, ' ').trim();
const PHONE_SHAPE = /^\+?[0-9 ().-]{5,30}$/;
const CODE_SHAPE = /^[A-Za-z0-9][A-Za-z0-9 ._/-]{0,99}$/;

function required(field: string, value: string, max: number): string {
  const v = clean(value);
  if (v === '') throw validationError(field, 'is required');
  if (v.length > max) throw validationError(field, `must be at most ${max} characters`);
  return v;
}

export interface ContactInput {
  name: string;
  email: string;
  phone: string;
}

export interface CheckedContact {
  name: string;
  email: string;
  phone: string | null;
}

/** The contact's fields, checked; `prefix` names the form's fields (contact_name or name). */
export function contactChecks(input: ContactInput, prefix: string, out: Partial<CheckedContact>): (() => void)[] {
  return [
    () => {
      out.name = required(`${prefix}name`, input.name, 200);
    },
    () => {
      out.email = checkEmail(`${prefix}email`, input.email);
    },
    () => {
      const phone = clean(input.phone);
      if (phone !== '' && !PHONE_SHAPE.test(phone)) throw validationError(`${prefix}phone`, 'must be a phone number such as +1 973 555 0100');
      out.phone = phone === '' ? null : phone;
    },
  ];
}

export interface RegistrationInput {
  product: string;
  site: string;
  address: string;
  model: string;
  serial: string;
  sensors: string;
  contact: ContactInput;
}

export interface ServiceProduct {
  id: string;
  name: string;
}

/** The shop's service products on sale, by name: what a customer may register. */
export async function serviceProducts(db: Db): Promise<ServiceProduct[]> {
  return catalogueDb(db).selectFrom('catalogue_products').select(['id', 'name']).where('kind', '=', 'service').where('status', '=', 'active').orderBy('name').orderBy('id').execute();
}

/** What a customer may change of a registration: the site and the equipment (not the service). */
export interface SiteAndEquipmentInput {
  site: string;
  address: string;
  model: string;
  serial: string;
  sensors: string;
}

export interface CheckedSiteAndEquipment {
  site: string;
  address: string;
  model: string;
  serial: string;
  sensors: number;
}

interface CheckedRegistration extends CheckedSiteAndEquipment {
  product: ServiceProduct;
  contact: CheckedContact | null;
}

function siteAndEquipmentChecks(input: SiteAndEquipmentInput, out: Partial<CheckedSiteAndEquipment>): (() => void)[] {
  return [
    () => {
      out.site = required('site', input.site, 200);
    },
    () => {
      out.address = required('address', input.address, 500);
    },
    () => {
      const model = required('model', input.model, 100);
      if (!CODE_SHAPE.test(model)) throw validationError('model', 'may hold letters, digits, spaces and . _ / -');
      out.model = model;
    },
    () => {
      const serial = required('serial', input.serial, 100);
      if (!CODE_SHAPE.test(serial)) throw validationError('serial', 'may hold letters, digits, spaces and . _ / -');
      out.serial = serial;
    },
    () => {
      const n = clean(input.sensors);
      if (!/^[0-9]{1,5}$/.test(n) || Number(n) < 1 || Number(n) > 10_000) throw validationError('sensors', 'must be a whole number from 1 to 10000');
      out.sensors = Number(n);
    },
  ];
}

export function checkRegistration(input: RegistrationInput, products: readonly ServiceProduct[]): CheckedRegistration {
  const out: Partial<CheckedRegistration> = {};
  const contact: Partial<CheckedContact> = {};
  const withContact = [input.contact.name, input.contact.email, input.contact.phone].some((v) => clean(v) !== '');
  checkFields([
    () => {
      const product = products.find((p) => p.id === input.product);
      if (!product) throw validationError('product', 'choose one of the services');
      out.product = product;
    },
    ...siteAndEquipmentChecks(input, out),
    ...(withContact ? contactChecks(input.contact, 'contact_', contact) : []),
  ]);
  return { ...(out as Omit<CheckedRegistration, 'contact'>), contact: withContact ? (contact as CheckedContact) : null };
}

export function checkSiteAndEquipment(input: SiteAndEquipmentInput): CheckedSiteAndEquipment {
  const out: Partial<CheckedSiteAndEquipment> = {};
  checkFields(siteAndEquipmentChecks(input, out));
  return out as CheckedSiteAndEquipment;
}

/** A new device key: shown once, kept only as its keyed digest. */
function newKey(kernel: PrivacyKernel): { key: string; digest: Buffer } {
  const key = `csd_${randomBytes(32).toString('base64url')}`;
  return { key, digest: kernel.keyedDigest(DEVICE_KEY_DOMAIN, key) };
}

export interface Registered {
  id: string;
  deviceId: string;
  key: string;
}

export async function register(kernel: PrivacyKernel, db: Db, r: { customer: string; actor: Actor; input: CheckedRegistration; publicUrl: string; now: Date }): Promise<Registered> {
  const id = randomUUID();
  const { input, now } = r;
  await servicesDb(db)
    .insertInto('services_registrations')
    .values({
      id,
      customer_subject: r.customer,
      product_id: input.product.id,
      service_name: input.product.name,
      equipment_model: input.model,
      equipment_serial: input.serial,
      sensors: input.sensors,
      created_at: now,
    })
    .execute();
  await kernel.write(db, { subject: r.customer, actor: r.actor, purpose: REGISTRATION_PURPOSE, ref: siteRef(id), values: { [LOCATION]: { site: input.site, address: input.address } } });
  const deviceId = randomUUID();
  const { key, digest } = newKey(kernel);
  await servicesDb(db).insertInto('services_devices').values({ id: deviceId, registration_id: id, key_digest: digest, key_set_at: now, rate_window: null, created_at: now }).execute();
  if (input.contact) await addContact(kernel, db, { registration: id, contact: input.contact, publicUrl: r.publicUrl, now });
  return { id, deviceId, key };
}

/** Replaces the device's key: the old one stops working at once; the new one is shown once. */
export async function rotateKey(kernel: PrivacyKernel, db: Db, registration: string, now: Date): Promise<{ deviceId: string; key: string }> {
  const { key, digest } = newKey(kernel);
  const row = await servicesDb(db).updateTable('services_devices').set({ key_digest: digest, key_set_at: now }).where('registration_id', '=', registration).returning('id').executeTakeFirst();
  if (!row) throw notFound('This device');
  return { deviceId: row.id, key };
}

/** The customer corrects the site or the equipment: the site item is rewritten under its ref (audited), the equipment columns updated. */
export async function updateRegistration(kernel: PrivacyKernel, db: Db, r: { registration: string; customer: string; actor: Actor; input: CheckedSiteAndEquipment }): Promise<void> {
  const { input } = r;
  const row = await servicesDb(db)
    .updateTable('services_registrations')
    .set({ equipment_model: input.model, equipment_serial: input.serial, sensors: input.sensors })
    .where('id', '=', r.registration)
    .where('customer_subject', '=', r.customer)
    .returning('id')
    .executeTakeFirst();
  if (!row) throw notFound('This service');
  await kernel.write(db, { subject: r.customer, actor: r.actor, purpose: REGISTRATION_PURPOSE, ref: siteRef(row.id), values: { [LOCATION]: { site: input.site, address: input.address } } });
}

/**
 * The customer ends a registration: every current contact is removed and erased (their details
 * have no purpose left without the service), the site item is deleted from the kernel, and the
 * registration goes with its device and events. Nothing of it stays but the audit entries.
 */
export async function endRegistration(kernel: PrivacyKernel, db: Db, r: { registration: string; customer: string; actor: Actor; now: Date }): Promise<{ contactsErased: number }> {
  const reg = await servicesDb(db).selectFrom('services_registrations').select('id').where('id', '=', r.registration).where('customer_subject', '=', r.customer).forUpdate().executeTakeFirst();
  if (!reg) throw notFound('This service');
  const current = await servicesDb(db).selectFrom('services_contacts').select('id').where('registration_id', '=', reg.id).where('contact_subject', 'is not', null).execute();
  for (const c of current) await removeContact(kernel, db, c.id, 'customer', r.now);
  await kernel.forget(db, { subject: r.customer, actor: r.actor, purpose: REGISTRATION_PURPOSE, categories: [LOCATION], ref: siteRef(reg.id) });
  await servicesDb(db).deleteFrom('services_registrations').where('id', '=', reg.id).execute();
  return { contactsErased: current.length };
}

export async function addContact(kernel: PrivacyKernel, db: Db, r: { registration: string; contact: CheckedContact; publicUrl: string; now: Date }): Promise<string> {
  const reg = await servicesDb(db).selectFrom('services_registrations').select(['id', 'equipment_model', 'equipment_serial']).where('id', '=', r.registration).forUpdate().executeTakeFirst();
  if (!reg) throw notFound('This service');
  const { n } = await servicesDb(db)
    .selectFrom('services_contacts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('registration_id', '=', reg.id)
    .where('contact_subject', 'is not', null)
    .executeTakeFirstOrThrow();
  if (Number(n) >= MAX_CONTACTS) throw new AppError('CONFLICT', `A service has at most ${MAX_CONTACTS} contacts: remove one first.`, [{ field: 'name', message: `at most ${MAX_CONTACTS} contacts` }]);
  const subject = await kernel.createSubject(db, { kind: 'service-contact', actor: CONTACTS_ACTOR, purpose: MONITORING });
  const values = { [NAME]: r.contact.name, [EMAIL]: r.contact.email, ...(r.contact.phone ? { [PHONE]: r.contact.phone } : {}) };
  await kernel.write(db, { subject, actor: CONTACTS_ACTOR, purpose: MONITORING, values });
  const id = randomUUID();
  await servicesDb(db).insertInto('services_contacts').values({ id, registration_id: reg.id, contact_subject: subject, added_at: r.now, left_at: null, left_how: null }).execute();
  await queueMail(
    db,
    {
      subject,
      purpose: MONITORING,
      template: contactAddedMail,
      params: { reference: referenceOf(reg.id), equipment: equipmentOf(reg), leave: leaveUrl(kernel, r.publicUrl, id) },
      idempotencyKey: `services.contact-added:${id}`,
    },
    { kernel },
  );
  return id;
}

/**
 * A contact goes (the customer removed them, they followed their link, or an erasure): their
 * subject is erased in the kernel (name, email, phone shredded; mail still queued to them is
 * suppressed) and the row keeps only the day, so the customer sees they left. Idempotent.
 */
export async function removeContact(kernel: PrivacyKernel, db: Db, contact: string, how: ContactLeaving, now: Date): Promise<boolean> {
  const row = await servicesDb(db).selectFrom('services_contacts').select(['id', 'contact_subject']).where('id', '=', contact).forUpdate().executeTakeFirst();
  if (!row?.contact_subject) return false;
  const subject = row.contact_subject;
  try {
    await kernel.erase(db, { subject, actor: how === 'self' ? selfActor(subject) : CONTACTS_ACTOR });
  } catch (err) {
    if (!(err instanceof SubjectErased)) throw err;
  }
  await servicesDb(db).updateTable('services_contacts').set({ contact_subject: null, left_at: now, left_how: how }).where('id', '=', row.id).execute();
  return true;
}

export interface RegistrationRow {
  id: string;
  customer_subject: string;
  service_name: string;
  equipment_model: string;
  equipment_serial: string;
  sensors: number;
  created_at: Date;
  device_id: string | null;
  key_set_at: Date | null;
}

const registrationColumns = ['r.id', 'r.customer_subject', 'r.service_name', 'r.equipment_model', 'r.equipment_serial', 'r.sensors', 'r.created_at', 'd.id as device_id', 'd.key_set_at'] as const;

export async function registrationsOf(db: Db, customer: string): Promise<RegistrationRow[]> {
  return servicesDb(db)
    .selectFrom('services_registrations as r')
    .leftJoin('services_devices as d', 'd.registration_id', 'r.id')
    .select(registrationColumns)
    .where('r.customer_subject', '=', customer)
    .orderBy('r.created_at', 'desc')
    .orderBy('r.id')
    .execute();
}

export async function allRegistrations(db: Db, limit: number): Promise<RegistrationRow[]> {
  return servicesDb(db)
    .selectFrom('services_registrations as r')
    .leftJoin('services_devices as d', 'd.registration_id', 'r.id')
    .select(registrationColumns)
    .orderBy('r.created_at', 'desc')
    .orderBy('r.id')
    .limit(limit)
    .execute();
}

/** One registration; with `customer`, only theirs (another's is not found, saying nothing more). */
export async function registrationOf(db: Db, id: string, customer?: string): Promise<RegistrationRow> {
  let q = servicesDb(db).selectFrom('services_registrations as r').leftJoin('services_devices as d', 'd.registration_id', 'r.id').select(registrationColumns).where('r.id', '=', id);
  if (customer !== undefined) q = q.where('r.customer_subject', '=', customer);
  const row = await q.executeTakeFirst();
  if (!row) throw notFound('This service');
  return row;
}

export interface Site {
  site: string;
  address: string;
}

/** The site's name and address, read by the customer themself or staff (support, owner). */
export async function siteOf(kernel: PrivacyKernel, db: Db, r: RegistrationRow, actor: Actor): Promise<Site | null> {
  try {
    const record = await kernel.read(db, { subject: r.customer_subject, actor, purpose: REGISTRATION_PURPOSE, categories: [LOCATION], ref: siteRef(r.id) });
    const v = record.values[LOCATION] as { site?: unknown; address?: unknown } | undefined;
    return v ? { site: String(v.site ?? ''), address: String(v.address ?? '') } : null;
  } catch (err) {
    if (err instanceof SubjectErased) return null;
    throw err;
  }
}

export interface ContactView {
  id: string;
  added_at: Date;
  left_at: Date | null;
  left_how: ContactLeaving | null;
  name: string | null;
  email: string | null;
  phone: string | null;
}

/** The registration's contacts, current ones with their details (read by `actor` under monitoring), then those who left. */
export async function contactsOf(kernel: PrivacyKernel, db: Db, registration: string, actor: Actor): Promise<ContactView[]> {
  const rows = await servicesDb(db)
    .selectFrom('services_contacts')
    .select(['id', 'contact_subject', 'added_at', 'left_at', 'left_how'])
    .where('registration_id', '=', registration)
    .orderBy('added_at')
    .orderBy('id')
    .execute();
  const current = rows.filter((r) => r.contact_subject !== null);
  const read = current.length ? await kernel.readMany(db, { actor, purpose: MONITORING, categories: [NAME, EMAIL, PHONE], items: current.map((r) => ({ subject: r.contact_subject! })) }) : [];
  const details = new Map(current.map((r, i) => [r.id, read[i]]));
  return rows.map((r) => {
    const got = details.get(r.id);
    const values = got?.ok ? got.record.values : {};
    const text = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : null);
    return { id: r.id, added_at: r.added_at, left_at: r.left_at, left_how: r.left_how, name: text(NAME), email: text(EMAIL), phone: text(PHONE) };
  });
}

export interface EventRow {
  id: string;
  type: string;
  severity: string;
  reading: number | null;
  unit: string | null;
  occurred_at: Date;
  received_at: Date;
}

export const EVENTS_PER_PAGE = 20;

/** One page of the registration's events, newest first. */
export async function eventsPage(db: Db, registration: string, page: number): Promise<{ items: EventRow[]; page: number; pageCount: number; total: number }> {
  const base = servicesDb(db).selectFrom('services_events as e').innerJoin('services_devices as d', 'd.id', 'e.device_id').where('d.registration_id', '=', registration);
  const { n } = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const total = Number(n);
  const pageCount = Math.max(1, Math.ceil(total / EVENTS_PER_PAGE));
  const p = Math.min(Math.max(1, Math.floor(page) || 1), pageCount);
  const items = await base
    .select(['e.id', 'e.type', 'e.severity', 'e.reading', 'e.unit', 'e.occurred_at', 'e.received_at'])
    .orderBy('e.occurred_at', 'desc')
    .orderBy('e.id', 'desc')
    .limit(EVENTS_PER_PAGE)
    .offset((p - 1) * EVENTS_PER_PAGE)
    .execute();
  return { items: items.map((e) => ({ ...e, reading: e.reading === null ? null : Number(e.reading) })), page: p, pageCount, total };
}

/** Counts by severity of the registration's events in [from, to). */
export async function severityCounts(db: Db, registration: string, from: Date, to: Date): Promise<Record<'info' | 'warning' | 'alert', number>> {
  const rows = await servicesDb(db)
    .selectFrom('services_events as e')
    .innerJoin('services_devices as d', 'd.id', 'e.device_id')
    .select(['e.severity', (eb) => eb.fn.countAll<number>().as('n')])
    .where('d.registration_id', '=', registration)
    .where('e.occurred_at', '>=', from)
    .where('e.occurred_at', '<', to)
    .groupBy('e.severity')
    .execute();
  const out = { info: 0, warning: 0, alert: 0 };
  for (const r of rows) out[r.severity] = Number(r.n);
  return out;
}
