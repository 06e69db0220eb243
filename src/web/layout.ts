// The layout of each audience: storefront, account, vendor portal, staff console, privacy desk.
// Each has its own header and navigation; the current link is aria-current. No inline script or
// style: the strict CSP forbids both.
import { responsiveImage, type ImageSource } from './image.ts';
import { currentHref, navLinks } from './nav.ts';
import { html, type SafeHtml, trustedHtml } from './template.ts';

export type Audience = 'storefront' | 'account' | 'vendor' | 'staff' | 'dpo';

/** What the header shows of this visitor, filled per request by the modules that know it. */
export interface ShopHeader {
  /** Items in the visitor's cart (storefront). */
  cartCount?: number;
  /** The signed-in staff member's role (staff console links). */
  staffRole?: string;
}

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
  audience: Audience;
  /** The request's path, to mark the current link. */
  path?: string;
  header?: ShopHeader;
  /** Text for the search box, when the page is a search result. */
  query?: string;
  description?: string;
  /** The owner's colours and logo; without it the page has app.css's colours and no logo. */
  brand?: LayoutBrand | undefined;
  /** A notice shown above the page (a flash after a redirect). */
  flash?: string;
  /** A notice to every visitor of every page (a privacy-policy change), computed by the module that knows it. */
  siteNotices?: readonly SiteNotice[] | undefined;
  /** Leaves a marker where the cart count goes, for pages cached for every visitor (fillCartCount). */
  deferCartCount?: boolean;
}

/**
 * "LEAD DATE: SUMMARY — LINK", on every page for a while: a privacy-policy change (decision 0052),
 * the sale of the shop (decision 0053).
 */
export interface SiteNotice {
  /** "Our privacy policy changed on", "This shop passes to Acme Ltd on". */
  lead: string;
  /** The UTC day it takes or took effect. */
  day: Date;
  summary: string;
  href: string;
  /** The link's words: "read it". */
  link: string;
}

const CART_MARKER = '<!--cart-count-->';
const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function siteNotice(n: SiteNotice): SafeHtml {
  const words = `${n.day.getUTCDate()} ${months[n.day.getUTCMonth()]} ${n.day.getUTCFullYear()}`;
  return html`<p class="notice site-notice">${n.lead} <time datetime="${n.day.toISOString().slice(0, 10)}">${words}</time>: ${n.summary} — <a href="${n.href}">${n.link}</a></p>`;
}

const areaName: Record<Audience, string> = {
  storefront: '',
  account: 'Your account',
  vendor: 'Vendor portal',
  staff: 'Staff console',
  dpo: 'Privacy desk',
};

function cartCount(count: number | undefined): SafeHtml | '' {
  if (!count) return '';
  return html` <span class="cart-count">${count}<span class="visually-hidden"> ${count === 1 ? 'item' : 'items'}</span></span>`;
}

/** Puts the visitor's cart count into a page rendered with `deferCartCount`. */
export function fillCartCount(page: string, count: number | undefined): string {
  return page.replace(CART_MARKER, cartCount(count).toString());
}

function nav(o: LayoutOptions): SafeHtml {
  const links = navLinks(o.audience, o.header?.staffRole);
  if (links.length === 0) return html``;
  const current = o.path ? currentHref(links, o.path) : undefined;
  const label = o.audience === 'storefront' ? 'Site' : areaName[o.audience];
  return html`<nav class="site-nav" aria-label="${label}"><ul>${links.map(
    (l) =>
      html`<li><a href="${l.href}"${l.href === current ? html` aria-current="page"` : ''}>${l.label}${
        l.href === '/cart' ? (o.deferCartCount ? trustedHtml(CART_MARKER) : cartCount(o.header?.cartCount)) : ''
      }</a></li>`,
  )}</ul></nav>`;
}

function header(o: LayoutOptions): SafeHtml {
  if (o.audience === 'storefront') {
    return html`<header class="site-header">
  <a class="brand" href="/">${o.brand?.logo ? html`${responsiveImage({ ...o.brand.logo, sizes: '10rem', eager: true, className: 'brand-logo' })} ` : ''}${o.shopName}</a>
  <form class="search" action="/search" method="get" role="search">
    <label for="q" class="visually-hidden">Search products</label>
    <input id="q" name="q" type="search" maxlength="200" placeholder="Search products" value="${o.query ?? ''}">
    <button type="submit">Search</button>
  </form>
  ${nav(o)}
</header>`;
  }
  return html`<header class="site-header area-${o.audience}">
  <p class="brand"><a href="/">${o.brand?.logo ? html`${responsiveImage({ ...o.brand.logo, sizes: '10rem', eager: true, className: 'brand-logo' })} ` : ''}${o.shopName}</a> <span class="area">${areaName[o.audience]}</span></p>
  ${nav(o)}
</header>`;
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
<body class="audience-${o.audience}">
<a class="skip" href="#main">Skip to content</a>
${header(o)}
<main id="main">
${(o.siteNotices ?? []).map(siteNotice)}
${o.flash ? html`<p class="notice flash" role="status">${o.flash}</p>` : ''}
${o.body}
</main>
<footer class="site-footer">
  <p>${o.shopName} runs on Custodian. This site loads nothing from other websites and uses no trackers.</p>
  <nav aria-label="Footer"><a href="/terms">Terms</a> <a href="/shipping">Shipping</a> <a href="/returns">Returns</a> <a href="/contact">Contact</a> <a href="/support">Support</a> <a href="/privacy">Privacy</a> <a href="/mailing-list">Mailing list</a> <a href="/quote">Request a quote</a> <a href="/vendor">Vendor portal</a> <a href="/staff">Staff</a></nav>
</footer>
</body>
</html>`;
}
