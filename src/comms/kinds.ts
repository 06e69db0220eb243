// Kinds of message and the rules each kind must meet at send time.
//   transactional  mail the shop sends because of something the person did or bought (a password
//                  reset, an order's status); it may not use a purpose that contacts people on the
//                  shop's own initiative, or it could reach them without an unsubscribe link.
//   marketing      campaigns, newsletters, offers (decision 0050): only under a purpose that
//                  contacts people and rests on consent or an opt-out, so a withdrawal stops it.
//                  The kernel's read of the address under that purpose refuses a missing consent, a
//                  withdrawal or an opted-out, deactivated or erased person at send time
//                  (suppressed, never retried). Every message carries `List-Unsubscribe` (an opaque
//                  one-click URL and a mailto), `List-Unsubscribe-Post: List-Unsubscribe=One-Click`
//                  (RFC 8058) and the unsubscribe link at the bottom of the body (P004-13).
import type { Purpose } from '../privacy/index.ts';
import { html, type SafeHtml } from '../web/template.ts';

export type MailKind = 'transactional' | 'marketing';
export const mailKinds: readonly MailKind[] = ['transactional', 'marketing'];

/** Where a marketing message's recipient unsubscribes: the one-click URL and the shop's mailbox. */
export interface Unsubscribe {
  url: string;
  mailto: string;
}

export interface KindRules {
  /** Why a message of this kind may not be sent under `purpose`, or null when it may. */
  purposeProblem(purpose: Purpose): string | null;
  /** Headers every message of this kind carries. */
  headers(unsubscribe: Unsubscribe | null): Record<string, string>;
  /** What the kind adds at the bottom of the text and HTML bodies. */
  footer(unsubscribe: Unsubscribe | null): { text: string; html: SafeHtml | '' };
}

const isMarketing = (purpose: Purpose) => purpose.communication || purpose.dataUse.startsWith('marketing.');

export const kindRules: Record<MailKind, KindRules> = {
  transactional: {
    purposeProblem(purpose) {
      if (isMarketing(purpose)) return `transactional mail may not be sent under ${purpose.id}, which contacts people on the shop's own initiative`;
      return null;
    },
    // RFC 3834: tells auto-responders (out-of-office) not to answer.
    headers: () => ({ 'Auto-Submitted': 'auto-generated' }),
    footer: () => ({ text: '', html: '' }),
  },
  marketing: {
    purposeProblem(purpose) {
      if (!purpose.communication) return `marketing mail needs a purpose that contacts people; ${purpose.id} does not`;
      if (purpose.legalBasis !== 'consent' && !purpose.optOut) return `marketing mail needs a purpose the person can refuse; ${purpose.id} has neither consent nor an opt-out`;
      return null;
    },
    headers(unsubscribe) {
      if (!unsubscribe) throw new Error('a marketing message needs its unsubscribe link');
      return {
        'Auto-Submitted': 'auto-generated',
        'List-Unsubscribe': `<${unsubscribe.url}>, <${unsubscribe.mailto}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        Precedence: 'bulk',
      };
    },
    footer(unsubscribe) {
      if (!unsubscribe) throw new Error('a marketing message needs its unsubscribe link');
      return {
        text: `\n\n--\nTo stop these mails, open this link (one click, no sign-in): ${unsubscribe.url}\n`,
        html: html`<p style="margin-top:32px;font-size:13px;color:#555555">To stop these mails, <a href="${unsubscribe.url}">unsubscribe</a> (one click, no sign-in).</p>`,
      };
    },
  },
};
