// CSV that a spreadsheet opens safely: every cell quoted (quotes doubled), and a cell a spreadsheet
// would run as a formula (starting with =, +, -, @, a tab or a carriage return) prefixed with an
// apostrophe so it stays text (CSV injection; OWASP).
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number | null | undefined): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

export function csvRow(cells: readonly (string | number | null | undefined)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
