// Counts the statements a test's code sends: `counted` is the same database with a Kysely plugin
// that records each query's kind (SelectQueryNode, InsertQueryNode, RawNode, …) in `statements`.
import type { Db } from '../db/database.ts';

export function countingStatements<T extends Db>(db: T): { counted: T; statements: string[] } {
  const statements: string[] = [];
  const counted = db.withPlugin({
    transformQuery: (args) => {
      statements.push(args.node.kind);
      return args.node;
    },
    transformResult: async (args) => args.result,
  }) as T;
  return { counted, statements };
}
