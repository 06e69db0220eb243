// Who a queued message goes to, asked of the privacy kernel at send time: the address stored
// under the message's address ref and the categories its template may use, each read under the
// message's purpose by the system actor `comms.send`. A refusal (erased, consent withdrawn,
// opted out, purpose not for this person) is an answer, not an error: the message is suppressed.
import type { Db } from '../platform/db/database.ts';
import { isAppError } from '../platform/errors.ts';
import { systemActor, type PrivacyKernel, PrivacyRefusal, SubjectErased, type PersonalValue } from '../privacy/index.ts';
import type { OutboxMessage } from './outbox-rows.ts';

export const SEND_ACTOR = systemActor('comms.send');
const EMAIL = 'user.contact.email';
const NAME = 'user.name';

export type Recipient = { ok: true; address: string; name: string; personal: Record<string, PersonalValue | undefined> } | { ok: false; reason: string };

async function refusalOf(read: () => Promise<void>): Promise<string | null> {
  try {
    await read();
    return null;
  } catch (err) {
    if (err instanceof PrivacyRefusal) return err.reason;
    if (err instanceof SubjectErased) return 'erased';
    if (isAppError(err) && err.code === 'NOT_FOUND') return 'unknown-subject';
    throw err;
  }
}

export async function readRecipient(kernel: PrivacyKernel, db: Db, message: OutboxMessage): Promise<Recipient> {
  const base = { subject: message.subject_id, actor: SEND_ACTOR, purpose: message.purpose };
  let address: PersonalValue | undefined;
  let personal: Record<string, PersonalValue | undefined> = {};
  const addressRefused = await refusalOf(async () => {
    address = (await kernel.read(db, { ...base, categories: [EMAIL], ref: message.address_ref })).values[EMAIL];
  });
  if (addressRefused) return { ok: false, reason: addressRefused };
  if (message.personal.length > 0) {
    const personalRefused = await refusalOf(async () => {
      personal = (await kernel.read(db, { ...base, categories: message.personal, ref: message.personal_ref })).values;
    });
    if (personalRefused) return { ok: false, reason: personalRefused };
  }
  if (typeof address !== 'string' || address.trim() === '') return { ok: false, reason: 'no-address' };
  const name = message.personal.includes(NAME) && typeof personal[NAME] === 'string' ? personal[NAME] : '';
  return { ok: true, address: address.trim(), name, personal };
}
