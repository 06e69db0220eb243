// `custodian help [command]`: the command list, or one command's options.
import type { CliCommand } from '../command.ts';
import { commandHelp, findCommand } from '../describe.ts';

export const helpCommands: CliCommand[] = [
  {
    path: ['help'],
    summary: "List the commands, or show one command's options: custodian help product create",
    variadic: '[command…]',
    needsDatabase: false,
    async run(ctx, args) {
      const words = args.positionals;
      if (words.length) {
        const found = findCommand(words, ctx.commands);
        if (found && found.command.path.join(' ') !== 'help') return { data: describe(found.command), text: commandHelp(found.command) };
      }
      const width = Math.max(...ctx.commands.map((c) => c.path.join(' ').length));
      const text = [
        'usage: npm run custodian -- <command> [options]',
        '',
        'commands:',
        ...ctx.commands.map((c) => `  ${c.path.join(' ').padEnd(width)}  ${c.summary}`),
        '',
        'Every command runs pending migrations first, reads the same settings as the shop (DATA_DIR,',
        'DATABASE_URL, CURRENCY, …) and takes --json for machine-readable output.',
        'With the embedded database (no DATABASE_URL), stop the shop before writing: the embedded',
        'database serves one process at a time. While the shop runs, use the staff JSON API instead.',
        'Exit codes: 0 done, 1 settings/database/unexpected failure, 2 wrong command line or value.',
      ].join('\n');
      return { data: ctx.commands.map(describe), text };
    },
  },
];

function describe(c: CliCommand) {
  return { command: c.path.join(' '), summary: c.summary, positionals: c.positionals ?? [], flags: c.flags ?? {} };
}
