// The console page where staff upload a product's pictures with their alt text, put them in
// order and remove them. A plain multipart form: works without JavaScript.
import { html, type SafeHtml } from '../../web/template.ts';
import { errorSummary, form, type FormState } from '../../web/form.ts';
import { imageUrl, MAX_UPLOAD_BYTES } from '../../media/index.ts';
import type { Page } from '../../web/page.ts';
import { ALT_MAX, type ProductImage } from './images.ts';

const labels = { image: 'Picture file', alt: 'Alt text' };

function field(state: FormState, name: 'image' | 'alt', control: SafeHtml, hint: string): SafeHtml {
  const error = state.errors?.[name];
  return html`<p class="field${error ? ' field-error' : ''}">
<label for="f-${name}">${labels[name]}</label>
<span class="hint" id="f-${name}-hint">${hint}</span>
${control}
${error ? html`<span class="error" id="f-${name}-error">${error}</span>` : ''}
</p>`;
}

function aria(state: FormState, name: string): SafeHtml {
  const error = state.errors?.[name];
  return html` aria-describedby="f-${name}-hint${error ? ` f-${name}-error` : ''}"${error ? html` aria-invalid="true"` : ''}`;
}

function pictureRow(base: string, csrf: string, p: ProductImage, index: number, count: number): SafeHtml {
  const small = p.widths[0]!;
  const button = (direction: string, label: string) => form({ action: `${base}/${p.id}/move`, csrf, className: 'inline-form', hidden: { direction } }, html`<button type="submit">${label}</button>`);
  return html`<li class="picture">
<img src="${imageUrl(p.image_id, small)}" width="${small}" height="${Math.round((p.height * small) / p.width)}" alt="${p.alt}" loading="lazy">
<p>${index === 0 ? html`<strong>Main picture.</strong> ` : ''}Alt text: ${p.alt}</p>
<p class="actions">${index > 0 ? html`${button('first', 'Make main picture')} ${button('up', 'Move up')}` : ''} ${index < count - 1 ? button('down', 'Move down') : ''}
${form({ action: `${base}/${p.id}/remove`, csrf, className: 'inline-form' }, html`<button type="submit">Remove</button>`)}</p>
</li>`;
}

export function productImagesPage(o: { productId: string; productName: string; pictures: readonly ProductImage[]; state: FormState; notice?: string }): Page {
  const base = `/staff/catalogue/products/${o.productId}/images`;
  const s = o.state;
  return {
    audience: 'staff',
    title: `Pictures of ${o.productName}`,
    body: html`<section class="console"><h1>Pictures of ${o.productName}</h1>
${o.notice ? html`<div class="notice" role="status"><p>${o.notice}</p></div>` : ''}
${
  o.pictures.length
    ? html`<ol class="pictures">${o.pictures.map((p, i) => pictureRow(base, s.csrf, p, i, o.pictures.length))}</ol>`
    : html`<p>This product has no pictures yet: the shop shows a neutral drawing in their place.</p>`
}
<h2>Add a picture</h2>
${errorSummary(s, labels)}
${form(
  { action: base, csrf: s.csrf, enctype: 'multipart/form-data', className: 'account-form' },
  html`
${field(s, 'image', html`<input id="f-image" name="image" type="file" accept="image/jpeg,image/png,image/webp,image/gif,image/avif" required${aria(s, 'image')}>`, `JPEG, PNG, WebP, GIF or AVIF, at most ${MAX_UPLOAD_BYTES / 1024 / 1024} MB. The shop removes its metadata (camera, place) and makes smaller copies for phones.`)}
${field(s, 'alt', html`<input id="f-alt" name="alt" type="text" required maxlength="${ALT_MAX}" value="${s.values?.alt ?? ''}"${aria(s, 'alt')}>`, 'What the picture shows, for people who cannot see it: “Black 27-inch monitor, front view”.')}
<p><button type="submit">Upload</button></p>
`,
)}
<p><a href="/staff">Back to the console</a></p></section>`,
  };
}
