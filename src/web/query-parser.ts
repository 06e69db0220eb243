// Query strings and form bodies, parsed like the default parser (repeated names become arrays,
// `+` is a space) with one difference: a value or name whose percent-encoding is not valid UTF-8
// is not kept as its raw text. It is marked with a lone surrogate, which the clean-text check
// (text-check.ts) then refuses with a 400 naming the field.
const BROKEN = '\ud800';

function decode(text: string): string {
  const spaced = text.includes('+') ? text.replace(/\+/g, ' ') : text;
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return BROKEN;
  }
}

export function parseQuery(text: string): Record<string, string | string[]> {
  const out = Object.create(null) as Record<string, string | string[]>;
  if (!text) return out;
  for (const pair of text.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const name = decode(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : decode(pair.slice(eq + 1));
    const seen = out[name];
    if (seen === undefined) out[name] = value;
    else if (Array.isArray(seen)) seen.push(value);
    else out[name] = [seen, value];
  }
  return out;
}
