// What one CLI command is. Commands live in src/cli/commands/, one file per subject, and are listed
// in src/cli/registry.ts; the runner (run.ts) parses flags, opens and migrates the database, runs
// the command and prints its result, as a table or, with --json, as JSON.
import type { Config } from '../platform/config.ts';
import type { DatabaseHandle, Db } from '../platform/db/database.ts';
import type { Wiring } from '../platform/module.ts';

export interface FlagSpec {
  type: 'string' | 'boolean';
  /** One line for `custodian help <command>`, e.g. 'Price in minor units (1999 = 19.99)'. */
  description: string;
  /** Shown after the flag in help, e.g. '<slug>'. */
  value?: string;
  required?: boolean;
}

export interface CliArgs {
  flags: Record<string, string | boolean | undefined>;
  positionals: string[];
}

export interface CliContext {
  config: Config;
  database: DatabaseHandle;
  db: Db;
  /** Migrations this run applied before the command (the runner migrates on every run). */
  applied: string[];
  commands: readonly CliCommand[];
  /** What the shop's modules declare for one another (listeners, mail templates), for commands that run their flows. */
  wiring: Wiring;
}

export interface CliResult {
  /** What `--json` prints. */
  data: unknown;
  /** What a person sees; no trailing newline needed. */
  text: string;
  /** The process's exit code when the command ran but its answer is bad news (selfcheck: a high finding); default 0. */
  exitCode?: number;
}

export interface CliCommand {
  /** The words that select the command, e.g. ['product', 'create']. */
  path: string[];
  summary: string;
  /** Positional arguments, in order, all required, e.g. ['<product>']. */
  positionals?: string[];
  /** Further words the command accepts after its positionals, as help shows them, e.g. '[command…]'. */
  variadic?: string;
  flags?: Record<string, FlagSpec>;
  /** false for commands that need neither settings nor the database (help). */
  needsDatabase?: boolean;
  /** With needsDatabase: false, the settings are still loaded (commands that open no database but use DATA_DIR, the keyring: restore). */
  needsSettings?: boolean;
  /**
   * How the fields named in the command's errors read to a CLI user, e.g. price_minor → --price.
   * Unlisted fields print as they are.
   */
  fieldNames?: Record<string, string>;
  run(ctx: CliContext, args: CliArgs): Promise<CliResult>;
}
