// The device API: a device posts its events with its own key (`Authorization: Bearer csd_…`), kept
// only as a keyed digest, and at most EVENTS_PER_MINUTE a minute, counted per device in its row
// (so every process of the shop counts alike; decision 0056). An alert mails every current contact
// of the service, one message per contact per event (the outbox key makes a retry queue nothing).
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import { queueMail } from '../comms/index.ts';
import type { Db } from '../platform/db/database.ts';
import { AppError, validationError } from '../platform/errors.ts';
import type { PrivacyKernel } from '../privacy/index.ts';
import { leaveUrl } from './leave.ts';
import { alertMail } from './mail.ts';
import { DEVICE_KEY_DOMAIN, equipmentOf, MONITORING, referenceOf } from './registrations.ts';
import { type Severity, servicesDb } from './tables.ts';

export const EVENTS_PER_MINUTE = 30;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const KEY_SHAPE = /^csd_[A-Za-z0-9_-]{43}$/;
/** How far ahead of our clock a device's time may be. */
const FUTURE_SLACK_MS = 5 * 60_000;

export interface Device {
  id: string;
  registration_id: string;
  equipment_model: string;
  equipment_serial: string;
}

const noDevice = () => new AppError('NOT_FOUND', 'There is no such device.');

/** The device whose key this is; NOT_FOUND for an id we do not have, UNAUTHENTICATED for a wrong or missing key. */
export async function authenticateDevice(db: Db, kernel: PrivacyKernel, id: string, authorization: string | undefined): Promise<Device> {
  const given = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1] ?? '';
  // The digest is made whatever came, so a wrong key and a missing device cost the same.
  const digest = kernel.keyedDigest(DEVICE_KEY_DOMAIN, given);
  if (!UUID.test(id)) throw noDevice();
  const row = await servicesDb(db)
    .selectFrom('services_devices as d')
    .innerJoin('services_registrations as r', 'r.id', 'd.registration_id')
    .select(['d.id', 'd.registration_id', 'd.key_digest', 'r.equipment_model', 'r.equipment_serial'])
    .where('d.id', '=', id)
    .executeTakeFirst();
  if (!row) throw noDevice();
  if (!KEY_SHAPE.test(given) || !timingSafeEqual(Buffer.from(row.key_digest), digest)) throw new AppError('UNAUTHENTICATED', 'This device key is missing or not right.');
  return { id: row.id, registration_id: row.registration_id, equipment_model: row.equipment_model, equipment_serial: row.equipment_serial };
}

/** Counts one request in the device's current minute; RATE_LIMITED (with the seconds to wait) past the allowance. */
export async function countRequest(db: Db, device: string, now: Date): Promise<void> {
  const window = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  const row = await servicesDb(db)
    .updateTable('services_devices')
    .set({ rate_count: sql<number>`case when rate_window = ${window} then rate_count + 1 else 1 end`, rate_window: window })
    .where('id', '=', device)
    .returning('rate_count')
    .executeTakeFirstOrThrow();
  if (row.rate_count > EVENTS_PER_MINUTE) {
    const retryAfter = Math.max(1, Math.ceil((window.getTime() + 60_000 - now.getTime()) / 1000));
    throw Object.assign(new AppError('RATE_LIMITED', `A device may post ${EVENTS_PER_MINUTE} events a minute; wait ${retryAfter} s.`), { retryAfter });
  }
}

export interface EventInput {
  id?: string;
  type: string;
  severity: Severity;
  reading?: number;
  unit?: string;
  occurred_at?: string;
}

export const eventBody = {
  type: 'object',
  required: ['type', 'severity'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', format: 'uuid', description: "The device's own id for the event: posting it again records nothing new." },
    type: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{0,59}$', description: 'What happened, e.g. cell-voltage-low.' },
    severity: { type: 'string', enum: ['info', 'warning', 'alert'], description: 'An alert mails every contact of the service.' },
    reading: { type: 'number', description: 'The measured value, if any.' },
    unit: { type: 'string', pattern: '^[A-Za-z0-9%°/._-]{1,16}$' },
    occurred_at: { type: 'string', format: 'date-time', description: 'When it happened (default: when received).' },
  },
} as const;

export const eventAccepted = {
  type: 'object',
  required: ['id', 'received_at', 'alerted'],
  additionalProperties: false,
  properties: { id: { type: 'string', format: 'uuid' }, received_at: { type: 'string', format: 'date-time' }, alerted: { type: 'integer', description: 'Contacts mailed about this event.' } },
} as const;

/** Records the event and, for an alert, queues one mail to each current contact; a repeated id changes nothing. */
export async function ingest(kernel: PrivacyKernel, db: Db, device: Device, input: EventInput, publicUrl: string, now: Date): Promise<{ id: string; received_at: string; alerted: number }> {
  const occurred = input.occurred_at ? new Date(input.occurred_at) : now;
  if (occurred.getTime() > now.getTime() + FUTURE_SLACK_MS) throw validationError('body.occurred_at', 'is in the future');
  const id = input.id?.toLowerCase() ?? randomUUID();
  const inserted = await servicesDb(db)
    .insertInto('services_events')
    .values({ id, device_id: device.id, type: input.type, severity: input.severity, reading: input.reading ?? null, unit: input.unit ?? null, occurred_at: occurred, received_at: now })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) {
    const first = await servicesDb(db).selectFrom('services_events').select(['device_id', 'received_at']).where('id', '=', id).executeTakeFirstOrThrow();
    if (first.device_id !== device.id) throw new AppError('CONFLICT', 'This event id was used by another device.', [{ field: 'body.id', message: 'is taken' }]);
    return { id, received_at: new Date(first.received_at).toISOString(), alerted: 0 };
  }
  let alerted = 0;
  if (input.severity === 'alert') {
    const contacts = await servicesDb(db)
      .selectFrom('services_contacts')
      .select(['id', 'contact_subject'])
      .where('registration_id', '=', device.registration_id)
      .where('contact_subject', 'is not', null)
      .orderBy('id')
      .execute();
    const reading = input.reading === undefined ? '' : `${input.reading}${input.unit ? ` ${input.unit}` : ''}`;
    for (const c of contacts) {
      await queueMail(
        db,
        {
          subject: c.contact_subject!,
          purpose: MONITORING,
          template: alertMail,
          params: {
            reference: referenceOf(device.registration_id),
            equipment: equipmentOf(device),
            eventType: input.type,
            reading,
            occurredAt: `${occurred.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
            leave: leaveUrl(kernel, publicUrl, c.id),
          },
          idempotencyKey: `services.alert:${id}:${c.id}`,
        },
        { kernel },
      );
      alerted++;
    }
  }
  return { id, received_at: now.toISOString(), alerted };
}
