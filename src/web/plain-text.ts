// Text a person typed (the owner's shop pages, the vendors' data-use terms) as HTML: paragraphs
// split by blank lines, a block whose lines all start with "- " a list, single line breaks kept;
// every piece escaped like any other text.
import { html, type SafeHtml } from './template.ts';

export function renderText(text: string): SafeHtml[] {
  return text
    .split(/\n\s*\n/)
    .map((block) => block.trim())
    .filter(Boolean)
    .map((block) => {
      const lines = block.split('\n').map((l) => l.trim());
      if (lines.every((l) => l.startsWith('- '))) return html`<ul>${lines.map((l) => html`<li>${l.slice(2).trim()}</li>`)}</ul>`;
      return html`<p>${lines.map((l, i) => html`${i ? html`<br>` : ''}${l}`)}</p>`;
    });
}
