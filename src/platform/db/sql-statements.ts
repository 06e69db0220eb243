// Splits a block of SQL into its statements at the semicolons that end them, and only those: a
// semicolon inside a quoted string, a quoted identifier, a comment or a dollar-quoted body (a
// function's `$$ … $$`) belongs to the statement. Migrations are run one statement at a time
// because the extended query protocol takes a single statement per query.

export function splitStatements(text: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let i = 0;
  const push = (end: number) => {
    const statement = text.slice(start, end).trim();
    if (statement && !isOnlyComments(statement)) statements.push(statement);
  };
  while (i < text.length) {
    const c = text[i]!;
    const next = text[i + 1];
    if (c === ';') {
      push(i);
      start = ++i;
    } else if (c === '-' && next === '-') {
      i = lineEnd(text, i);
    } else if (c === '/' && next === '*') {
      i = blockCommentEnd(text, i);
    } else if (c === "'") {
      i = quotedEnd(text, i, "'", isEscapeString(text, i));
    } else if (c === '"') {
      i = quotedEnd(text, i, '"', false);
    } else if (c === '$') {
      const tag = dollarTag(text, i);
      if (tag === null) i++;
      else {
        const close = text.indexOf(tag, i + tag.length);
        if (close < 0) throw new Error(`unterminated dollar-quoted string ${tag}`);
        i = close + tag.length;
      }
    } else i++;
  }
  push(text.length);
  return statements;
}

function lineEnd(text: string, from: number): number {
  const end = text.indexOf('\n', from);
  return end < 0 ? text.length : end + 1;
}

/** PostgreSQL's block comments nest. */
function blockCommentEnd(text: string, from: number): number {
  let depth = 0;
  let i = from;
  while (i < text.length) {
    if (text.startsWith('/*', i)) {
      depth++;
      i += 2;
    } else if (text.startsWith('*/', i)) {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  throw new Error('unterminated block comment');
}

function quotedEnd(text: string, from: number, quote: string, backslashEscapes: boolean): number {
  let i = from + 1;
  while (i < text.length) {
    const c = text[i]!;
    if (backslashEscapes && c === '\\') i += 2;
    else if (c === quote) {
      if (text[i + 1] === quote)
        i += 2; // a doubled quote stands for itself
      else return i + 1;
    } else i++;
  }
  throw new Error(`unterminated ${quote === "'" ? 'string' : 'quoted identifier'}`);
}

/** `E'…'` strings take backslash escapes; the E must not end a longer identifier. */
function isEscapeString(text: string, quoteAt: number): boolean {
  const before = text[quoteAt - 1];
  return (before === 'E' || before === 'e') && !/[A-Za-z0-9_$]/.test(text[quoteAt - 2] ?? '');
}

/** `$tag$` or `$$` opening a dollar-quoted string at `at`, or null (a `$1` parameter, say). */
function dollarTag(text: string, at: number): string | null {
  if (/[A-Za-z0-9_]/.test(text[at - 1] ?? '')) return null; // part of an identifier
  const match = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(at, at + 64));
  return match ? match[0] : null;
}

function isOnlyComments(statement: string): boolean {
  return (
    statement
      .replace(/--[^\n]*(\n|$)/g, '')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .trim() === ''
  );
}
