// No module reaches the kernel's keys or its root database handle: outside src/privacy no file
// imports the kernel's internals (context, internals accessor, crypto) nor reads a key-holding
// property (keyring, rootDb, masterKeys, keyCache, blind) or the old `kernel.context`. Parsed with
// the TypeScript compiler, so a comment or a string naming them does not count.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('../../', import.meta.url));
const privacyDir = join(root, 'src/privacy');

const internalModules = [/^context\.ts$/, /^internals\.ts$/, /^crypto\//];
const keyProperties = new Set(['keyring', 'rootDb', 'masterKeys', 'keyCache', 'blind']);
const internalNames = new Set(['kernelInternals', 'attachInternals', 'KernelContext', 'FileKeyring', 'kernelOf']);

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name.startsWith('.')) return [];
    if (statSync(path).isDirectory()) return tsFiles(path);
    return /\.(ts|mts|js|mjs)$/.test(name) ? [path] : [];
  });
}

/** Where a file outside src/privacy reaches the kernel's internals. */
export function internalsViolations(files: string[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    if (resolve(file).startsWith(`${privacyDir}/`)) continue;
    const where = relative(root, file);
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const checkSpecifier = (spec: string) => {
      if (!spec.startsWith('.')) return;
      const target = relative(privacyDir, resolve(dirname(file), spec));
      if (!target.startsWith('..') && internalModules.some((m) => m.test(target))) found.push(`${where}: imports src/privacy/${target}`);
    };
    const visit = (node: ts.Node): void => {
      if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) checkSpecifier(node.moduleSpecifier.text);
      if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) checkSpecifier(node.arguments[0].text);
      if (ts.isPropertyAccessExpression(node)) {
        const name = node.name.text;
        if (keyProperties.has(name)) found.push(`${where}: .${name}`);
        if (name === 'context' && /privacy|kernel/i.test(node.expression.getText(source))) found.push(`${where}: ${node.getText(source)}`);
      }
      if (ts.isElementAccessExpression(node) && ts.isStringLiteral(node.argumentExpression)) {
        const name = node.argumentExpression.text;
        if (keyProperties.has(name) || (name === 'context' && /privacy|kernel/i.test(node.expression.getText(source)))) found.push(`${where}: [${name}]`);
      }
      if (ts.isIdentifier(node) && internalNames.has(node.text)) found.push(`${where}: ${node.text}`);
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return [...new Set(found)];
}

test('no file outside src/privacy reaches the kernel keyring, root database handle or other internals', () => {
  const files = ['src', 'test', 'bench', 'scripts'].flatMap((d) => {
    try {
      return tsFiles(join(root, d));
    } catch {
      return [];
    }
  });
  assert.ok(files.length > 100);
  assert.deepEqual(internalsViolations(files), []);

  // The check does catch each way in, and only code (not a comment or a string).
  const dir = mkdtempSync(join(tmpdir(), 'custodian-internals-'));
  const probe = join(dir, 'probe.ts');
  const rel = relative(dir, privacyDir);
  writeFileSync(
    probe,
    [
      `import { kernelInternals } from '${rel}/internals.ts';`,
      `import type { KernelContext } from '${rel}/context.ts';`,
      `import { FileKeyring } from '${rel}/crypto/keyring.ts';`,
      'const a = app.privacy.context.keyring;',
      'const b = kernel.context.rootDb;',
      "const c = app.privacy['context'];",
      '// app.privacy.context.keyring in a comment is fine',
      "const d = 'rootDb in a string is fine';",
    ].join('\n'),
  );
  const seen = internalsViolations([probe]).map((v) => v.replace(/^.*?: /, ''));
  for (const expected of [
    'imports src/privacy/internals.ts',
    'imports src/privacy/context.ts',
    'imports src/privacy/crypto/keyring.ts',
    '.keyring',
    '.rootDb',
    'app.privacy.context',
    'kernel.context',
    '[context]',
    'kernelInternals',
    'KernelContext',
    'FileKeyring',
  ]) {
    assert.ok(seen.includes(expected), `the check misses ${expected}: ${JSON.stringify(seen)}`);
  }
  assert.equal(seen.filter((v) => /fine/.test(v)).length, 0);
});
