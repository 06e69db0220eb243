// Parsing the same constant text again and again is pure waste: every app a process builds (a test
// process builds dozens) reads the same data map and promise catalogue. Each text is parsed once
// per parser and process; every caller gets a copy of its own, so no caller can change another's.
// This is a memo of a pure function, not shared state (decision 0034).
const memos = new WeakMap<(text: string) => unknown, Map<string, unknown>>();

export function parsedOnce<T>(text: string, parse: (text: string) => T): T {
  let memo = memos.get(parse);
  if (!memo) {
    memo = new Map();
    memos.set(parse, memo);
  }
  if (!memo.has(text)) memo.set(text, parse(text));
  return structuredClone(memo.get(text)) as T;
}
