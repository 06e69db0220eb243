// Scrubs personal data out of anything about to be logged. Two nets: keys whose name says they
// hold personal data (at any depth), and string values that look like an email address, a card
// or bank number, or a phone number, wherever they appear (messages, queries, headers).

const PERSONAL_KEY =
  /(e-?mail|^name$|_name$|name_|fullname|first_?name|last_?name|phone|mobile|address|street|postcode|postal|zip|city|password|passwd|secret|token|card|pan$|cvc|cvv|iban|bic|account_?number|routing|sort_?code|ssn|social|birth|authorization|cookie|set-cookie|session|ip_?addr)/i;

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
// 12 to 19 digits, optionally grouped by spaces or dashes: card and most bank account numbers.
const LONG_NUMBER = /\b(?:\d[ -]?){11,18}\d\b/g;
// IBAN: two letters, two digits, then 11-30 alphanumerics (optionally in groups of four).
const IBAN = /\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b/g;
// Phone numbers: an optional +, then 7 or more digits with common separators.
const PHONE = /\+?\(?\d{1,4}\)?(?:[ .-]?\d{2,4}){2,5}/g;

export const REDACTED = '[redacted]';

export function scrubString(value: string): string {
  return value
    .replace(EMAIL, REDACTED)
    .replace(IBAN, REDACTED)
    .replace(LONG_NUMBER, REDACTED)
    .replace(PHONE, (m) => (m.replace(/\D/g, '').length >= 7 ? REDACTED : m));
}

export function isPersonalKey(key: string): boolean {
  return PERSONAL_KEY.test(key);
}

/** Returns a deep copy of `value` with personal data replaced by `[redacted]`. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[deep]';
  if (typeof value === 'string') return scrubString(value);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return { type: value.name, message: scrubString(value.message), stack: value.stack ? scrubString(value.stack) : undefined };
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = isPersonalKey(k) && v !== null && v !== undefined && typeof v !== 'boolean' ? REDACTED : redact(v, depth + 1);
  }
  return out;
}
