import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { testEachDatabase } from '../platform/testing/databases.ts';
import type { HolderContext } from '../privacy/index.ts';
import { vendorsHolder } from './holder.ts';
import { acceptTerms } from './store.ts';

testEachDatabase("a vendor user's acceptances of the terms are in their export; an erasure keeps the shop's record and cuts the person from it", async ({ db }) => {
  const subject = randomUUID();
  const userId = randomUUID();
  const vendorId = randomUUID();
  const someoneElse = randomUUID();
  await acceptTerms(db, { userId, subject, vendorId, version: 1, now: new Date('2026-03-01T10:00:00Z') });
  await acceptTerms(db, { userId: randomUUID(), subject: someoneElse, vendorId, version: 1, now: new Date('2026-03-02T10:00:00Z') });
  const ctx = { db } as unknown as HolderContext;
  const [section] = await vendorsHolder.export!(ctx, subject);
  assert.equal(section?.id, 'vendor-terms-acceptances');
  assert.deepEqual(section?.records, [{ version: 1, vendor_id: vendorId, accepted_at: '2026-03-01T10:00:00.000Z' }]);
  assert.ok(await vendorsHolder.retains!(ctx, subject));
  await vendorsHolder.unlink!(ctx, subject);
  assert.deepEqual(await vendorsHolder.export!(ctx, subject), []);
  const rows = (
    await sql<{ user_id: string | null; user_subject: string | null; vendor_id: string }>`select user_id, user_subject, vendor_id from vendors_terms_acceptances order by accepted_at`.execute(db)
  ).rows;
  assert.deepEqual(rows[0], { user_id: null, user_subject: null, vendor_id: vendorId }, 'the record stays, without the person');
  assert.equal(rows[1]!.user_subject, someoneElse, "someone else's acceptance is untouched");
});
