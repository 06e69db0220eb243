// Attributes from a record, and URLs that are safe to put in href/action. Values are escaped by the
// template; names are checked here, because a name cannot be escaped into safety.
import { html, type SafeHtml } from './template.ts';

export type AttrValue = string | number | boolean | null | undefined;

const NAME = /^[a-z][a-z0-9-]*$/;

/** ` name="value"` for each entry; `true` is a bare attribute, `false`/null/undefined leave it out. */
export function attrs(record: Readonly<Record<string, AttrValue>>): SafeHtml {
  const parts: SafeHtml[] = [];
  for (const [name, value] of Object.entries(record)) {
    if (!NAME.test(name)) throw new Error(`Not an attribute name: ${JSON.stringify(name)}`);
    if (value === false || value === null || value === undefined) continue;
    const href = name === 'href' || name === 'action' || name === 'src' || name === 'formaction';
    parts.push(value === true ? html` ${name}` : html` ${name}="${href ? safeUrl(String(value)) : String(value)}"`);
  }
  return html`${parts}`;
}

const SAFE_SCHEMES = new Set(['http:', 'https:', 'mailto:', 'tel:']);

/**
 * The URL when it is a path on this site (`/…`, `?…`, `#…`) or an http(s), mailto or tel URL;
 * otherwise `#`. `javascript:`, `data:` and `//host` (another site) are refused however spelled.
 */
export function safeUrl(url: string): string {
  // Browsers drop these before parsing a scheme, so `java\tscript:` is still javascript:.
  const bare = url.replace(/[\u0000-\u0020\u007f]/g, '');
  if (/^[/?#]/.test(bare)) return bare.startsWith('//') || bare.startsWith('/\\') ? '#' : url;
  let parsed: URL;
  try {
    parsed = new URL(bare);
  } catch {
    return '#';
  }
  return SAFE_SCHEMES.has(parsed.protocol) ? url : '#';
}
