// A QR code as inline SVG, drawn here from the encoder's module matrix (the `qrcode` package, run
// locally: the secret never leaves the shop). Only presentation attributes (fill), no style
// attribute, so the page's strict CSP holds; the code has an accessible name. The encoder is
// loaded at the first enrolment, not at every start (decision 0069).
import { html, type SafeHtml } from '../web/template.ts';

const QUIET = 4; // modules of white border the standard asks for

/** The dark modules of `text`'s QR code, as rows of booleans. */
export async function qrModules(text: string): Promise<boolean[][]> {
  const { default: QRCode } = await import('qrcode');
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  return Array.from({ length: modules.size }, (_, r) => Array.from({ length: modules.size }, (_, c) => modules.get(r, c) === 1));
}

/** An SVG image of the QR code of `text`, named `label` for screen readers. */
export async function qrSvg(text: string, label: string, id = 'qr'): Promise<SafeHtml> {
  const rows = await qrModules(text);
  const size = rows.length + 2 * QUIET;
  const d = rows.flatMap((row, r) => row.map((dark, c) => (dark ? `M${c + QUIET} ${r + QUIET}h1v1h-1z` : '')).filter(Boolean)).join('');
  return html`<svg xmlns="http://www.w3.org/2000/svg" class="qr" viewBox="0 0 ${size} ${size}" width="${size * 5}" height="${size * 5}" role="img" aria-labelledby="${id}-title" shape-rendering="crispEdges"><title id="${id}-title">${label}</title><rect width="${size}" height="${size}" fill="#fff"/><path fill="#000" d="${d}"/></svg>`;
}
