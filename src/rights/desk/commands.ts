// The requests desk (P000-12, P003-25): staff enter a request that came by email, phone or post;
// the person proves it is theirs by the link mailed to the address the shop holds (or staff record
// other evidence); then staff carry it out. Staff notes are kernel items of the person, never a
// plain column. Who may: the privacy officer and support (the roles with the data-rights purpose).
import { usersOfSubjects } from '../../accounts/index.ts';
import type { Db } from '../../platform/db/database.ts';
import { AppError, checkFields, validationError } from '../../platform/errors.ts';
import type { Actor, StaffRole, ConsentChannel } from '../../privacy/index.ts';
import { choicesOf } from '../centre/pages.ts';
import { deactivate } from '../deactivation.ts';
import type { RightsDeps } from '../deps.ts';
import { beginDeletion } from '../erasure.ts';
import { issueLink } from '../links.ts';
import { queueRightsMail, RIGHTS_PURPOSE } from '../mail.ts';
import { addEvent, assertOpen, closeRequest, createRequest, eventsOf, kindLabels, type RightsRequest } from '../requests.ts';
import type { RequestChannel, RequestKind } from '../tables.ts';

export const DESK_ROLES: readonly StaffRole[] = ['dpo', 'support'];
const EMAIL = 'user.contact.email';
const NOTE = 'user.content.private';
const NOTE_MAX = 2000;

export interface StaffMember {
  id: string;
  role: StaffRole;
  /** Minted by accounts when the member signed in. */
  actor: Actor;
}

const actorOf = (staff: StaffMember): Actor => staff.actor;
const day = (d: Date | string) => new Date(d).toISOString().slice(0, 10);

function checkNote(note: string | undefined): string | null {
  const text = (note ?? '').trim();
  if (text === '') return null;
  if (text.length > NOTE_MAX) throw validationError('note', `must be at most ${NOTE_MAX} characters`);
  if (/[\u0000\u0001-\u0008]/.test(text)) throw validationError('note', 'must not hold control characters');
  return text;
}

/** A note on a request, kept as an item of the person it concerns (purpose data-rights). */
export async function addNote(deps: RightsDeps, db: Db, request: RightsRequest, note: string, actor: Actor): Promise<void> {
  const text = checkNote(note);
  if (!text) throw validationError('note', 'is empty');
  if (!request.subject_id) throw new AppError('CONFLICT', `Request ${request.number} concerns nobody the shop holds data about, so it keeps no notes.`);
  const n = (await eventsOf(db, request.id)).filter((e) => e.event === 'note').length + 1;
  const ref = `rights:${request.id}:note:${n}`;
  await deps.kernel.write(db, { subject: request.subject_id, actor, purpose: RIGHTS_PURPOSE, ref, values: { [NOTE]: text } });
  await addEvent(db, request.id, 'note', actor, { ref }, deps.now());
}

/** The notes of a request, read through the kernel by the staff member (audited). */
export async function notesOf(deps: RightsDeps, db: Db, request: RightsRequest, actor: Actor): Promise<{ at: Date; text: string }[]> {
  if (!request.subject_id) return [];
  const notes: { at: Date; text: string }[] = [];
  for (const event of (await eventsOf(db, request.id)).filter((e) => e.event === 'note')) {
    const ref = String(event.detail.ref ?? '');
    const record = await deps.kernel.read(db, { subject: request.subject_id, actor, purpose: RIGHTS_PURPOSE, categories: [NOTE], ref });
    const value = record.values[NOTE];
    if (typeof value === 'string') notes.push({ at: new Date(event.at), text: value });
  }
  return notes;
}

/** Mails the person the link that proves the request is theirs, to the address the shop holds. */
export async function mailVerification(deps: RightsDeps, db: Db, request: RightsRequest, actor: Actor): Promise<void> {
  if (!request.subject_id || request.status !== 'unverified') throw new AppError('CONFLICT', `Request ${request.number} needs no confirmation.`);
  const { token } = await issueLink(db, request.id, 'verify', deps.now());
  await queueRightsMail(db, {
    template: 'rights.verify-request',
    subject: request.subject_id,
    params: { number: request.number, kind: kindLabels[request.kind].toLowerCase(), link: `${deps.config.publicUrl}/privacy/requests/confirm?token=${token}`, due: day(request.due_at) },
    kernel: deps.kernel,
  });
  await addEvent(db, request.id, 'confirmation-mailed', actor, {}, deps.now());
}

export interface EnteredRequest {
  request: RightsRequest;
  /** False: nobody with that email is known; the request is closed as "nothing held". */
  matched: boolean;
}

/** A new request's note, email and channel, every failure at once. */
export function checkRequestFields(input: { email: string; channel: string; note?: string }): { note: string | null; email: string } {
  let note: string | null = null;
  const email = input.email.trim();
  checkFields([
    () => (note = checkNote(input.note)),
    () => {
      if (email.length < 3 || email.length > 254 || !email.includes('@')) throw validationError('email', 'must be the email address of the person the request is about');
    },
    () => {
      if (input.channel === 'web') throw validationError('channel', 'a request from the website is made in the privacy centre');
    },
  ]);
  return { note, email };
}

/** A request received by email, phone or post about the person with this email address. */
export async function enterRequest(deps: RightsDeps, db: Db, input: { kind: RequestKind; email: string; channel: RequestChannel; note?: string; staff: StaffMember }): Promise<EnteredRequest> {
  const actor = actorOf(input.staff);
  const { note, email } = checkRequestFields(input);
  const subjects = await deps.kernel.findSubjects(db, { category: EMAIL, value: email, actor, purpose: RIGHTS_PURPOSE });
  // The account is the person's main record; a correspondent without an account comes next.
  const subject = (await usersOfSubjects(db, subjects, 'customer'))[0]?.subject_id ?? subjects[0] ?? null;
  if (!subject) {
    const request = await createRequest(deps, db, { kind: input.kind, subject: null, source: 'staff', channel: input.channel, status: 'open', actor, enteredBy: input.staff.id });
    await closeRequest(deps, db, request.id, 'completed', 'nothing-held', actor);
    return { request: { ...request, status: 'completed', outcome: 'nothing-held' }, matched: false };
  }
  const request = await createRequest(deps, db, { kind: input.kind, subject, source: 'staff', channel: input.channel, status: 'unverified', actor, enteredBy: input.staff.id });
  if (note) await addNote(deps, db, request, note, actor);
  await mailVerification(deps, db, request, actor);
  return { request, matched: true };
}

const consentChannel: Record<RequestChannel, ConsentChannel> = { web: 'web', email: 'email', phone: 'phone', post: 'paper', 'in-person': 'in-person' };

/** Carries out a verified request of kind access, deletion, deactivation or opt-out (a correction is done item by item, then closed). */
export async function carryOut(deps: RightsDeps, db: Db, request: RightsRequest, staff: StaffMember): Promise<string> {
  assertOpen(request);
  if (request.status !== 'open' || !request.subject_id) throw new AppError('CONFLICT', `Request ${request.number} is not verified yet.`);
  const subject = request.subject_id;
  const actor = actorOf(staff);
  switch (request.kind) {
    case 'access': {
      const { token, expires } = await issueLink(db, request.id, 'download', deps.now());
      await queueRightsMail(db, {
        template: 'rights.export-ready',
        subject,
        params: { number: request.number, link: `${deps.config.publicUrl}/privacy/your-data?token=${token}`, expires: day(expires) },
        kernel: deps.kernel,
      });
      await addEvent(db, request.id, 'copy-mailed', actor, {}, deps.now());
      await closeRequest(deps, db, request.id, 'completed', 'done', actor);
      return 'The person is mailed a link to everything held about them (valid 7 days).';
    }
    case 'deletion':
      await beginDeletion(deps, db, { subject, actor, source: 'staff', channel: request.channel, request });
      return 'The deletion is under way: the account is closed now; a receipt goes to the person, then everything is erased.';
    case 'deactivation':
      await deactivate(deps, db, { subject, actor, source: 'staff', channel: request.channel, request });
      return 'The account is deactivated.';
    case 'opt-out': {
      for (const choice of choicesOf(deps.kernel.map, [])) {
        await deps.kernel.recordConsent(db, { subject, purpose: choice.purpose, action: 'withdraw', channel: consentChannel[request.channel], actor, evidence: `request ${request.number}` });
      }
      await addEvent(db, request.id, 'opted-out', actor, {}, deps.now());
      await closeRequest(deps, db, request.id, 'completed', 'done', actor);
      return 'Every offer, newsletter and other optional use is turned off for the person, recorded with the channel of the request.';
    }
    case 'correction':
      throw new AppError('CONFLICT', 'A correction is made item by item on the person’s data page, then marked done.');
  }
}
