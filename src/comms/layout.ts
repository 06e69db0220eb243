// The HTML part every mail shares: the shop's name as a header, the message, and the shop's name
// and address as a footer. Mail clients ignore style sheets and CSP does not apply to mail, so the
// layout is a table with inline styles. Every link is an <a href>, including those inside text.
import { html, type SafeHtml } from '../web/template.ts';

const URL_IN_TEXT = /https?:\/\/[^\s<>"]+[^\s<>".,;:!?)]/g;

/** Text with its http(s) addresses as links, everything else escaped. */
export function linkify(text: string): SafeHtml {
  const parts: (string | SafeHtml)[] = [];
  let at = 0;
  for (const m of text.matchAll(URL_IN_TEXT)) {
    parts.push(text.slice(at, m.index));
    parts.push(html`<a href="${m[0]}" style="color:#0b57d0">${m[0]}</a>`);
    at = m.index + m[0].length;
  }
  parts.push(text.slice(at));
  return html`${parts}`;
}

/** The shop's branded frame around a mail's HTML content. */
export function mailLayout(shop: { name: string; url: string }, title: string, content: SafeHtml): SafeHtml {
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head>
<body style="margin:0;padding:0;background:#f4f4f5">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f4f5"><tr><td align="center" style="padding:24px 12px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:600px;background:#ffffff;border-radius:6px;font:16px/1.5 Arial,Helvetica,sans-serif;color:#1a1a1a">
<tr><td style="padding:20px 24px;border-bottom:3px solid #1f3a5f;font-size:20px;font-weight:bold;color:#1f3a5f">${shop.name}</td></tr>
<tr><td style="padding:20px 24px">${content}</td></tr>
<tr><td style="padding:16px 24px;border-top:1px solid #e4e4e7;font-size:13px;color:#52525b">${shop.name}<br><a href="${shop.url}" style="color:#52525b">${shop.url}</a></td></tr>
</table></td></tr></table></body></html>`;
}
