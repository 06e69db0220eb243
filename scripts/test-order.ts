// The order `npm test` starts its files in (scripts/run-tests.ts): with four files at a time on
// two cores, a long file started last keeps the run going alone for its whole length.

/** Files known to be long, started first when no duration has been recorded yet (a fresh clone). */
const SLOW_FIRST = [/^test\/browser\//, /^test\/scale\//, /^test\/durability\//, /^test\/fuzz/, /^test\/services/, /^test\/read-replica/, /^test\/backups/];

/** Longest recorded duration (ms) first; files without a record go by SLOW_FIRST, then by name. */
export function longestFirst(files: string[], durations: Record<string, number>): string[] {
  const hint = (file: string) => {
    const index = SLOW_FIRST.findIndex((pattern) => pattern.test(file));
    return index === -1 ? SLOW_FIRST.length : index;
  };
  return [...files].sort((a, b) => {
    const da = durations[a];
    const db = durations[b];
    if (da !== undefined && db !== undefined) return db - da || a.localeCompare(b);
    if (da === undefined && db === undefined) return hint(a) - hint(b) || a.localeCompare(b);
    // A file never timed (new, or a fresh clone's) goes before the timed ones that are quick.
    return da === undefined ? -1 : 1;
  });
}
