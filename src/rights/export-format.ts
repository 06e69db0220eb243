// The export's format for people and for programs: /privacy/export-format explains each section in
// words, generated from the same schema a program validates against (/privacy/export-schema.json,
// which is docs/export-schema.json as shipped), so the two cannot disagree.
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { sendPage, type Page } from '../web/page.ts';
import { html } from '../web/template.ts';

interface SectionRule {
  if: { properties: { id: { const: string } } };
  then: { properties: { records: { items: { properties: Record<string, { description?: string }> } } } };
}

const schemaText = readFileSync(new URL('../../docs/export-schema.json', import.meta.url), 'utf8');
const schema = JSON.parse(schemaText) as { title: string; description: string; $defs: { section: { allOf: SectionRule[] } } };

export function exportFormatPage(): Page {
  const sections = schema.$defs.section.allOf.map((rule) => ({ id: rule.if.properties.id.const, fields: Object.entries(rule.then.properties.records.items.properties) }));
  return {
    audience: 'storefront',
    title: 'The format of your data',
    body: html`<article class="policy"><h1>The format of your data</h1>
<p>${schema.description}</p>
<p>The file is JSON: an object with <code>format</code> (<code>custodian-export/1</code>), <code>generated_at</code>, <code>shop</code> and <code>sections</code>, a list of sections each with an <code>id</code>, a <code>title</code>, a <code>description</code> and its <code>records</code>. Programs can check a file against the <a href="/privacy/export-schema.json">JSON Schema</a>.</p>
${sections.map((s) => html`<section class="policy-item"><h2>${s.id}</h2><p>Each record has: ${s.fields.map(([name, f], i) => html`${i ? ', ' : ''}<code>${name}</code>${f.description ? ` (${f.description})` : ''}`)}.</p></section>`)}
<p><a href="/account/privacy">Back to your privacy</a></p></article>`,
  };
}

export async function exportFormatRoutes(app: FastifyInstance): Promise<void> {
  app.get('/privacy/export-format', { schema: { hide: true } }, async (request, reply) => sendPage(request, reply, exportFormatPage()));
  app.get('/privacy/export-schema.json', { schema: { hide: true } }, async (_request, reply) => reply.type('application/schema+json').header('cache-control', 'public, max-age=3600').send(schemaText));
}
