// Every catalogue write sends this NOTIFY inside its transaction (delivered on commit), so every
// process drops what it cached about the catalogue and products change without a restart.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';

export const CATALOGUE_CHANGED = 'catalogue_changed';

export async function notifyCatalogueChanged(db: Db): Promise<void> {
  await sql`select pg_notify(${CATALOGUE_CHANGED}, '')`.execute(db);
}
