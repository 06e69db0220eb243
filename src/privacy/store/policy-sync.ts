// Publishes the data map's policy versions into the database at start. A published version is
// immutable: changing its effective date, or removing it from the map, stops start. Shops start
// several processes at once (app and workers), so the first to take the lock publishes and the
// others then find the versions stored.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { systemActor } from '../actors.ts';
import { appendAudit } from '../audit/append.ts';
import type { KernelContext } from '../context.ts';
import { PrivacySetupError } from '../refusals.ts';

// An arbitrary constant that names "publishing policy versions" among advisory locks.
const POLICY_SYNC_LOCK = 7_200_301_004;

export async function syncPolicyVersions(ctx: KernelContext, db: Db): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${POLICY_SYNC_LOCK})`.execute(trx);
    const { rows } = await sql<{ version: string; effective_at: Date }>`select version, effective_at from privacy_policy_versions`.execute(trx);
    const stored = new Map(rows.map((r) => [r.version, new Date(r.effective_at)]));
    const declared = new Set(ctx.map.policyVersions.map((v) => v.version));
    for (const [version] of stored) {
      if (!declared.has(version)) throw new PrivacySetupError(`Policy version ${version} was published and cannot be removed from the data map.`);
    }
    const added: string[] = [];
    for (const v of ctx.map.policyVersions) {
      const existing = stored.get(v.version);
      if (existing) {
        if (existing.getTime() !== v.effective.getTime()) {
          throw new PrivacySetupError(`Policy version ${v.version} was published effective ${existing.toISOString().slice(0, 10)}; its date cannot change. Publish a new version instead.`);
        }
        continue;
      }
      await sql`insert into privacy_policy_versions (version, effective_at, summary) values (${v.version}, ${v.effective}, ${v.summary})`.execute(trx);
      added.push(v.version);
    }
    if (added.length) {
      await appendAudit(
        trx,
        added.map((version) => ({ actor: systemActor('privacy.start'), action: 'policy.publish' as const, outcome: 'ok' as const, detail: { version } })),
        ctx.now(),
      );
    }
    return added;
  });
}
