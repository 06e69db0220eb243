// The accounts module queries its tables through the query builder on `accountsDb(db)` (issue 12),
// so every column a query names is checked against `AccountsTables` (src/accounts/tables.ts) by
// the compiler. A whole statement written as raw SQL (`sql`…`.execute()`, `sql.raw`,
// `CompiledQuery.raw`) in the module's production code fails here unless the allow-list below
// names it with its reason. SQL fragments inside builder calls (`now()`, `xmax = 0`) are fine.
// And the types the builder checks against are the tables the migrations make: every column, its
// kind, whether it may be null and whether the database fills it.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import ts from 'typescript';
import { testEachDatabase } from '../../src/platform/testing/databases.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const MODULE = 'src/accounts';

/** Raw statements that stay raw: the file, how the statement starts, and why. */
const ALLOWED: { file: string; starts: string; reason: string }[] = [
  { file: 'src/accounts/customers.ts', starts: 'select pg_advisory_xact_lock(', reason: 'an advisory lock serialising work on one email; it reads no table' },
  { file: 'src/accounts/identity.ts', starts: 'select pg_advisory_xact_lock(', reason: 'an advisory lock so two processes starting at once make one decoy; it reads no table' },
  { file: 'src/accounts/staff.ts', starts: 'select pg_advisory_xact_lock(', reason: 'an advisory lock so two owners cannot remove the last owner at once; it reads no table' },
];

/** Test code: tests and the module's test helper. */
const isTestCode = (path: string) => path.endsWith('.test.ts') || path === `${MODULE}/testing.ts`;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [relative(root, path)] : [];
  });
}

const STATEMENT = /^(with|select|insert|update|delete|merge)\b/i;

/** The text of a template with each `${…}` as a blank, and of a string literal. */
function textOf(node: ts.Node): string | null {
  if (ts.isNoSubstitutionTemplateLiteral(node) || ts.isStringLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return node.head.text + node.templateSpans.map((s) => ` ${s.literal.text}`).join('');
  return null;
}

/** Every raw statement a file runs: its line and its text, whitespace collapsed. */
function rawStatements(file: string, source: string): { line: number; text: string }[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const found: { line: number; text: string }[] = [];
  const visit = (node: ts.Node) => {
    let text: string | null = null;
    let executed = false;
    if (ts.isTaggedTemplateExpression(node) && ts.isIdentifier(node.tag) && node.tag.text === 'sql') {
      text = textOf(node.template);
      const parent = node.parent;
      executed = ts.isPropertyAccessExpression(parent) && parent.name.text === 'execute';
    } else if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'raw' && node.arguments[0]) {
      text = textOf(node.arguments[0]);
    }
    const statement = text
      ?.replace(/\/\*.*?\*\//gs, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    if (statement !== undefined && (executed || STATEMENT.test(statement))) {
      found.push({ line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, text: statement });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

test('the accounts module runs no raw SQL statement on its tables: its queries go through the typed query builder', () => {
  const files = sourceFiles(join(root, MODULE)).filter((f) => !isTestCode(f));
  assert.ok(files.includes(`${MODULE}/sessions.ts`), 'the walk finds the module');
  const used = new Set<number>();
  const unlisted: string[] = [];
  for (const file of files) {
    for (const { line, text } of rawStatements(file, readFileSync(join(root, file), 'utf8'))) {
      const i = ALLOWED.findIndex((a) => a.file === file && text.startsWith(a.starts));
      if (i < 0) unlisted.push(`${file}:${line}: ${text.slice(0, 100)}`);
      else used.add(i);
    }
  }
  assert.deepEqual(unlisted, [], 'write these with accountsDb(db) (or allow-list them here with the reason the builder cannot say them)');
  assert.deepEqual(
    ALLOWED.filter((_, i) => !used.has(i)).map((a) => `${a.file}: ${a.starts}`),
    [],
    'allow-list entries that match nothing any more',
  );
});

test('the raw-statement finder sees raw statements and lets builder fragments pass', () => {
  const found = rawStatements(
    'probe.ts',
    [
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text of a probe file
      'await sql`select * from accounts_users where id = ${id}`.execute(db);',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text of a probe file
      'await sql<{ n: number }>`${prepared}with d as (delete from accounts_sessions returning 1) select count(*) from d`.execute(db);',
      "await db.executeQuery(CompiledQuery.raw('delete from accounts_tokens'));",
      'await sql`  /* why */ update accounts_throttle set failures = 0`.execute(db);',
      "await t.updateTable('accounts_tokens').set({ used_at: sql<Date>`now()` }).execute();",
      "await t.insertInto('accounts_known_networks').values(v).returning(sql<boolean>`(xmax = 0)`.as('inserted')).execute();",
    ].join('\n'),
  );
  assert.deepEqual(
    found.map((f) => f.line),
    [1, 2, 3, 4],
  );
});

/** The columns `AccountsTables` declares, from tables.ts: per table, per column, what the type says. */
function declaredColumns(): Map<string, Map<string, { kind: string; nullable: boolean; filled: boolean }>> {
  const file = `${MODULE}/tables.ts`;
  const sf = ts.createSourceFile(file, readFileSync(join(root, file), 'utf8'), ts.ScriptTarget.Latest, true);
  const interfaces = new Map(sf.statements.filter(ts.isInterfaceDeclaration).map((d) => [d.name.text, d]));
  const members = (d: ts.InterfaceDeclaration) => d.members.filter(ts.isPropertySignature).map((m) => [(m.name as ts.Identifier).text, m.type!] as const);
  // Generated<T>, GeneratedAlways<T>, or a ColumnType whose insert type admits undefined.
  const filledByDatabase = (type: ts.TypeNode) =>
    ts.isTypeReferenceNode(type) &&
    (/^Generated(Always)?$/.test(type.typeName.getText(sf)) || (type.typeName.getText(sf) === 'ColumnType' && /\bundefined\b/.test(type.typeArguments?.[1]?.getText(sf) ?? '')));
  const kindOf = (type: string) =>
    /\bDate\b/.test(type)
      ? 'timestamp with time zone'
      : /\bBytes\b/.test(type)
        ? 'bytea'
        : /\bnumber\b/.test(type)
          ? 'number'
          : /\bboolean\b/.test(type)
            ? 'boolean'
            : /^ColumnType<Record</.test(type)
              ? 'jsonb'
              : 'text';
  return new Map(
    members(interfaces.get('AccountsTables')!).map(([table, name]) => [
      table,
      new Map(
        members(interfaces.get(name.getText(sf))!).map(([column, type]) => [
          column,
          { kind: kindOf(type.getText(sf)), nullable: /\|\s*null\b/.test(type.getText(sf)), filled: filledByDatabase(type) },
        ]),
      ),
    ]),
  );
}

const KINDS: Record<string, string> = {
  uuid: 'text',
  text: 'text',
  integer: 'number',
  bigint: 'number',
  boolean: 'boolean',
  bytea: 'bytea',
  jsonb: 'jsonb',
  'timestamp with time zone': 'timestamp with time zone',
};

testEachDatabase('AccountsTables declares exactly the columns the accounts migrations make: kind, null and database-filled', async ({ db }) => {
  const { rows } = await sql<{ table_name: string; column_name: string; data_type: string; is_nullable: string; column_default: string | null; is_identity: string }>`
    select table_name, column_name, data_type, is_nullable, column_default, is_identity from information_schema.columns
    where table_schema = current_schema() and table_name like 'accounts\\_%' order by table_name, ordinal_position`.execute(db);
  const actual = new Map<string, Map<string, { kind: string; nullable: boolean; filled: boolean }>>();
  for (const r of rows) {
    if (!actual.has(r.table_name)) actual.set(r.table_name, new Map());
    actual.get(r.table_name)!.set(r.column_name, { kind: KINDS[r.data_type] ?? r.data_type, nullable: r.is_nullable === 'YES', filled: r.column_default !== null || r.is_identity === 'YES' });
  }
  assert.ok(actual.has('accounts_users'), 'the migrations made the accounts tables');
  const sorted = (m: Map<string, Map<string, unknown>>) =>
    Object.fromEntries([...m].sort(([a], [b]) => a.localeCompare(b)).map(([t, cols]) => [t, Object.fromEntries([...cols].sort(([a], [b]) => a.localeCompare(b)))]));
  assert.deepEqual(sorted(declaredColumns()), sorted(actual));
});
