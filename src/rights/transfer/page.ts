// The owner's page for the sale of the shop, and the notice the policy page shows once it is planned.
import { errorSummary, form, input, textarea, type FormState } from '../../web/form.ts';
import type { Page } from '../../web/page.ts';
import { html, type SafeHtml } from '../../web/template.ts';
import { NOTICE_DAYS, type Transfer } from './transfer.ts';

/** "On DATE the shop passes to BUYER…", on the policy page from the moment it is scheduled. */
export function transferNotice(t: Transfer | null, shopName: string): SafeHtml | '' {
  if (!t) return '';
  return html`<div class="notice" id="sale-of-the-shop" role="status"><p><strong>On ${t.transfer_on} ${shopName} passes to ${t.acquirer}</strong>, and with it the records of its customers (name, contact details, what they bought). Nothing passes before that date.
${t.new_use ? html`${t.acquirer} will use them differently: ${t.new_use}` : html`${t.acquirer} will use them as this policy says.`}
If you do not want yours to pass, turn off “New owner of the shop” in <a href="/account/privacy#choices">your privacy centre</a> before then.</p></div>`;
}

export function transferPage(o: { transfer: Transfer | null; state: FormState; shopName: string; mayAct: boolean; told?: number }): Page {
  const t = o.transfer;
  return {
    audience: 'staff',
    title: 'Sale of the shop',
    body: html`<h1>Sale of the shop</h1>
${o.told !== undefined ? html`<p class="notice" role="status">Scheduled. ${o.told} ${o.told === 1 ? 'customer is' : 'customers are'} being emailed now; the privacy policy shows the notice.</p>` : ''}
${
  t
    ? html`<p>The shop passes to <strong>${t.acquirer}</strong> on <strong>${t.transfer_on}</strong>. ${t.notified} ${t.notified === 1 ? 'customer was' : 'customers were'} emailed on ${t.scheduled_at.toISOString().slice(0, 10)}.${t.exported_at ? html` The customer records were downloaded for the buyer on ${t.exported_at.toISOString().slice(0, 10)}.` : ''}</p>
<p>From that date, download the customer records for the buyer: every customer who did not turn it off, each one recorded as a disclosure to the buyer. Before that date the download is refused.</p>
${o.mayAct ? html`<p><a href="/staff/transfer/customer-records.json" download>Download the customer records (JSON)</a></p>` : ''}`
    : html`<p>If the shop is sold, its customers are told by email and on the privacy policy at least ${NOTICE_DAYS} days before their records pass to the buyer, and each can turn it off in their privacy centre (decision 0053).</p>
${
  o.mayAct
    ? html`${errorSummary(o.state, { acquirer: 'Buyer', date: 'Date', new_use: 'How the buyer’s use differs' })}
${form(
  { action: '/staff/transfer', csrf: o.state.csrf, novalidate: true },
  html`${input(o.state, { name: 'acquirer', label: 'Buyer (business name)', maxlength: 200 })}
${input(o.state, { name: 'date', label: 'Date the records pass', maxlength: 10, hint: `YYYY-MM-DD, at least ${NOTICE_DAYS} days from today.` })}
${textarea(o.state, { name: 'new_use', label: 'How the buyer’s use differs (leave empty if it does not)', maxlength: 2000, rows: 3, required: false })}
<p><button type="submit">Schedule and email every customer</button></p>`,
)}`
    : html`<p>Only an owner schedules it.</p>`
}`
}
<p><a href="/staff">Staff console</a></p>`,
  };
}
