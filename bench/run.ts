// `npm run bench -- NAME [options]`: runs the benchmark bench/NAME.ts; without a known NAME, lists
// them. Each benchmark exports `main(args)` and resolves to the process exit code.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface Benchmark {
  main(args: string[]): Promise<number>;
}

const benchDir = fileURLToPath(new URL('.', import.meta.url));

function available(): { name: string; summary: string }[] {
  return readdirSync(benchDir)
    .filter((file) => file.endsWith('.ts') && file !== 'run.ts')
    .sort()
    .map((file) => {
      const firstLine = readFileSync(join(benchDir, file), 'utf8').split('\n')[0] ?? '';
      return { name: file.slice(0, -3), summary: firstLine.replace(/^\/\/\s*/, '') };
    });
}

function printList(): void {
  process.stdout.write('Usage: npm run bench -- NAME [options]   (NAME --help for its options)\n\nBenchmarks:\n');
  for (const { name, summary } of available()) process.stdout.write(`  ${name.padEnd(14)} ${summary}\n`);
}

const [name, ...args] = process.argv.slice(2);
if (name === undefined || name === '--help' || name === '-h') {
  printList();
} else if (!available().some((b) => b.name === name)) {
  process.stderr.write(`Unknown benchmark "${name}".\n\n`);
  printList();
  process.exitCode = 1;
} else {
  const benchmark = (await import(pathToFileURL(join(benchDir, `${name}.ts`)).href)) as Benchmark;
  process.exitCode = await benchmark.main(args);
}
