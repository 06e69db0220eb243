// Counts (and keeps the text of) every statement a Kysely instance runs while recording, for the
// benchmarks' `--statements` breakdown. BEGIN and COMMIT do not pass through plugins: a
// transaction adds two round trips to what is listed.
import { PostgresQueryCompiler, type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs, type QueryResult, type RootOperationNode, type UnknownRow } from 'kysely';
import type { Db } from '../../src/platform/db/database.ts';

export interface StatementLog {
  db: Db;
  /** Records the statements `run` makes: their SQL (first 110 characters) and time from compile to result (ms). */
  record(run: () => Promise<void>): Promise<{ text: string; ms: number }[]>;
}

export function statementLog(db: Db): StatementLog {
  let recording: { text: string; ms: number }[] | null = null;
  const started = new Map<object, { entry: { text: string; ms: number }; t0: number }>();
  const pending = new Set<{ text: string; ms: number }>();
  const compiler = new PostgresQueryCompiler();
  const plugin: KyselyPlugin = {
    transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
      if (recording) {
        const entry = { text: compiler.compileQuery(args.node, args.queryId).sql.replace(/\s+/g, ' ').slice(0, 110), ms: 0 };
        recording.push(entry);
        pending.add(entry);
        started.set(args.queryId, { entry, t0: performance.now() });
      }
      return args.node;
    },
    async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      const s = started.get(args.queryId);
      if (s) {
        s.entry.ms = performance.now() - s.t0;
        pending.delete(s.entry);
        started.delete(args.queryId);
      }
      return args.result;
    },
  };
  const logged = db.withPlugin(plugin);
  return {
    db: logged,
    async record(run) {
      recording = [];
      try {
        await run();
        // A query builder embedded in another statement (a CTE) passes transformQuery without being run;
        // it never gets a result. (Nor does a statement that failed: none does in a completed checkout.)
        return recording.filter((entry) => !pending.has(entry));
      } finally {
        recording = null;
        pending.clear();
      }
    },
  };
}
