// Finding a command by its words, and the help text of one command.
import type { CliCommand } from './command.ts';

/** The command whose words start argv, the longest match first. */
export function findCommand(argv: readonly string[], commands: readonly CliCommand[]): { command: CliCommand; rest: string[] } | null {
  const byLength = [...commands].sort((a, b) => b.path.length - a.path.length);
  for (const command of byLength) {
    if (command.path.every((word, i) => argv[i] === word)) return { command, rest: argv.slice(command.path.length) };
  }
  return null;
}

export function usage(command: CliCommand): string {
  const positionals = [...(command.positionals ?? []), command.variadic ?? ''].join(' ').trim();
  const required = Object.entries(command.flags ?? {})
    .filter(([, f]) => f.required)
    .map(([name, f]) => `--${name} ${f.value ?? ''}`.trim());
  const optional = Object.keys(command.flags ?? {}).length > required.length ? '[options]' : '';
  return ['custodian', ...command.path, positionals, ...required, optional].filter(Boolean).join(' ');
}

export function commandHelp(command: CliCommand): string {
  const lines = [`usage: ${usage(command)}`, '', command.summary];
  const flags = Object.entries(command.flags ?? {});
  if (flags.length) {
    lines.push('', 'options:');
    const labels = flags.map(([name, f]) => `--${name}${f.type === 'string' ? ` ${f.value ?? '<value>'}` : ''}`);
    const width = Math.max(...labels.map((l) => l.length));
    for (const [i, [, f]] of flags.entries()) lines.push(`  ${labels[i]!.padEnd(width)}  ${f.description}${f.required ? ' (required)' : ''}`);
  }
  lines.push('', '  --json  print the result as JSON', '  --help  show this help');
  return lines.join('\n');
}
