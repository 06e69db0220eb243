// The module's own keys (for CSRF tokens and throttle keys), made once per database so every web
// process agrees. They protect nothing personal: a CSRF token also needs the visitor's cookie, and
// a throttle key only says an address was tried in the last few minutes.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';

export type SecretName = 'csrf' | 'throttle';

export async function loadSecret(db: Db, name: SecretName): Promise<Buffer> {
  await sql`insert into accounts_secrets (name, value) values (${name}, ${randomBytes(32)}) on conflict (name) do nothing`.execute(db);
  const { rows } = await sql<{ value: Buffer }>`select value from accounts_secrets where name = ${name}`.execute(db);
  return Buffer.from(rows[0]!.value);
}
