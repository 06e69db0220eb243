// What the sandbox decides from the numbers a buyer types: Luhn and expiry checks with messages a
// buyer understands, the card brand, and the outcome of Stripe's test numbers. Nothing here keeps a
// number: callers get a brand, the last four digits and a keyed fingerprint, never the digits.
import { createHmac } from 'node:crypto';

export interface FieldError {
  field: string;
  message: string;
}

export type Outcome = { ok: true } | { ok: false; code: string; message: string; final: boolean };

export interface CardInput {
  number: string;
  expiry: string;
  cvc: string;
  name: string;
}
export interface BankInput {
  holder: string;
  routing: string;
  account: string;
}

export interface Tokenisable {
  brand: string;
  last4: string;
  fingerprint: string;
}

const digitsOf = (value: string): string => value.replace(/[\s-]/g, '');

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export function cardBrand(digits: string): string {
  if (/^4/.test(digits)) return 'visa';
  if (/^(5[1-5]|2(2[2-9]|[3-6]\d|7[01]|720))/.test(digits)) return 'mastercard';
  if (/^3[47]/.test(digits)) return 'amex';
  if (/^(6011|65|64[4-9])/.test(digits)) return 'discover';
  return 'unknown';
}

/** Stripe's test numbers; any other valid number succeeds too. */
const cardOutcomes: Record<string, Outcome> = {
  '4000000000000002': { ok: false, code: 'card_declined', message: 'Your card was declined. Try another card.', final: false },
  '4000000000009995': { ok: false, code: 'insufficient_funds', message: 'Your card has insufficient funds. Try another card.', final: false },
  '4000000000000069': { ok: false, code: 'expired_card', message: 'Your card has expired. Try another card.', final: false },
  '4000000000000127': { ok: false, code: 'incorrect_cvc', message: "Your card's security code is incorrect.", final: false },
};

export function validateCard(input: CardInput, now: Date): { errors: FieldError[]; digits: string; month: number; year: number } {
  const errors: FieldError[] = [];
  const digits = digitsOf(input.number);
  if (!/^\d{12,19}$/.test(digits)) errors.push({ field: 'number', message: 'Enter the card number: the 12 to 19 digits on the front of the card.' });
  else if (!luhnValid(digits)) errors.push({ field: 'number', message: 'This card number is not valid. Check the digits.' });
  const m = /^\s*(\d{1,2})\s*\/\s*(\d{2}|\d{4})\s*$/.exec(input.expiry);
  let month = 0;
  let year = 0;
  if (!m) errors.push({ field: 'expiry', message: 'Enter the expiry date as MM/YY.' });
  else {
    month = Number(m[1]);
    year = m[2]!.length === 2 ? 2000 + Number(m[2]) : Number(m[2]);
    if (month < 1 || month > 12) errors.push({ field: 'expiry', message: 'The expiry month must be 01 to 12.' });
    else if (year * 12 + month < now.getUTCFullYear() * 12 + now.getUTCMonth() + 1) errors.push({ field: 'expiry', message: 'This card has expired.' });
    else if (year > now.getUTCFullYear() + 20) errors.push({ field: 'expiry', message: 'The expiry year is too far ahead.' });
  }
  const cvcLength = cardBrand(digits) === 'amex' ? 4 : 3;
  if (!new RegExp(`^\\d{${cvcLength}}$`).test(input.cvc.trim())) errors.push({ field: 'cvc', message: `Enter the ${cvcLength}-digit security code (CVC).` });
  const name = input.name.trim();
  if (name.length === 0 || name.length > 100) errors.push({ field: 'name', message: 'Enter the name on the card.' });
  return { errors, digits, month, year };
}

/** Stripe's 4000 0000 0000 0341: paid at checkout and kept, but every later off-session charge of it is declined. */
export const DECLINES_OFF_SESSION = '4000000000000341';

export function cardOutcome(digits: string): Outcome {
  return cardOutcomes[digits] ?? { ok: true };
}

export function validateBank(input: BankInput): { errors: FieldError[]; routing: string; account: string } {
  const errors: FieldError[] = [];
  const routing = digitsOf(input.routing);
  const account = digitsOf(input.account);
  const holder = input.holder.trim();
  if (holder.length === 0 || holder.length > 100) errors.push({ field: 'holder', message: "Enter the account holder's name." });
  if (!/^\d{9}$/.test(routing)) errors.push({ field: 'routing', message: 'Enter the 9-digit routing number.' });
  else if (!routingValid(routing)) errors.push({ field: 'routing', message: 'This routing number is not valid. Check the digits.' });
  if (!/^\d{4,17}$/.test(account)) errors.push({ field: 'account', message: 'Enter the account number: 4 to 17 digits.' });
  return { errors, routing, account };
}

/** The ABA checksum: 3·(d1+d4+d7) + 7·(d2+d5+d8) + (d3+d6+d9) ≡ 0 (mod 10). */
export function routingValid(routing: string): boolean {
  const d = [...routing].map(Number);
  return (3 * (d[0]! + d[3]! + d[6]!) + 7 * (d[1]! + d[4]! + d[7]!) + (d[2]! + d[5]! + d[8]!)) % 10 === 0;
}

/** Bank accounts ending 0000 fail (the debit is returned); the buyer is sent back to the shop. */
export function bankOutcome(account: string): Outcome {
  return account.endsWith('0000') ? { ok: false, code: 'debit_not_authorized', message: 'The bank refused the debit.', final: true } : { ok: true };
}

/** Brand, last four and a fingerprint keyed by the processor's secret (the same number gives the same fingerprint). */
export function tokenisable(kind: 'card' | 'bank', digits: string, brand: string, fingerprintKey: Buffer): Tokenisable {
  const fingerprint = createHmac('sha256', fingerprintKey).update(`${kind}:${digits}`).digest('base64url').slice(0, 22);
  return { brand, last4: digits.slice(-4), fingerprint };
}
