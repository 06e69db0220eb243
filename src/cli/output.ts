// Plain-text output for people: aligned tables and key/value blocks.

export interface Column<T> {
  label: string;
  value: (row: T) => string | number | null | undefined;
  align?: 'left' | 'right';
}

function cell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '-';
  // One line per row, whatever the data holds.
  return String(value).replace(/[\r\n\t]+/g, ' ');
}

export function table<T>(rows: readonly T[], columns: Column<T>[], empty = '(none)'): string {
  if (rows.length === 0) return empty;
  const cells = rows.map((row) => columns.map((c) => cell(c.value(row))));
  const widths = columns.map((c, i) => Math.max(c.label.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => (columns[i]!.align === 'right' ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.label)), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

export function details(pairs: [string, string | number | null | undefined][]): string {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${k.padEnd(width)}  ${cell(v)}`).join('\n');
}
