// Data residency (P003-18): the data map publishes the region the shop promises to store data in.
// Start refuses when the deployment's DATA_REGION, the region recorded in the database at first
// start, or the database's own setting `custodian.data_region` (PostgreSQL: ALTER DATABASE …
// SET custodian.data_region = 'us') names another region.
import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import { systemActor } from './actors.ts';
import { appendAudit } from './audit/append.ts';
import type { KernelContext } from './context.ts';
import { PrivacySetupError } from './refusals.ts';

export async function checkResidency(ctx: KernelContext, db: Db, configured: string | null): Promise<string> {
  const promised = ctx.map.residency.region;
  const region = configured ?? promised;
  if (region !== promised) {
    throw new PrivacySetupError(`DATA_REGION is ${region} but the data map promises storage in ${promised}; Custodian will not store data outside the published region.`);
  }
  const { rows: setting } = await sql<{ region: string | null }>`select current_setting('custodian.data_region', true) as region`.execute(db);
  const databaseRegion = setting[0]?.region || null;
  if (databaseRegion && databaseRegion !== region) {
    throw new PrivacySetupError(`The database is configured for region ${databaseRegion} (custodian.data_region) but this shop stores data in ${region}.`);
  }
  return db.transaction().execute(async (trx) => {
    const inserted = await sql<{ region: string }>`insert into privacy_residency (region) values (${region}) on conflict do nothing returning region`.execute(trx);
    if (inserted.rows.length) {
      await appendAudit(trx, [{ actor: systemActor('privacy.start'), action: 'residency.record', outcome: 'ok', detail: { region } }], ctx.now());
      return region;
    }
    const { rows } = await sql<{ region: string }>`select region from privacy_residency`.execute(trx);
    const recorded = rows[0]?.region;
    if (recorded !== region) {
      throw new PrivacySetupError(`This database holds data recorded for region ${recorded}; it cannot be used from region ${region}.`);
    }
    return region;
  });
}
