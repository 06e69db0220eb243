// The one layout every page renders into. No inline script or style: the strict CSP forbids both.
import { responsiveImage, type ImageSource } from './image.ts';
import { html, type SafeHtml } from './template.ts';

/** The shop's look, set by the owner (src/brand): its colour stylesheet and its logo. */
export interface LayoutBrand {
  /** URL of the colour stylesheet, versioned by its content (cached for a year). */
  stylesheet: string;
  logo: { sources: readonly ImageSource[]; width: number; height: number; alt: string } | null;
}

export interface LayoutOptions {
  shopName: string;
  title: string;
  body: SafeHtml;
  /** Text for the search box, when the page is a search result. */
  query?: string;
  description?: string;
  /** The owner's colours and logo; without it the page has app.css's colours and no logo. */
  brand?: LayoutBrand | undefined;
}

export function layout(o: LayoutOptions): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${o.title} · ${o.shopName}</title>
${o.description ? html`<meta name="description" content="${o.description}">` : ''}
<link rel="stylesheet" href="/static/app.css">
${o.brand ? html`<link rel="stylesheet" href="${o.brand.stylesheet}">` : ''}
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site-header">
  <a class="brand" href="/">${o.brand?.logo ? html`${responsiveImage({ ...o.brand.logo, sizes: '10rem', eager: true, className: 'brand-logo' })} ` : ''}${o.shopName}</a>
  <form class="search" action="/search" method="get" role="search">
    <label for="q" class="visually-hidden">Search products</label>
    <input id="q" name="q" type="search" maxlength="200" placeholder="Search products" value="${o.query ?? ''}">
    <button type="submit">Search</button>
  </form>
  <nav aria-label="Site">
    <a href="/catalogue">Catalogue</a>
    <a href="/cart">Cart</a>
    <a href="/account">Account</a>
  </nav>
</header>
<main id="main">
${o.body}
</main>
<footer class="site-footer">
  <p>${o.shopName} runs on Custodian. This site loads nothing from other websites and uses no trackers.</p>
  <nav aria-label="Footer"><a href="/privacy">Privacy</a> <a href="/vendor">Vendor portal</a> <a href="/staff">Staff</a></nav>
</footer>
</body>
</html>`;
}
