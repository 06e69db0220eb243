// Hits are written in batches by one writer at a time. One insert per page view, each started as
// its response went out, let a burst of page views queue thousands of inserts for the connection
// pool: the cart's and checkout's own statements then waited behind them (bench/load measured an
// add-to-cart p99 of 8 s right after 10 s of category pages). Now analytics holds at most one
// connection, and a burst becomes a few multi-row inserts. Hits stay best-effort, as before: a
// failed batch is retried row by row, a row that still fails is logged by its code only, and past
// MAX_QUEUED waiting rows new hits are counted and dropped rather than held in memory.
import type { Insertable } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../platform/db/database.ts';
import { analyticsDb, type HitTable } from './tables.ts';

export const BATCH = 500;
export const MAX_QUEUED = 20_000;

export type Hit = Insertable<HitTable>;

export interface HitQueue {
  add(hit: Hit): void;
  /** Resolves once every hit added so far is written (or given up on). */
  settled(): Promise<void>;
}

const codeOf = (err: unknown): string => (err as { code?: string }).code ?? (err as Error).name;

export function hitQueue(db: Db, log: FastifyBaseLogger): HitQueue {
  const waiting: Hit[] = [];
  let dropped = 0;
  let writing: Promise<void> | null = null;

  const insert = (rows: Hit[]) => analyticsDb(db).insertInto('analytics_hits').values(rows).execute();

  async function writeAll(): Promise<void> {
    while (waiting.length > 0) {
      const batch = waiting.splice(0, BATCH);
      try {
        await insert(batch);
      } catch {
        for (const row of batch) await insert([row]).catch((err: unknown) => log.warn({ code: codeOf(err) }, 'could not record site use'));
      }
    }
    if (dropped > 0) {
      log.warn({ dropped }, 'site use not recorded: too many hits waiting to be written');
      dropped = 0;
    }
  }

  // A hit added while the writer was finishing is picked up by the next one.
  function kick(): void {
    if (writing || waiting.length === 0) return;
    writing = writeAll().finally(() => {
      writing = null;
      kick();
    });
  }

  return {
    add(hit) {
      if (waiting.length >= MAX_QUEUED) {
        dropped++;
        return;
      }
      waiting.push(hit);
      kick();
    },
    async settled() {
      while (writing) await writing;
    },
  };
}
