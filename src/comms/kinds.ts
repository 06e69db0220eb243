// Kinds of message and the rules each kind must meet at send time. Today there is one kind:
// transactional mail, which the shop sends because of something the person did or bought (a
// password reset, an order's status). Marketing mail arrives with campaigns and will add a kind
// here, and this is its seam:
//   - its purpose must be a consent or opt-out purpose that contacts people (`communication`);
//     the kernel's read of the address under that purpose already refuses a missing consent, a
//     withdrawal or an opted-out person at send time (suppressed, never retried);
//   - it adds `List-Unsubscribe` (an opaque one-click URL) and
//     `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058), and an unsubscribe link
//     at the bottom of the body (P004-13).
// The outbox table already admits 'marketing' so that step needs no migration.
import type { Purpose } from '../privacy/index.ts';

export type MailKind = 'transactional';
export const mailKinds: readonly MailKind[] = ['transactional'];

export interface KindRules {
  /** Why a message of this kind may not be sent under `purpose`, or null when it may. */
  purposeProblem(purpose: Purpose): string | null;
  /** Headers every message of this kind carries. */
  headers(): Record<string, string>;
}

export const kindRules: Record<MailKind, KindRules> = {
  transactional: {
    purposeProblem(purpose) {
      // Mail under such a purpose is marketing and must carry an unsubscribe link; sending it as
      // "transactional" would be a way around that.
      if (purpose.communication || purpose.dataUse.startsWith('marketing.')) {
        return `transactional mail may not be sent under ${purpose.id}, which contacts people on the shop's own initiative`;
      }
      return null;
    },
    // RFC 3834: tells auto-responders (out-of-office) not to answer.
    headers: () => ({ 'Auto-Submitted': 'auto-generated' }),
  },
};
