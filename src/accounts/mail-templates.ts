// The account mails, declared as the accounts module's `mailTemplates`. Every value a template shows is a link
// with an opaque token or the shop's own name; the recipient's address is read through the
// kernel when the mail is sent (comms decision 0013), so nothing here holds personal data.
import { type MailTemplate, type TemplateInput, paragraphTemplate, param as p } from '../comms/index.ts';
import type { AccountTemplate } from './mail.ts';

// `link` always carries a one-time token: the outbox keeps it sealed by the kernel (decision 0025).
const template = (name: AccountTemplate, params: readonly string[], subject: (i: TemplateInput) => string, lines: (i: TemplateInput) => string[]): MailTemplate =>
  paragraphTemplate(name, params, subject, lines, undefined, params.includes('link') ? ['link'] : undefined);

export const accountTemplates: MailTemplate[] = [
  template(
    'accounts.confirm-signup',
    ['link'],
    (i) => `Confirm your account at ${i.shop.name}`,
    (i) => [
      'Someone (we hope you) asked to create an account with this email address.',
      `To finish, open this link within 24 hours: ${p(i, 'link')}`,
      'If it was not you, ignore this mail: without the link no account is created.',
    ],
  ),
  template(
    'accounts.signup-existing',
    ['login', 'reset'],
    (i) => `You already have an account at ${i.shop.name}`,
    (i) => [
      'Someone (we hope you) tried to create an account with this email address, but it already has one.',
      `Sign in here: ${p(i, 'login')}`,
      `Forgot your password? Choose a new one here: ${p(i, 'reset')}`,
    ],
  ),
  template(
    'accounts.checkout-account',
    ['link', 'login'],
    (i) => `Your account at ${i.shop.name}`,
    (i) => [
      'Thank you for your order. We made an account for you with this email address, where you can follow your orders.',
      `To sign in, choose a password within 7 days: ${p(i, 'link')}`,
      `After that, sign in here: ${p(i, 'login')}`,
      'If the link has expired, ask for a new one with "Forgot your password?" on the sign-in page.',
    ],
  ),
  template(
    'accounts.checkout-existing',
    ['login', 'reset'],
    (i) => `Your order at ${i.shop.name} is in your account`,
    (i) => [
      'An order was just placed with this email address, which already has an account with us. The order is in that account.',
      `Sign in to follow it: ${p(i, 'login')}`,
      `Forgot your password? Choose a new one here: ${p(i, 'reset')}`,
      'If you did not place this order, please tell us by answering this mail.',
    ],
  ),
  template(
    'accounts.reset-password',
    ['link'],
    (i) => `Choose a new password for ${i.shop.name}`,
    (i) => [
      'Someone (we hope you) asked to reset the password of the account with this email address.',
      `Choose a new password within one hour: ${p(i, 'link')}`,
      'If it was not you, ignore this mail: your password stays as it is.',
    ],
  ),
  template(
    'accounts.confirm-email-change',
    ['link'],
    (i) => `Confirm your new sign-in email at ${i.shop.name}`,
    (i) => ['You asked to use this address to sign in to your account.', `Confirm it within 24 hours: ${p(i, 'link')}`, 'If it was not you, ignore this mail: nothing changes without the link.'],
  ),
  template(
    'accounts.email-change-notice',
    ['reset'],
    (i) => `Your sign-in email at ${i.shop.name} is being changed`,
    (i) => [
      'Someone signed in to your account asked to move it to another email address. It changes only when the new address is confirmed.',
      `If it was not you, choose a new password now: ${p(i, 'reset')}`,
    ],
  ),
  template(
    'accounts.email-in-use',
    [],
    (i) => `This address already has an account at ${i.shop.name}`,
    () => ['Someone asked to move their account to this email address, but it already has an account of its own, so nothing changed.'],
  ),
  template(
    'accounts.password-changed',
    ['reset'],
    (i) => `Your password at ${i.shop.name} was changed`,
    (i) => ['The password of your account was just changed, and every other session was signed out.', `If it was not you, choose a new password now: ${p(i, 'reset')}`],
  ),
  template(
    'accounts.staff-invitation',
    ['link', 'role'],
    (i) => `Your staff account at ${i.shop.name}`,
    (i) => [
      `An owner of the shop created a staff account for you, with the role ${p(i, 'role')}.`,
      `Choose your password within 72 hours: ${p(i, 'link')}`,
      'Staff passwords must be long and are changed regularly.',
    ],
  ),
  template(
    'accounts.security-alert',
    ['event', 'at', 'console'],
    (i) => `Security alert at ${i.shop.name}`,
    (i) => [`${p(i, 'event')} (${p(i, 'at')})`, `The security events are in the staff console: ${p(i, 'console')}`],
  ),
  template(
    'accounts.new-network',
    ['at', 'advice'],
    (i) => `New sign-in to your account at ${i.shop.name}`,
    (i) => [
      `Your account was just signed in to from a network it had not been used from before (${p(i, 'at')}).`,
      'If that was you, for example on a new connection or while travelling, there is nothing to do.',
      p(i, 'advice'),
    ],
  ),
  template(
    'accounts.vendor-invitation',
    ['link', 'vendor'],
    (i) => `Your vendor portal account at ${i.shop.name}`,
    (i) => [`The shop created an account for you in its vendor portal, for ${p(i, 'vendor')}.`, `Choose your password within 72 hours: ${p(i, 'link')}`],
  ),
];

/** The account template of this name; a name without one is a mistake in the code, as before. */
export function accountTemplate(name: AccountTemplate): MailTemplate {
  const found = accountTemplates.find((t) => t.name === name);
  if (!found) throw new Error(`accounts: no mail template named ${name}`);
  return found;
}
