// The `comms.purge-spool` job (daily, decision 0054): a spooled .eml file is a plain copy of a sent
// mail, with the recipient's address and name, which the kernel's crypto-shredding cannot reach.
// It is kept no longer than the data map keeps that address for the message's purpose
// (`retentionDays('user.contact.email', purpose)`), counted from when the message was finished.
// A file whose message row is gone (erased with its person) goes at once, and so does a
// `.partial` a send left behind more than a day ago. SMTP shops have no spool and nothing to do.
import { readdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { JobContext } from '../platform/jobs/index.ts';
import { jobKernel, retentionDays } from '../privacy/index.ts';
import { spoolDir } from './transport.ts';

export const PURGE_SPOOL_JOB = 'comms.purge-spool';
const ADDRESS = 'user.contact.email';
const FILE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.eml(\.partial)?$/;
const DAY_MS = 86_400_000;
const BATCH = 500;

export async function purgeSpool(_payload: unknown, ctx: JobContext): Promise<void> {
  const config = ctx.services.config;
  if (!config) throw new Error('NO_CONFIG: this worker was started without the settings (pass services.config to the Worker)');
  const map = jobKernel(ctx).map;
  const dir = spoolDir(config);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const now = Date.now();
  const files = names.flatMap((name) => {
    const m = FILE.exec(name);
    return m ? [{ name, id: m[1]!, partial: m[2] !== undefined }] : [];
  });
  let purged = 0;
  for (let i = 0; i < files.length; i += BATCH) {
    const batch = files.slice(i, i + BATCH);
    const ids = [...new Set(batch.map((f) => f.id))];
    const { rows } = await sql<{ id: string; purpose: string; finished_at: Date | null }>`
      select id::text, purpose, finished_at from comms_outbox where id = any(${ids}::uuid[])`.execute(ctx.db);
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const file of batch) {
      const path = join(dir, file.name);
      const row = byId.get(file.id);
      const expired = file.partial
        ? now - statSync(path).mtimeMs > DAY_MS
        : !row || (row.finished_at !== null && new Date(row.finished_at).getTime() + retentionDays(map, ADDRESS, row.purpose).days * DAY_MS <= now);
      if (!expired) continue;
      try {
        unlinkSync(path);
        purged++;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
  }
  if (purged) ctx.log.info({ purged }, 'spooled mail past its retention deleted');
}
