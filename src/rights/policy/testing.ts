// What the policy tests share: fetching a page as a browser would, its text as a reader sees it,
// and a copy of the data map with additions.
import { appendFileSync, cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

export function getPage(app: FastifyInstance, url: string) {
  return app.inject({ url, headers: { accept: 'text/html,application/xhtml+xml' } });
}

const entities: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&#96;': '`' };

/** The text of an HTML fragment: tags dropped, entities decoded, white space collapsed. */
export function pageText(markup: string): string {
  return markup
    .replace(/<[^>]+>/g, ' ')
    .replace(/&(?:amp|lt|gt|quot|#39|#96);/g, (e) => entities[e]!)
    .replace(/\s+/g, ' ')
    .replace(/ ([.,:;)])/g, '$1')
    .trim();
}

/** The markup of the element with this id, up to its closing `</tag>` (no nesting of the same tag inside). */
export function elementById(markup: string, id: string, tag = 'div'): string {
  const match = new RegExp(`<${tag}[^>]* id="${id}"[^>]*>([\\s\\S]*?)</${tag}>`).exec(markup);
  if (!match) throw new Error(`no <${tag} id="${id}"> in the page`);
  return match[1]!;
}

/** A copy of the shop's data map in a temp dir, with YAML lines appended to some of its files. */
export function dataMapWith(additions: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'custodian-policy-map-'));
  cpSync(fileURLToPath(new URL('../../../datamap/', import.meta.url)), dir, { recursive: true });
  for (const [file, yaml] of Object.entries(additions)) appendFileSync(join(dir, file), `\n${yaml.replace(/^\n+/, '').trimEnd()}\n`);
  return dir;
}
