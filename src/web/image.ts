// A responsive picture from plain props: the browser picks the smallest file wide enough for the
// slot (`srcset` + `sizes`), reserves its box before it loads (width and height: no layout shift)
// and, except for a page's main picture, loads it only when it scrolls near.
import { html, type SafeHtml } from './template.ts';

export interface ImageSource {
  url: string;
  /** Width of this file in pixels. */
  width: number;
}

export interface ResponsiveImageProps {
  /** The same picture at several widths. */
  sources: readonly ImageSource[];
  /** Intrinsic size of the picture (any of its files), for the aspect ratio. */
  width: number;
  height: number;
  /** Required: what the picture shows, for people who cannot see it. */
  alt: string;
  /** How wide the picture is drawn, e.g. "(min-width: 40rem) 20rem, 100vw". */
  sizes: string;
  /** The main picture of a page is loaded at once; every other one lazily. */
  eager?: boolean;
  className?: string;
}

export function responsiveImage(p: ResponsiveImageProps): SafeHtml {
  const sorted = [...p.sources].sort((a, b) => a.width - b.width);
  const fallback = sorted.find((s) => s.width >= 640) ?? sorted.at(-1)!;
  return html`<img src="${fallback.url}" srcset="${sorted.map((s) => `${s.url} ${s.width}w`).join(', ')}" sizes="${p.sizes}" width="${p.width}" height="${p.height}" alt="${p.alt}"${p.eager ? html` fetchpriority="high"` : html` loading="lazy"`} decoding="async"${p.className ? html` class="${p.className}"` : ''}>`;
}

/** What stands in for a picture a product does not have: a neutral drawing, hidden from screen readers. */
export function imagePlaceholder(className = 'image-placeholder'): SafeHtml {
  return html`<img src="/static/placeholder.svg" width="4" height="3" alt="" class="${className}" loading="lazy" decoding="async">`;
}
