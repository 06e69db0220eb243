// Test helpers: a cookie-keeping form client over app.inject that submits forms as a browser
// would (with the page's CSRF token), and the account mail queued in the comms outbox.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import { sealContext } from '../comms/index.ts';
import type { PrivacyKernel } from '../privacy/index.ts';
import type { UserRow } from './tables.ts';

export class FormClient {
  readonly cookies = new Map<string, string>();
  /** Every Set-Cookie header this client received. */
  readonly setCookies: string[] = [];
  csrf = '';
  /** A staff client's TOTP secret, once set up. */
  totpSecret = '';
  recoveryCodes: string[] = [];
  readonly app: FastifyInstance;
  readonly ip: string;

  constructor(app: FastifyInstance, ip = '127.0.0.1') {
    this.app = app;
    this.ip = ip;
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(res: LightMyRequestResponse): LightMyRequestResponse {
    const raw = res.headers['set-cookie'];
    for (const header of raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]) {
      this.setCookies.push(header);
      const [pair = ''] = header.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(header) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(res.body);
    if (token) this.csrf = token[1]!;
    return res;
  }

  /** A page as a browser asks for it; `headers` adds some (a browser's privacy signals, say). */
  async get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    return this.keep(await this.app.inject({ method: 'GET', url, remoteAddress: this.ip, headers: { accept: 'text/html', ...headers, cookie: this.cookieHeader() } }));
  }

  /** Posts a form the way a browser does, with the CSRF token of the last page (unless `_csrf` is given). */
  async post(url: string, form: Record<string, string>): Promise<LightMyRequestResponse> {
    const body = new URLSearchParams({ _csrf: this.csrf, ...form }).toString();
    return this.keep(
      await this.app.inject({
        method: 'POST',
        url,
        remoteAddress: this.ip,
        headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', cookie: this.cookieHeader() },
        payload: body,
      }),
    );
  }

  async json(method: 'GET' | 'POST', url: string, body?: unknown): Promise<LightMyRequestResponse> {
    return this.keep(
      await this.app.inject({
        method,
        url,
        remoteAddress: this.ip,
        headers: { cookie: this.cookieHeader(), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
      }),
    );
  }
}

export interface QueuedMail {
  template: string;
  subject_id: string;
  address_ref: string;
  params: Record<string, string>;
}

/**
 * Account mail in the outbox, oldest first (the outbox holds no address: the kernel gives it at
 * send time). Links with one-time tokens are sealed in the outbox; with the shop's kernel they are
 * opened into `params`, as the send job does.
 */
export async function queuedMail(db: Db, template?: string, kernel?: Pick<PrivacyKernel, 'openSecret'>): Promise<QueuedMail[]> {
  const { rows } = await sql<QueuedMail & { id: string; sealed_params: Buffer | null }>`
    select id, template, subject_id, address_ref, params, sealed_params from comms_outbox
    where template like 'accounts.%' ${template ? sql`and template = ${template}` : sql``}
    order by created_at, id`.execute(db);
  const mails: QueuedMail[] = [];
  for (const { id, sealed_params, ...mail } of rows) {
    if (kernel && sealed_params) {
      const secrets = JSON.parse(await kernel.openSecret(db, { subject: mail.subject_id, context: sealContext(id), sealed: Buffer.from(sealed_params) })) as Record<string, string>;
      mail.params = { ...mail.params, ...secrets };
    }
    mails.push(mail);
  }
  return mails;
}

export async function lastLink(db: Db, template: string, kernel: Pick<PrivacyKernel, 'openSecret'>): Promise<string> {
  const mails = await queuedMail(db, template, kernel);
  const link = mails.at(-1)?.params.link;
  if (!link) throw new Error(`no ${template} mail with a link was queued`);
  const url = new URL(link);
  return `${url.pathname}${url.search}`;
}

export const customer = {
  name: 'Philippa Quarrington',
  email: 'philippa.quarrington@example.com',
  password: 'correct-horse-77-staple',
};

/** Signs a customer up through the pages and confirms the mailed link; the client ends signed in. */
export async function signUpAndConfirm(client: FormClient, db: Db, who: { name: string; email: string; password: string } = customer): Promise<void> {
  await client.get('/account/signup');
  const res = await client.post('/account/signup', { name: who.name, email: who.email, password: who.password, age: 'adult' });
  if (res.statusCode !== 200) throw new Error(`sign-up answered ${res.statusCode}: ${res.body.slice(0, 500)}`);
  const page = await client.get(await lastLink(db, 'accounts.confirm-signup', client.app.privacy));
  const confirm = await client.post('/account/confirm', { token: /name="token" value="([^"]+)"/.exec(page.body)?.[1] ?? '' });
  if (confirm.statusCode !== 303) throw new Error(`confirmation answered ${confirm.statusCode}: ${confirm.body.slice(0, 500)}`);
}

/** Creates a staff member (as the system) and sets their password through the invitation link; returns a client signed in over the JSON API. */
export async function staffClient(app: FastifyInstance, db: Db, who: { name: string; email: string; role: string; password: string }, ip = '127.0.0.1'): Promise<FormClient> {
  const { createStaff } = await import('./staff.ts');
  const { completeReset } = await import('./customers.ts');
  const { testActor } = await import('../privacy/testing.ts');
  const { link } = await db.transaction().execute((trx) => createStaff(app.accounts.deps, trx, { name: who.name, email: who.email, role: who.role, actor: testActor('test.staff') }));
  const token = new URL(link).searchParams.get('token')!;
  await db.transaction().execute((trx) => completeReset(app.accounts.deps, trx, { token, password: who.password }));
  const client = new FormClient(app, ip);
  const res = await client.json('POST', '/api/staff/login', { email: who.email, password: who.password });
  if (res.statusCode !== 200) throw new Error(`staff sign-in answered ${res.statusCode}: ${res.body}`);
  const { totpCode, stepAt } = await import('./totp.ts');
  const { secret } = (await client.json('GET', '/api/staff/2fa/enrol')).json() as { secret: string };
  const enrolled = await client.json('POST', '/api/staff/2fa/enrol', { code: totpCode(secret, stepAt(new Date())) });
  if (enrolled.statusCode !== 200) throw new Error(`second-factor set-up answered ${enrolled.statusCode}: ${enrolled.body}`);
  client.totpSecret = secret;
  client.recoveryCodes = (enrolled.json() as { recovery_codes: string[] }).recovery_codes;
  return client;
}

/** Makes a personal API token through the console page (with a fresh second-factor code) for a signed-in staff client; returns its Bearer headers. */
export async function personalToken(client: FormClient, role: string, days = '30'): Promise<{ authorization: string }> {
  const { totpCode, stepAt } = await import('./totp.ts');
  await client.get('/staff/api-tokens');
  const res = await client.post('/staff/api-tokens', { role, days, code: totpCode(client.totpSecret, stepAt(new Date()) + 1) });
  const token = /id="new-token">(cst_[A-Za-z0-9_-]+)</.exec(res.body)?.[1];
  if (res.statusCode !== 201 || !token) throw new Error(`making a token answered ${res.statusCode}: ${res.body.slice(0, 500)}`);
  return { authorization: `Bearer ${token}` };
}

/** A staff member of `role` signed in, with a personal API token in the same role; the Bearer headers. */
export async function staffTokenHeaders(app: FastifyInstance, db: Db, role: string, email = `${role}-${Math.random().toString(36).slice(2, 8)}@shop.example`): Promise<{ authorization: string }> {
  const client = await staffClient(app, db, { name: `Token ${role}`, email, role, password: 'granite-heron-58-waits-patiently' });
  return personalToken(client, role);
}

/** An active staff member who set a password but never set up the second factor (the security self-check's test); their user row. */
export async function staffWithoutSecondFactor(app: FastifyInstance, db: Db, who: { name: string; email: string; role: string; password: string }): Promise<UserRow> {
  const { createStaff } = await import('./staff.ts');
  const { completeReset } = await import('./customers.ts');
  const { userById } = await import('./users.ts');
  const { testActor } = await import('../privacy/testing.ts');
  const { user, link } = await db.transaction().execute((trx) => createStaff(app.accounts.deps, trx, { name: who.name, email: who.email, role: who.role, actor: testActor('test.staff') }));
  await db.transaction().execute((trx) => completeReset(app.accounts.deps, trx, { token: new URL(link).searchParams.get('token')!, password: who.password }));
  return (await userById(db, user.id))!;
}
export { recentSecurityEvents } from './security-events.ts';
