// Staff are told of intrusion signals by mail (P002-19): a lockout of an address or a network,
// rate-limit hits, or a staff read outside a role mail every active owner and DPO, at most once per kind per 15 minutes (the outbox's
// idempotency key), so an attack does not become a flood of mail. The mail says what happened and
// when, never which address or network.
import type { Db } from '../platform/db/database.ts';
import type { AccountsDeps } from './customers.ts';
import type { SecurityEventKind, UserRow } from './tables.ts';
import { activeStaffOf } from './users.ts';

const ALERT_WINDOW_MS = 15 * 60_000;

const descriptions: Partial<Record<SecurityEventKind, string>> = {
  'login-locked': 'An email address was locked out after repeated failed sign-ins.',
  'source-locked': 'A network was locked out after repeated failed sign-ins from it.',
  'rate-limited': 'Requests were refused because a client went over the rate limit.',
  'read-outside-role': 'A staff member tried to read customer data outside what their role allows.',
  'new-network': 'A staff member signed in from a network they had not used before.',
};

export async function alertStaff(deps: AccountsDeps, db: Db, kind: SecurityEventKind, at: Date): Promise<number> {
  const event = descriptions[kind];
  if (!event) return 0;
  const rows = await activeStaffOf(db, ['owner', 'dpo']);
  const bucket = Math.floor(at.getTime() / ALERT_WINDOW_MS);
  for (const staff of rows) {
    await deps.mail(db, {
      template: 'accounts.security-alert',
      subject: staff.subject_id,
      addressRef: '',
      params: { event, at: at.toISOString(), console: `${deps.publicUrl}/staff` },
      idempotencyKey: `accounts.security-alert:${kind}:${bucket}:${staff.id}`,
    });
  }
  return rows.length;
}

/**
 * A sign-in from a network the user had not used before: a staff member's alerts the owners and
 * DPOs; a customer or vendor user is told themself (they know whether it was them).
 */
export async function noticeNewNetwork(deps: AccountsDeps, db: Db, user: UserRow, at: Date): Promise<void> {
  if (user.kind === 'staff') {
    await alertStaff(deps, db, 'new-network', at);
    return;
  }
  await deps.mail(db, {
    template: 'accounts.new-network',
    subject: user.subject_id,
    addressRef: '',
    params: {
      at: at.toISOString(),
      advice:
        user.kind === 'customer'
          ? `If it was not you, choose a new password now; that signs out every session: ${deps.publicUrl}/account/reset`
          : 'If it was not you, tell the shop at once: they will block the sign-in and send you a new invitation.',
    },
  });
}
