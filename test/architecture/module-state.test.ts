// No process-wide state (issue 12, decision 0034): a source file under src/ holds nothing at module
// level that changes after it loaded. Registrations (mail templates, listeners, rules) are fields of
// a Module or values in the app and job services that the composition root builds, so two shops in
// one process (the tests run PGlite and PostgreSQL side by side) never see each other's.
// Parsed with the TypeScript compiler. What it reports, for code that runs once when the file loads
// (outside any function or class):
//   - a `let` or `var` declaration (loop heads excepted);
//   - a `const` bound to a container — `new Map/Set/WeakMap/WeakSet(…)`, an array or object
//     literal — that a function of the file mutates: a mutating method (`set`, `add`, `push`,
//     `splice`, …), an assignment, `delete` or `++` through it, or `Object.assign` onto it.
// A lookup table built while the file loads (`const KINDS = new Set(['a', 'b'])`, a catalogue
// filled by a top-level loop) is fine: once loaded, it never changes.
// The check goes by name within a file, so a function-local variable of the same name as a
// module-level one counts too: rename one of them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import ts from 'typescript';
import { type Source, sources } from './sources.ts';

/**
 * Module-level state that is allowed, each with its reason. Keys are `path: name`.
 * Keep this short: a new entry needs a reason a reviewer accepts.
 */
export const ALLOWED: Readonly<Record<string, string>> = {
  // Brands, not registries: each WeakSet/WeakMap answers a question about one object (was this
  // actor minted by the kernel, which internals belong to this kernel). An entry lives and dies
  // with its object, so two kernels or shops in one process never see each other's.
  'src/privacy/actors.ts: minted': 'WeakSet brand of the actors the minting functions made',
  'src/privacy/actors.ts: unconfined': "WeakSet brand of tests' unconfined system actors",
  'src/privacy/internals.ts: contexts': 'WeakMap from each kernel object to its own private context (a private field, by another name)',
  // Caches of values that are the same for every shop in the process.
  'src/privacy/datamap/taxonomy.ts: cached': 'the fideslang taxonomy parsed once from a file shipped with the code',
  'src/commerce/checkout/jobs.ts: processorsByConfig': 'WeakMap cache keyed by the settings object: each shop (each Config) gets its own processors',
  // Memos of pure functions of constant input (decision 0031 §5): the key is the whole input.
  'src/platform/parse-once.ts: memos': 'each text parsed once per parser; every caller gets its own copy',
  'src/web/serialization.ts: compiled': 'each response schema compiled once; a serialiser is a pure function of its schema',
  'src/platform/db/prepared.ts: statementNames': "each marked statement's name computed once; it is a hash of the statement's text",
  'src/web/format.ts: formatters': "each currency's Intl.NumberFormat built once; it is a pure function of the currency code",
  // Instrumentation that changes no behaviour.
  'src/accounts/passwords.ts: verifyCounter': 'counts Argon2id verifications for the enumeration-timing test; nothing reads it to decide',
};

const CONTAINERS = new Set(['Map', 'Set', 'WeakMap', 'WeakSet', 'Array', 'Object']);
const MUTATORS = new Set(['set', 'add', 'delete', 'clear', 'push', 'pop', 'shift', 'unshift', 'splice', 'sort', 'reverse', 'fill', 'copyWithin']);
const ASSIGNMENTS = new Set([
  ts.SyntaxKind.EqualsToken,
  ts.SyntaxKind.PlusEqualsToken,
  ts.SyntaxKind.MinusEqualsToken,
  ts.SyntaxKind.AsteriskEqualsToken,
  ts.SyntaxKind.SlashEqualsToken,
  ts.SyntaxKind.PercentEqualsToken,
  ts.SyntaxKind.AsteriskAsteriskEqualsToken,
  ts.SyntaxKind.LessThanLessThanEqualsToken,
  ts.SyntaxKind.GreaterThanGreaterThanEqualsToken,
  ts.SyntaxKind.GreaterThanGreaterThanGreaterThanEqualsToken,
  ts.SyntaxKind.AmpersandEqualsToken,
  ts.SyntaxKind.BarEqualsToken,
  ts.SyntaxKind.CaretEqualsToken,
  ts.SyntaxKind.AmpersandAmpersandEqualsToken,
  ts.SyntaxKind.BarBarEqualsToken,
  ts.SyntaxKind.QuestionQuestionEqualsToken,
]);

/** `(x as T)!` → `x`. */
function unwrap(node: ts.Expression): ts.Expression {
  let n = node;
  while (ts.isParenthesizedExpression(n) || ts.isAsExpression(n) || ts.isNonNullExpression(n) || ts.isSatisfiesExpression(n) || ts.isTypeAssertionExpression(n)) n = n.expression;
  return n;
}

function isContainer(init: ts.Expression | undefined): boolean {
  if (!init) return false;
  const value = unwrap(init);
  if (ts.isArrayLiteralExpression(value) || ts.isObjectLiteralExpression(value)) return true;
  return ts.isNewExpression(value) && ts.isIdentifier(value.expression) && CONTAINERS.has(value.expression.text);
}

/** Names declared by a binding (`a`, `{ a, b: [c] }`). */
function namesOf(name: ts.BindingName): ts.Identifier[] {
  if (ts.isIdentifier(name)) return [name];
  return name.elements.flatMap((e) => (ts.isOmittedExpression(e) ? [] : namesOf(e.name)));
}

/** The identifier an access chain starts from: `a.b[c].d` → `a`. */
function baseOf(node: ts.Expression): ts.Identifier | null {
  let n = unwrap(node);
  while (ts.isPropertyAccessExpression(n) || ts.isElementAccessExpression(n)) n = unwrap(n.expression);
  return ts.isIdentifier(n) ? n : null;
}

/** The identifier whose contents `target` writes: `a.b = …`, `a[k] = …` → `a`; a bare `a = …` is not a write to contents. */
function writtenContainer(target: ts.Expression): ts.Identifier | null {
  const t = unwrap(target);
  return ts.isPropertyAccessExpression(t) || ts.isElementAccessExpression(t) ? baseOf(t) : null;
}

const isFunctionBoundary = (node: ts.Node) => ts.isFunctionLike(node) || ts.isClassLike(node);
const isLoopHead = (list: ts.VariableDeclarationList) => ts.isForStatement(list.parent) || ts.isForOfStatement(list.parent) || ts.isForInStatement(list.parent);

export function moduleStateFindings(path: string, text: string): string[] {
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const findings: string[] = [];
  const containers = new Map<string, ts.Node>();
  const line = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;

  // Declarations evaluated once, when the file loads.
  const visitTop = (node: ts.Node): void => {
    if (isFunctionBoundary(node)) return;
    if (ts.isVariableDeclarationList(node) && !isLoopHead(node) && !(node.parent && ts.isCatchClause(node.parent))) {
      const mutable = !(node.flags & (ts.NodeFlags.Const | ts.NodeFlags.Using | ts.NodeFlags.AwaitUsing));
      for (const declaration of node.declarations) {
        for (const id of namesOf(declaration.name)) {
          if (mutable) findings.push(`${path}:${line(id)}: module-level \`${node.flags & ts.NodeFlags.Let ? 'let' : 'var'} ${id.text}\``);
          else if (isContainer(declaration.initializer)) containers.set(id.text, id);
        }
      }
    }
    ts.forEachChild(node, visitTop);
  };
  visitTop(source);
  if (containers.size === 0) return findings;

  // Writes to those containers from inside a function (once the file has loaded).
  const mutated = new Map<string, number>();
  let depth = 0;
  const note = (id: ts.Identifier | null, at: ts.Node) => {
    if (depth > 0 && id && containers.has(id.text) && !mutated.has(id.text)) mutated.set(id.text, line(at));
  };
  const visitAll = (node: ts.Node): void => {
    if (isFunctionBoundary(node)) {
      depth++;
      ts.forEachChild(node, visitAll);
      depth--;
      return;
    }
    if (ts.isCallExpression(node)) {
      const callee = unwrap(node.expression);
      if (ts.isPropertyAccessExpression(callee) && MUTATORS.has(callee.name.text)) note(baseOf(callee.expression), node);
      if (
        ts.isPropertyAccessExpression(callee) &&
        ts.isIdentifier(callee.expression) &&
        callee.expression.text === 'Object' &&
        ['assign', 'defineProperty', 'defineProperties', 'setPrototypeOf'].includes(callee.name.text) &&
        node.arguments[0]
      ) {
        note(baseOf(node.arguments[0]), node);
      }
    }
    if (ts.isBinaryExpression(node) && ASSIGNMENTS.has(node.operatorToken.kind)) note(writtenContainer(node.left), node);
    if ((ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) && (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken)) {
      note(writtenContainer(node.operand), node);
    }
    if (ts.isDeleteExpression(node)) note(writtenContainer(node.expression), node);
    ts.forEachChild(node, visitAll);
  };
  visitAll(source);
  for (const [name, at] of mutated) findings.push(`${path}:${line(containers.get(name)!)}: module-level \`${name}\` is mutated (line ${at})`);
  return findings;
}

const isProductionSource = (path: string) => path.startsWith('src/') && !/\.test\.ts$/.test(path) && !/\/testing(\/|\.ts$)|\/test-support\.ts$/.test(path);

/** Findings in production sources under src/ that the allow-list does not excuse. */
export function moduleStateViolations(all: Source[]): { violations: string[]; allowedSeen: Set<string> } {
  const violations: string[] = [];
  const allowedSeen = new Set<string>();
  for (const { path, text } of all) {
    if (!isProductionSource(path)) continue;
    for (const finding of moduleStateFindings(path, text)) {
      const name = /`(?:let |var )?([\w$]+)`/.exec(finding)?.[1];
      const key = `${path}: ${name}`;
      if (Object.hasOwn(ALLOWED, key)) allowedSeen.add(key);
      else violations.push(finding);
    }
  }
  return { violations, allowedSeen };
}

test('no source file under src/ keeps mutable state at module level', () => {
  const all = sources();
  assert.ok(all.filter((s) => isProductionSource(s.path)).length > 200, 'the check sees the sources');
  const { violations, allowedSeen } = moduleStateViolations(all);
  assert.deepEqual(violations, []);
  assert.deepEqual(
    Object.keys(ALLOWED).filter((k) => !allowedSeen.has(k)),
    [],
    'every allow-list entry still names a finding',
  );
});

test('the check reports module-level state that changes after load, and only that', () => {
  const probe = (text: string) => moduleStateViolations([{ path: 'src/comms/probe.ts', text }]).violations.length;
  assert.equal(probe('let active = 1;\nexport const use = (n: number) => { active = n; };'), 1, 'a top-level let');
  assert.equal(probe('export var n = 0;'), 1, 'a top-level var');
  assert.equal(probe('const registry = new Map<string, string>();\nexport function register(k: string) { registry.set(k, k); }'), 1, 'a Map filled by a function');
  assert.equal(probe('const listeners = new Set<() => void>();\nexport const on = (f: () => void) => listeners.add(f);'), 1, 'a Set filled by an arrow function');
  assert.equal(probe('const all: string[] = [];\nexport function add(s: string) { (all as string[]).push(s); }'), 1, 'an array pushed to through a cast');
  assert.equal(probe('const state = { n: 0 };\nexport function bump() { state.n++; }'), 1, 'an object whose field changes');
  assert.equal(probe('const cache: Record<string, number> = {};\nexport function put(k: string) { cache[k] = 1; }'), 1, 'an object written by key');
  assert.equal(probe('if (true) { let hidden = 0; }'), 1, 'a let in a top-level block');
  assert.equal(probe('const KINDS = new Set([1, 2]);\nexport const isKind = (n: number) => KINDS.has(n);'), 0, 'a read-only lookup');
  assert.equal(probe('const byCode = new Map<number, string>();\nfor (const c of [1, 2]) byCode.set(c, String(c));\nexport const code = (n: number) => byCode.get(n);'), 0, 'filled while loading');
  assert.equal(probe('export function f() { let n = 0; const m = new Map(); m.set(1, n++); return m; }'), 0, 'state inside a function');
  assert.equal(probe('for (let i = 0; i < 2; i++) void i;'), 0, 'a loop head');
  assert.equal(moduleStateViolations([{ path: 'src/comms/probe.test.ts', text: 'let n = 0;' }]).violations.length, 0, 'tests may');
});
