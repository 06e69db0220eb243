// The console page where the owner sets the shop's logo and colours. A plain multipart form.
import { imageUrl, MAX_UPLOAD_BYTES } from '../media/index.ts';
import { errorSummary, form, type FormState } from '../web/form.ts';
import type { Page } from '../web/page.ts';
import { html, type SafeHtml } from '../web/template.ts';
import { MIN_CONTRAST } from './contrast.ts';
import type { Brand } from './settings.ts';

const labels = { primary: 'Main colour', accent: 'Accent colour', logo: 'Logo file', logo_alt: 'Logo alt text' };
type Name = keyof typeof labels;

function field(state: FormState, name: Name, control: (aria: SafeHtml) => SafeHtml, hint: string): SafeHtml {
  const error = state.errors?.[name];
  const aria = html` aria-describedby="f-${name}-hint${error ? ` f-${name}-error` : ''}"${error ? html` aria-invalid="true"` : ''}`;
  return html`<p class="field${error ? ' field-error' : ''}">
<label for="f-${name}">${labels[name]}</label>
<span class="hint" id="f-${name}-hint">${hint}</span>
${control(aria)}
${error ? html`<span class="error" id="f-${name}-error">${error}</span>` : ''}
</p>`;
}

export function brandPage(o: { brand: Brand; state: FormState; notice?: string }): Page {
  const s = o.state;
  const value = (name: 'primary' | 'accent') => s.values?.[name] || o.brand[name];
  const logo = o.brand.logo;
  return {
    audience: 'staff',
    title: 'Logo and colours',
    body: html`<section class="console"><h1>Logo and colours</h1>
${o.notice ? html`<div class="notice" role="status"><p>${o.notice}</p></div>` : ''}
${
  logo
    ? html`<p>The logo now: <img src="${imageUrl(logo.imageId, logo.widths[0]!)}" width="${logo.widths[0]}" height="${Math.round((logo.height * logo.widths[0]!) / logo.width)}" alt="${logo.alt}" class="brand-logo"></p>
${form({ action: '/staff/brand/logo/remove', csrf: s.csrf, className: 'inline-form' }, html`<button type="submit" class="secondary">Remove the logo</button>`)}`
    : html`<p>The shop has no logo: its name stands alone in the header.</p>`
}
${errorSummary(s, labels)}
${form(
  { action: '/staff/brand', csrf: s.csrf, enctype: 'multipart/form-data', className: 'account-form' },
  html`
${field(s, 'primary', (aria) => html`<input id="f-primary" name="primary" type="color" value="${value('primary')}" required${aria}>`, `Buttons and links. White text on it must have a contrast of at least ${MIN_CONTRAST}:1, so pick a dark shade.`)}
${field(s, 'accent', (aria) => html`<input id="f-accent" name="accent" type="color" value="${value('accent')}" required${aria}>`, `Headings and the line above the header; as dark as the main colour.`)}
${field(s, 'logo', (aria) => html`<input id="f-logo" name="logo" type="file" accept="image/png,image/webp,image/jpeg,image/gif,image/avif"${aria}>`, `Optional: a new logo (PNG, WebP, JPEG, GIF or AVIF, at most ${MAX_UPLOAD_BYTES / 1024 / 1024} MB). Leave empty to keep the current one.`)}
${field(s, 'logo_alt', (aria) => html`<input id="f-logo_alt" name="logo_alt" type="text" maxlength="300" value="${s.values?.logo_alt ?? logo?.alt ?? ''}"${aria}>`, 'What the logo says, for people who cannot see it (usually the shop’s name). Required with a logo.')}
<p><button type="submit">Save</button></p>
`,
)}
<p><a href="/staff">Back to the console</a></p></section>`,
  };
}
