// What the two database-move tests (test/database-move.test.ts, test/database-move-back.test.ts) share.
import { accessSync, constants } from 'node:fs';
import { tmpdir } from 'node:os';

/** Where the test's DATA_DIR goes: shared memory when there is some (as the suite's PGlite copies, decision 0075). */
export function scratchBase(): string {
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
}

export function withPassword(url: string, password: string): string {
  const u = new URL(url);
  u.password = password;
  return u.toString();
}

/** An order number's digits, to compare numbers across the move. */
export const numberOf = (order: string) => Number(order.replace(/\D/g, ''));
