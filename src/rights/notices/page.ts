// The privacy officer's list of notices still to pass on (P000-12, P004-18): each erasure or
// correction a recipient has not been told of yet, with the orders concerned, and how to record
// that it was passed on (by mail, phone, post) or to ask again where a module can (the processor).
import type { DataMap, Notice } from '../../privacy/index.ts';
import { form } from '../../web/form.ts';
import type { Page } from '../../web/page.ts';
import { type PageSlice, pagination } from '../../web/pagination.ts';
import { table } from '../../web/table.ts';
import { html } from '../../web/template.ts';
import { categoryLabel } from '../policy/plain-words.ts';

const when = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ');
const channels = [
  ['email', 'by email'],
  ['phone', 'by phone'],
  ['post', 'by post'],
  ['portal', 'in their portal'],
  ['other', 'another way'],
] as const;

export function noticesPage(o: { notices: PageSlice<Notice>; orders: ReadonlyMap<string, string>; map: DataMap; askable: ReadonlySet<string>; csrf: string; notice?: string }): Page {
  return {
    audience: 'dpo',
    title: 'Notices to recipients',
    body: html`<section class="console"><h1>Notices to recipients</h1>
${o.notice ? html`<p class="notice" role="status">${o.notice}</p>` : ''}
<p>Recipients that received a person’s data and must be told that it was erased or corrected. The payment processor is told through its API at once; the others wait here for you to pass the notice on. The notice names the orders and the kinds of data, never the person: look the order up with the recipient.</p>
${
  o.notices.items.length
    ? html`${table({
        caption: 'Notices not passed on yet, oldest first',
        rowHeaders: false,
        columns: [{ label: 'Since' }, { label: 'Recipient' }, { label: 'Tell them to' }, { label: 'Orders' }, { label: 'Passed on' }],
        rows: o.notices.items.map((n) => [
          when(n.at),
          `${n.recipientName}${n.recipientRef ? ` (${n.recipientRef})` : ''}`,
          `${n.kind === 'erasure' ? 'erase' : 'correct'}: ${n.categories.map((c) => (o.map.categories.get(c) ? categoryLabel(o.map.categories.get(c)!) : c)).join(', ')}`,
          n.orders.map((id) => o.orders.get(id) ?? '—').join(', ') || '—',
          html`${form({ action: `/staff/dpo/notices/${n.id}`, csrf: o.csrf, className: 'inline-form' }, html`<label class="visually-hidden" for="channel-${n.id}">How</label><select id="channel-${n.id}" name="channel">${channels.map(([v, l]) => html`<option value="${v}">${l}</option>`)}</select> <button type="submit">Passed on</button>`)}
${o.askable.has(n.recipient) ? form({ action: `/staff/dpo/notices/${n.id}/ask-again`, csrf: o.csrf, className: 'inline-form' }, html`<button type="submit">Ask again through their API</button>`) : ''}`,
        ]),
      })}
${pagination({ page: o.notices.page, pageCount: o.notices.pageCount, href: (n) => `/staff/dpo/notices?page=${n}` })}`
    : html`<p>Every notice has been passed on.</p>`
}
<p><a href="/staff/dpo">Privacy officer</a></p></section>`,
  };
}
