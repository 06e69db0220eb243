// Amounts as staff read and type them (prices, refunds): in the currency's major units with the
// currency named ("12.50 EUR"), stored as integer minor units. The number of decimals is the currency's own
// (two for EUR, none for JPY), from the runtime's ISO 4217 data.
import { validationError } from '../platform/errors.ts';

/** The largest amount a column of minor units (int4) holds. */
const INT4_MAX = 2_147_483_647;

export function decimalsOf(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** 1250, "EUR" → "12.50 EUR". */
export function majorUnits(minor: number, currency: string): string {
  const d = decimalsOf(currency);
  return `${(minor / 10 ** d).toFixed(d)} ${currency}`;
}

/** The amount alone, as a price input shows it: 1250, "EUR" → "12.50". */
export function majorAmount(minor: number, currency: string): string {
  const d = decimalsOf(currency);
  return (minor / 10 ** d).toFixed(d);
}

/** "12.5" or "12.50" in EUR → 1250; a VALIDATION_FAILED naming `field` for anything else. */
export function parseMajor(field: string, text: string, currency: string): number {
  const d = decimalsOf(currency);
  const t = text.trim();
  const m = /^(\d{1,10})(?:[.,](\d+))?$/.exec(t);
  if (!m || (m[2] !== undefined && (d === 0 || m[2].length > d))) {
    throw validationError(field, d === 0 ? `must be a whole amount of ${currency}, e.g. 1200` : `must be an amount of ${currency} with at most ${d} decimals, e.g. 12.50`);
  }
  const minor = Number(m[1]) * 10 ** d + Number((m[2] ?? '').padEnd(d, '0') || '0');
  if (minor > INT4_MAX) throw validationError(field, 'is too large');
  return minor;
}
