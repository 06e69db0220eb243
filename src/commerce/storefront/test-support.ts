// Helpers for the storefront's tests (imported by tests only).
import assert from 'node:assert/strict';

/** Polls until `check` passes: a NOTIFY reaches its listener shortly after commit, not at once. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
