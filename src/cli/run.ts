// The CLI runner: finds the command, parses its flags, loads the settings, opens and migrates the
// database, runs the command and prints the result. Exit codes: 0 done; 1 the settings, the
// database or something unexpected failed; 2 the command line or a value in it is wrong.
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../platform/config.ts';
import type { DatabaseHandle } from '../platform/db/database.ts';
import { migrate } from '../platform/db/migrate.ts';
import { AppError } from '../platform/errors.ts';
import { allMigrations, modules, wiringOf } from '../modules.ts';
import { openShopDatabase } from '../server.ts';
import type { CliArgs, CliCommand, CliContext } from './command.ts';
import { commandHelp, findCommand, usage } from './describe.ts';
import { cliCommands } from './registry.ts';

export interface CliIo {
  env: Record<string, string | undefined>;
  out: (text: string) => void;
  err: (text: string) => void;
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_BAD_INPUT = 2;

class UsageError extends Error {}

function parse(command: CliCommand, rest: string[]): CliArgs & { json: boolean; help: boolean } {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  };
  for (const [name, spec] of Object.entries(command.flags ?? {})) options[name] = { type: spec.type };
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    const flag = /'(-[^' ]+)/.exec((err as Error).message)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`${flag ?? 'option'}: is not an option of "custodian ${command.path.join(' ')}"`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      if ((err as Error).message.includes('ambiguous')) {
        throw new UsageError(`${flag}: a value starting with "-" must be attached: ${flag}=<value>`);
      }
      throw new UsageError(`${flag ?? 'option'}: needs a value`);
    }
    throw new UsageError((err as Error).message);
  }
  const { json, help, ...flags } = parsed.values as Record<string, string | boolean | undefined>;
  const args = { flags, positionals: parsed.positionals, json: json === true, help: help === true };
  if (args.help) return args;
  const expected = command.positionals ?? [];
  if (args.positionals.length < expected.length) throw new UsageError(`${expected[args.positionals.length]}: is required`);
  if (args.positionals.length > expected.length && !command.variadic) throw new UsageError(`"${args.positionals[expected.length]}": unexpected argument`);
  for (const [name, spec] of Object.entries(command.flags ?? {})) {
    if (spec.required && flags[name] === undefined) throw new UsageError(`--${name}: is required`);
  }
  return args;
}

function printAppError(io: CliIo, command: CliCommand, err: AppError): void {
  if (err.fields.length === 0) {
    io.err(`error: ${err.message}`);
    return;
  }
  for (const { field, message } of err.fields) io.err(`error: ${command.fieldNames?.[field] ?? field}: ${message}`);
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const words = argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' ? ['help'] : argv;
  const found = findCommand(words, cliCommands);
  if (!found) {
    const group = cliCommands.filter((c) => c.path.length > 1 && c.path[0] === words[0]);
    if (group.length) {
      const actions = group.map((c) => c.path.slice(1).join(' ')).join(', ');
      io.err(`error: "custodian ${words[0]}" needs one of: ${actions}; run \`custodian help\``);
    } else {
      io.err(`error: "${words[0]}" is not a custodian command; run \`custodian help\``);
    }
    return EXIT_BAD_INPUT;
  }
  const { command, rest } = found;

  let args;
  try {
    args = parse(command, rest);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`error: ${err.message}`);
    io.err(`usage: ${usage(command)}`);
    return EXIT_BAD_INPUT;
  }
  if (args.help) {
    io.out(commandHelp(command));
    return EXIT_OK;
  }

  let config: Config | undefined;
  let database: DatabaseHandle | undefined;
  let applied: string[] = [];
  const opened = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error(`"custodian ${command.path.join(' ')}" declares needsDatabase: false`);
    return value;
  };
  const ctx: CliContext = {
    commands: cliCommands,
    wiring: wiringOf(modules),
    get config() {
      return opened(config);
    },
    get database() {
      return opened(database);
    },
    get db() {
      return opened(database).db;
    },
    get applied() {
      return applied;
    },
  };
  try {
    if (command.needsDatabase !== false) {
      config = loadConfig(io.env);
      try {
        database = await openShopDatabase(config);
      } catch (err) {
        const where = config.databaseUrl ? 'DATABASE_URL' : `DATA_DIR ${config.dataDir}`;
        io.err(`error: cannot open the database (${where}): ${(err as Error).message}`);
        return EXIT_FAILED;
      }
      applied = await migrate(database.db, allMigrations);
    } else if (command.needsSettings) {
      config = loadConfig(io.env);
    }
    const result = await command.run(ctx, args);
    io.out(args.json ? JSON.stringify(result.data, null, 2) : result.text);
    return result.exitCode ?? EXIT_OK;
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(`error: ${err.message}`);
      return EXIT_FAILED;
    }
    if (err instanceof AppError && err.status < 500) {
      printAppError(io, command, err);
      return EXIT_BAD_INPUT;
    }
    io.err(`error: unexpected failure in "custodian ${command.path.join(' ')}": ${(err as Error).message ?? String(err)}`);
    return EXIT_FAILED;
  } finally {
    await database?.close();
  }
}
