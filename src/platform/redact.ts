// Scrubs personal data out of anything about to be logged. Three nets: keys whose name says they
// hold personal data (at any depth, and as `key=value` or `"key":"value"` inside strings), string
// values that look like an email address, a card or bank number, a phone number or a street
// address, wherever they appear (messages, queries, headers), and values quoted in database error
// messages. A bare name in free text cannot be recognised by its shape: never put one in a message.

// Tested against the key with every run of other characters turned into `_` (`x-customer-name`
// becomes `x_customer_name`). Client addresses, user agents and referrers count as personal too.
const PERSONAL_KEY =
  /(e_?mail|^name$|_name$|name_|fullname|first_?name|last_?name|phone|mobile|address|street|postcode|postal|zip|city|password|passwd|secret|token|card|pan$|cvc|cvv|iban|bic|account_?number|routing|sort_?code|ssn|social|birth|authorization|cookie|session|ip_?addr|^ip$|_ip$|forwarded|real_ip|user_?agent|referr?er)/i;

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
// 12 to 19 digits, optionally grouped by spaces, dashes or pluses (form-encoded spaces): card and
// most bank account numbers.
const LONG_NUMBER = /\b(?:\d[ +-]?){11,18}\d\b/g;
// IBAN: two letters, two digits, then 11-30 alphanumerics (optionally in groups of four).
const IBAN = /\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b/g;
// Phone numbers: an optional +, then 7 or more digits with common separators.
const PHONE = /\+?\(?\d{1,4}\)?(?:[ .-]?\d{2,4}){2,5}/g;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
// "221B Baker Street", "5 Rue de la Paix" style and "Hauptstraße 5" style street addresses.
const STREET =
  /\b\d{1,5}[A-Za-z]?,?(?:\s+[A-Z][\p{L}'.-]*){1,4}\s+(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Boulevard|Blvd|Way|Court|Ct|Place|Pl|Square|Sq|Terrace|Close|Crescent|Parkway|Pkwy|Highway|Hwy|Row|Walk|Gardens)\b\.?|\b\d{1,5}[A-Za-z]?,?\s+(?:Rue|Via|Calle|Avenida|Rua)(?:\s+[\p{L}'-]+){1,4}|\b[\p{Lu}][\p{L}-]*(?:straße|strasse|weg|gasse|platz|allee|laan|straat|gatan|vej)\s+\d{1,5}[a-z]?\b/gu;
// `email=jane%40example.com` in query strings and form bodies: the key decides, not the value.
const KEYED_PARAM = /([A-Za-z0-9_.[\]-]+)=([^&\s#"']*)/g;
// `"email":"jane@example.com"` in serialised JSON.
const KEYED_JSON = /"([^"\\]{1,64})"\s*:\s*"((?:[^"\\]|\\.)*)"/g;
// Database errors quote the offending input: `invalid input syntax for type uuid: "Jane Doe"`.
const QUOTED_AFTER_COLON = /:\s*"(?:[^"]|"")*"/g;
const PERCENT_ENCODED = /(?:%[0-9A-Fa-f]{2})+/g;
// Random ids (incident ids, row ids) hold no personal data and must stay searchable, though their
// digit runs look like phone numbers.
const UUID = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/i;

export const REDACTED = '[redacted]';

// Fields logged intact when their value has exactly this shape: the audit chain's head
// (`<link>:<sha-256 hex>`) is no personal data, and shipped logs serve as a second anchor only if
// it survives (decision 0027). Its hex digit runs would otherwise look like phone and card numbers.
const INTACT: Readonly<Record<string, RegExp>> = { audit_head: /^\d{1,19}:[0-9a-f]{64}$/ };

export function isPersonalKey(key: string): boolean {
  return PERSONAL_KEY.test(key.replace(/[^A-Za-z0-9]+/g, '_'));
}

function percentDecode(value: string): string {
  return value.replace(PERCENT_ENCODED, (m) => {
    try {
      return decodeURIComponent(m);
    } catch {
      return m;
    }
  });
}

// Query strings may be encoded more than once (a URL inside a `redirect=` or `referer`): redact
// keyed values at each level before decoding the next.
function scrubParams(value: string): string {
  let current = value;
  for (let level = 0; level < 3; level++) {
    current = current.replace(KEYED_PARAM, (m, key: string) => (isPersonalKey(key) ? `${key}=${REDACTED}` : m));
    const decoded = percentDecode(current);
    if (decoded === current) break;
    current = decoded;
  }
  return current;
}

export function scrubString(value: string): string {
  if (!/[0-9@=":%]/.test(value)) return value;
  if (!UUID.test(value)) return scrubText(value);
  return value
    .split(UUID)
    .map((part, i) => (i % 2 === 1 ? part : scrubText(part)))
    .join('');
}

function scrubText(value: string): string {
  return scrubParams(value)
    .replace(KEYED_JSON, (m, key: string) => (isPersonalKey(key) ? `"${key}":"${REDACTED}"` : m))
    .replace(EMAIL, REDACTED)
    .replace(IBAN, REDACTED)
    .replace(LONG_NUMBER, REDACTED)
    .replace(STREET, REDACTED)
    .replace(PHONE, (m) => (m.replace(/\D/g, '').length >= 7 && !ISO_DATE.test(m) ? REDACTED : m));
}

/** For error messages and stacks: also drops input the database quoted back at us. */
export function scrubErrorText(value: string): string {
  return scrubString(value.replace(QUOTED_AFTER_COLON, `: "${REDACTED}"`));
}

/** Returns a deep copy of `value` with personal data replaced by `[redacted]`. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[deep]';
  if (typeof value === 'string') return scrubString(value);
  if (value === null || typeof value !== 'object') return value;
  // Only name, message and stack: driver errors carry the offending row in `detail`, HTTP parser
  // errors the raw request in `rawPacket`.
  if (value instanceof Error) {
    return { type: value.name, message: scrubErrorText(value.message), stack: value.stack ? scrubErrorText(value.stack) : undefined };
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'string' && INTACT[k]?.test(v)) {
      out[k] = v;
      continue;
    }
    out[k] = isPersonalKey(k) && v !== null && v !== undefined && typeof v !== 'boolean' ? REDACTED : redact(v, depth + 1);
  }
  return out;
}
