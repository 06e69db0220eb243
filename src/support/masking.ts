// Card and social-security numbers in what people write to support (P002-16): found and masked
// before anything is stored, keeping at most the last four digits, so the shop never holds them.
//
// A card number is 13 to 19 digits, alone or in groups split by single spaces or dashes, that
// starts like a card (2 to 6) and passes the Luhn check. Within a longer run of digit groups (a
// phone number typed just before a card number) every span of whole groups is tried, longest
// first. An SSN-like number is three, two and four digits split the same way twice (123-45-6789,
// 123 45 6789, 123.45.6789) with a valid area, group and serial, or nine bare digits right after
// the words "SSN" or "social security". Order numbers (C-100042), phone numbers and dates are too
// short or shaped otherwise, so they are left alone.

export interface Masked {
  text: string;
  cards: number;
  ssns: number;
}

const MASK = '•';

/** The Luhn check of a string of digits. */
export function luhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/** Every digit of `s` but the last four replaced by the mask (separators kept). */
function maskKeepingLastFour(s: string): string {
  let left = s.replace(/\D/g, '').length - 4;
  return s.replace(/\d/g, (d) => (left-- > 0 ? MASK : d));
}

const isCard = (digits: string) => digits.length >= 13 && digits.length <= 19 && /^[2-6]/.test(digits) && luhn(digits);

/** Masks the card numbers in one run of digit groups; returns the run and how many it masked. */
function maskRun(run: string): { text: string; n: number } {
  // Groups with the separator before each (the first has none).
  const groups = [...run.matchAll(/([ -]?)(\d+)/g)].map((m) => ({ sep: m[1]!, digits: m[2]! }));
  const out: string[] = [];
  let n = 0;
  let i = 0;
  while (i < groups.length) {
    let found = -1;
    let count = 0;
    for (let j = i; j < groups.length; j++) {
      count += groups[j]!.digits.length;
      if (count > 19) break;
      if (
        count >= 13 &&
        isCard(
          groups
            .slice(i, j + 1)
            .map((g) => g.digits)
            .join(''),
        )
      )
        found = j;
    }
    if (found >= 0) {
      const span = groups.slice(i, found + 1);
      const text = span.map((g, k) => (k === 0 ? g.digits : g.sep + g.digits)).join('');
      out.push(groups[i]!.sep + maskKeepingLastFour(text));
      n++;
      i = found + 1;
    } else {
      out.push(groups[i]!.sep + groups[i]!.digits);
      i++;
    }
  }
  return { text: out.join(''), n };
}

// A run of digits in groups joined by one space or dash, not inside a longer word or number.
const RUN = /(?<![\w.-])\d+(?:[ -]\d+)*(?![\w])/g;
const SSN = /(?<![\w-])(\d{3})([- .])(\d{2})\2(\d{4})(?![\w-])/g;
const SSN_BARE = /\b(ssn|social[ -]security(?:[ -]number)?|soc\.? ?sec\.?)(\W{1,12})(\d{9})(?!\d)/gi;

const validSsn = (area: string, group: string, serial: string) => area !== '000' && area !== '666' && area[0] !== '9' && group !== '00' && serial !== '0000';

/** The text with card-like and SSN-like numbers masked, and how many of each were found. */
export function maskSensitive(input: string): Masked {
  let ssns = 0;
  let text = input.replace(SSN, (whole, area: string, _sep: string, group: string, serial: string) => {
    if (!validSsn(area, group, serial)) return whole;
    ssns++;
    return maskKeepingLastFour(whole);
  });
  text = text.replace(SSN_BARE, (whole, words: string, gap: string, digits: string) => {
    if (!validSsn(digits.slice(0, 3), digits.slice(3, 5), digits.slice(5))) return whole;
    ssns++;
    return `${words}${gap}${maskKeepingLastFour(digits)}`;
  });
  let cards = 0;
  text = text.replace(RUN, (run) => {
    if (run.replace(/\D/g, '').length < 13) return run;
    const r = maskRun(run);
    cards += r.n;
    return r.text;
  });
  return { text, cards, ssns };
}

/** What the person is told when something was masked (null when nothing was). */
export function maskWarning(m: Pick<Masked, 'cards' | 'ssns'>): string | null {
  const what = [m.cards ? (m.cards === 1 ? 'a card number' : 'card numbers') : '', m.ssns ? (m.ssns === 1 ? 'a social security number' : 'social security numbers') : ''].filter(Boolean);
  if (what.length === 0) return null;
  return `We removed what looked like ${what.join(' and ')} from your message, keeping only the last four digits. Please never send card or social security numbers by message or email: we do not need them to help you.`;
}
