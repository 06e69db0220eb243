// The one way any module sends mail: `queueMail` inside the module's own transaction. It writes an
// outbox row and a `comms.send` job that commit or roll back with the business change. The row
// names the recipient only by subject id, purpose and address ref; the address (and any name)
// is read through the privacy kernel when the job sends, so an erasure or refusal that happens
// in between stops the mail (decision 0013).
import { randomUUID } from 'node:crypto';
import { tablesOf, type Db } from '../platform/db/database.ts';
import { writeWithJobOnce } from '../platform/jobs/index.ts';
import { mailKinds, type MailKind } from './kinds.ts';
import type { CommsTables, TemplateParams } from './tables.ts';
import { checkTemplate, isParamName, type MailTemplate } from './templates.ts';
import type { PrivacyKernel } from '../privacy/index.ts';

export { mailTemplatesOf, type MailTemplate, type MailTemplates, type RenderedMail, type TemplateInput } from './templates.ts';
export type { MailKind } from './kinds.ts';

export const SEND_JOB = 'comms.send';
/** Temporary transport failures are retried with the job queue's backoff, up to this many tries in all. */
export const SEND_MAX_ATTEMPTS = 10;

/** What seals a template's secret parameters: the privacy kernel (`app.privacy`, `jobKernel(ctx)`). */
export type SecretSealer = Pick<PrivacyKernel, 'sealSecret'>;

/** Where a message's sealed parameters are bound to: they open only for this row. */
export const sealContext = (outboxId: string) => `comms_outbox:${outboxId}`;

export interface MailRequest {
  /** The data subject (privacy kernel subject id) the mail goes to. */
  subject: string;
  /** Data-map purpose under which the kernel is asked for the address at send time, e.g. 'account', 'order-status'. */
  purpose: string;
  /** The template, which the calling module declares as its Module's `mailTemplates`; the row keeps its name, and the send job renders with the template of that name. */
  template: MailTemplate;
  /** Template parameters. Non-personal values only (ids, amounts, links); those the template declares secret are sealed. */
  params?: TemplateParams;
  /** Which stored address: kernel item ref (default '' = the person's current email). An email-change confirmation goes to the pending new address stored under another ref. */
  addressRef?: string;
  /** Categories of the subject's data the template may use (read through the kernel at send time), e.g. ['user.name']. Default: the template's own list. */
  personal?: string[];
  /** The kernel item ref `personal` is read under (default '' = the person's current values), e.g. `order:<id>`. */
  personalRef?: string;
  kind?: MailKind;
  /** A second request with the same key queues nothing and returns the first message's id. */
  idempotencyKey?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PURPOSE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const CATEGORY = /^[a-z_]+(?:\.[a-z_]+)*$/;
const EMAIL = /[^\s@<>]+@[^\s@<>]+\.[A-Za-z]{2,}/;
const MAX_PARAM_LENGTH = 4000;

/** A mistake in the calling code (not in anybody's input): it fails the caller's transaction. */
function misuse(problem: string): Error {
  return new Error(`queueMail: ${problem}`);
}

interface CheckedRequest {
  kind: MailKind;
  template: string;
  subject: string;
  purpose: string;
  addressRef: string;
  personal: string[];
  personalRef: string;
  params: TemplateParams;
  /** The template's secret parameters, to be sealed (empty: none). */
  secrets: Record<string, string>;
  idempotencyKey: string | null;
}

function check(request: MailRequest): CheckedRequest {
  const template = request.template;
  checkTemplate(template);
  if (!UUID.test(request.subject)) throw misuse('subject must be a privacy kernel subject id');
  if (request.purpose.length > 100 || !PURPOSE.test(request.purpose)) throw misuse(`"${request.purpose}" is not a purpose id`);

  const kind = request.kind ?? template.kind ?? 'transactional';
  if (!mailKinds.includes(kind)) throw misuse(`kind must be one of ${mailKinds.join(', ')}`);
  if (kind !== (template.kind ?? 'transactional')) throw misuse(`template ${template.name} is not for ${kind} mail`);

  const addressRef = request.addressRef ?? '';
  if (addressRef.length > 200 || addressRef.includes('\0')) throw misuse('addressRef must be at most 200 characters');

  const personalRef = request.personalRef ?? '';
  if (personalRef.length > 200 || personalRef.includes('\0')) throw misuse('personalRef must be at most 200 characters');
  const personal = [...new Set(request.personal ?? template.personal ?? [])];
  if (personal.length > 20 || personal.some((c) => c.length > 100 || !CATEGORY.test(c))) throw misuse('personal must list data category keys such as user.name');
  const missing = (template.personal ?? []).filter((c) => !personal.includes(c));
  if (missing.length) throw misuse(`template ${template.name} reads ${missing.join(', ')}, which personal does not name`);

  const params = request.params ?? {};
  if (params === null || typeof params !== 'object' || Array.isArray(params)) throw misuse('params must be an object');
  for (const [name, value] of Object.entries(params)) {
    if (!isParamName(name)) throw misuse(`parameter name "${name}" must be a letter then letters, digits or _`);
    if (typeof value === 'number' ? !Number.isFinite(value) : typeof value !== 'string' && typeof value !== 'boolean') {
      throw misuse(`parameter ${name} must be text, a finite number or true/false`);
    }
    if (typeof value === 'string' && value.length > MAX_PARAM_LENGTH) throw misuse(`parameter ${name} is longer than ${MAX_PARAM_LENGTH} characters`);
    // The outbox holds no personal data: addresses are read through the kernel at send time.
    if (typeof value === 'string' && EMAIL.test(value)) throw misuse(`parameter ${name} holds an email address; name the recipient by subject and addressRef instead`);
  }
  if (template.params) {
    const expected = new Set(template.params);
    const absent = template.params.filter((p) => !Object.hasOwn(params, p));
    const extra = Object.keys(params).filter((p) => !expected.has(p));
    if (absent.length) throw misuse(`template ${template.name} needs parameter ${absent.join(', ')}`);
    if (extra.length) throw misuse(`template ${template.name} takes no parameter ${extra.join(', ')}`);
  }

  const idempotencyKey = request.idempotencyKey ?? null;
  if (idempotencyKey !== null && (idempotencyKey.length === 0 || idempotencyKey.length > 200)) throw misuse('idempotencyKey must be 1-200 characters');
  const plain: TemplateParams = {};
  const secrets: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    if (template.secretParams?.includes(name)) secrets[name] = String(value);
    else plain[name] = value;
  }
  return { kind, template: template.name, subject: request.subject.toLowerCase(), purpose: request.purpose, addressRef, personal, personalRef, params: plain, secrets, idempotencyKey };
}

/** A checked request as the outbox stores it: its plain parameters as JSON, its secrets sealed. */
type OutboxRow = Omit<CheckedRequest, 'params' | 'secrets'> & { id: string; params: string; sealed: Buffer | null };

// Every mail's statement, built once (compiled-once.ts).
const queueStatement = writeWithJobOnce(
  ['id', 'kind', 'template', 'subject', 'purpose', 'addressRef', 'personal', 'personalRef', 'params', 'sealed', 'idempotencyKey'],
  (db, p: OutboxRow) =>
    tablesOf<CommsTables>(db)
      .insertInto('comms_outbox')
      .values({
        id: p.id,
        kind: p.kind,
        template: p.template,
        subject_id: p.subject,
        purpose: p.purpose,
        address_ref: p.addressRef,
        personal: p.personal,
        personal_ref: p.personalRef,
        params: p.params,
        sealed_params: p.sealed,
        idempotency_key: p.idempotencyKey,
        suppressed_reason: null,
        last_error: null,
        transport_message_id: null,
        sent_at: null,
        finished_at: null,
        lease_until: null,
        bounce_code: null,
        bounced_at: null,
      })
      .onConflict((oc) => oc.column('idempotency_key').where('idempotency_key', 'is not', null).doNothing())
      .returning('id'),
  SEND_JOB,
  { maxAttempts: SEND_MAX_ATTEMPTS },
);

/**
 * Queues one mail and its send job on `db` (pass your transaction). Returns the outbox message id;
 * with an `idempotencyKey` already used, returns that message's id and queues nothing. A template
 * with secret parameters needs `options.kernel` to seal them.
 */
export async function queueMail(db: Db, request: MailRequest, options: { kernel?: SecretSealer } = {}): Promise<string> {
  const mail = check(request);
  const hasSecrets = Object.keys(mail.secrets).length > 0;
  if (hasSecrets && !options.kernel) throw misuse(`template ${mail.template} has secret parameters (${Object.keys(mail.secrets).join(', ')}); pass the kernel to seal them`);
  const run = async (trx: Db): Promise<string> => {
    const t = tablesOf<CommsTables>(trx);
    const id = randomUUID();
    const sealed = hasSecrets ? await options.kernel!.sealSecret(trx, { subject: mail.subject, context: sealContext(id), value: JSON.stringify(mail.secrets) }) : null;
    const row = {
      id,
      kind: mail.kind,
      template: mail.template,
      subject: mail.subject,
      purpose: mail.purpose,
      addressRef: mail.addressRef,
      personal: mail.personal,
      personalRef: mail.personalRef,
      params: JSON.stringify(mail.params),
      sealed,
      idempotencyKey: mail.idempotencyKey,
    };
    // The message and its send job in one statement; a key already used inserts neither.
    const [inserted] = await queueStatement(trx, row, { messageId: id }, `${SEND_JOB}:${id}`);
    if (inserted) return inserted.id;
    const first = await t.selectFrom('comms_outbox').select(['id', 'template', 'subject_id', 'purpose', 'address_ref']).where('idempotency_key', '=', mail.idempotencyKey).executeTakeFirstOrThrow();
    if (first.template !== mail.template || first.subject_id !== mail.subject || first.purpose !== mail.purpose || first.address_ref !== mail.addressRef) {
      throw misuse('this idempotencyKey was already used for a different mail');
    }
    return first.id;
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}
