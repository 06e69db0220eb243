// Display helpers shared by pages.

// Building an Intl.NumberFormat costs far more than formatting with one (it loads the locale's
// data): a receipt formats every line, so each currency's formatter is built once per process.
const formatters = new Map<string, { format: Intl.NumberFormat; digits: number }>();

function formatterOf(currency: string): { format: Intl.NumberFormat; digits: number } {
  let f = formatters.get(currency);
  if (f === undefined) {
    const format = new Intl.NumberFormat('en', { style: 'currency', currency });
    f = { format, digits: format.resolvedOptions().maximumFractionDigits ?? 2 };
    formatters.set(currency, f);
  }
  return f;
}

/** Formats integer minor units as money, e.g. 129900 USD -> "$1,299.00". */
export function formatMoney(minor: number, currency: string): string {
  const { format, digits } = formatterOf(currency);
  return format.format(minor / 10 ** digits);
}
