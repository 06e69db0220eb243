// Mail that anyone can make the shop send to any address (a reset link, a sign-up confirmation or
// note, the set-password link of a guest checkout) is throttled per address and per source
// network, with the lockout's counters (throttle.ts) under their own keys. A refused mail changes
// nothing in the answer: the requester is told "check your inbox" either way (decision 0029).
import { createHmac } from 'node:crypto';
import type { Db } from '../platform/db/database.ts';
import type { AccountsDeps } from './customers.ts';
import type { AccountMailer } from './mail.ts';
import { recordSecurityEvent } from './security-events.ts';
import { defaultThrottle, networkOf, normaliseEmail, reserveAttempt, type ThrottleKeys } from './throttle.ts';

/** Per window of the lockout (15 minutes by default): mails to one address, and from one network. */
export const MAIL_PER_ADDRESS = 5;
export const MAIL_PER_SOURCE = 20;
const UNLIMITED = 2_000_000_000;

export function mailThrottleKeys(secret: Buffer, email: string, ip: string): ThrottleKeys {
  const mac = (label: string, value: string) => createHmac('sha256', secret).update(`${label}\0${value}`).digest();
  return { account: mac('mail-address', normaliseEmail(email)), source: mac('mail-source', networkOf(ip)) };
}

/**
 * Takes one mail from the address's and the source's allowance; false when either is spent. `ip`
 * is the requester's; without one (a CLI or a bench, not a web request) only the address counts.
 */
export async function mayMail(deps: AccountsDeps, db: Db, email: string, ip: string | undefined): Promise<boolean> {
  const now = deps.now();
  const policy = { ...(deps.throttle ?? defaultThrottle), accountFailures: MAIL_PER_ADDRESS, sourceFailures: ip === undefined ? UNLIMITED : MAIL_PER_SOURCE };
  const reserved = await reserveAttempt(db, mailThrottleKeys(deps.throttleSecret, email, ip ?? 'local'), now, policy);
  if (!reserved.granted) await recordSecurityEvent(db, { kind: 'rate-limited', at: now, detail: { mail: true, address: reserved.account, source: reserved.source } });
  return reserved.granted;
}

const silent: AccountMailer = async () => {};

/** `deps` whose mailer sends only when the allowance has room (otherwise it sends nothing). */
export async function throttledMail(deps: AccountsDeps, db: Db, email: string, ip: string | undefined): Promise<AccountsDeps> {
  return (await mayMail(deps, db, email, ip)) ? deps : { ...deps, mail: silent };
}
