// The public complaint form (/privacy/complaint) and what a person sees once it is sent. No
// account needed, no JavaScript; every field's problem is named next to it and at the top.
import { form, errorSummary, input, textarea, type FormState } from '../../web/form.ts';
import type { Page } from '../../web/page.ts';
import { html } from '../../web/template.ts';
import { daysInWords } from '../policy/plain-words.ts';
import { complaintLimits } from './input.ts';

export const complaintFormLabels: Record<string, string> = {
  name: 'Your name',
  email: 'Your email address',
  text: 'What happened',
  order_number: 'Order number (optional)',
};

export interface ComplaintFormView {
  state: FormState;
  signedIn: boolean;
  deadlineDays: number;
  /** How long what they write is kept, from the data map. */
  keptDays: number;
}

export function complaintFormPage(v: ComplaintFormView): Page {
  const s = v.state;
  return {
    audience: 'storefront',
    title: 'Complain about how we handle your data',
    body: html`<section class="account-form complaint-form"><h1>Complain about how we handle your data</h1>
<p>Tell us if you think this shop is not keeping its <a href="/privacy">privacy policy</a>. Our privacy officer reads every complaint, looks into it and answers you by email within ${daysInWords(v.deadlineDays)}.</p>
${errorSummary(s, complaintFormLabels)}
${form(
  { action: '/privacy/complaint', csrf: s.csrf, novalidate: true },
  html`
${input(s, { name: 'name', label: complaintFormLabels.name!, autocomplete: 'name', maxlength: complaintLimits.name })}
${input(s, { name: 'email', label: complaintFormLabels.email!, type: 'email', autocomplete: 'email', maxlength: complaintLimits.email, hint: 'We send our acknowledgement and our answer here, and use it for nothing else.' })}
${textarea(s, { name: 'text', label: complaintFormLabels.text!, maxlength: complaintLimits.text, rows: 10, hint: `What we did or did not do, and when. Up to ${complaintLimits.text.toLocaleString('en-US')} characters.` })}
${input(s, { name: 'order_number', label: complaintFormLabels.order_number!, maxlength: complaintLimits.order_number, required: false, hint: 'If it is about an order, its number, such as C-100042.' })}
<p><button type="submit">Send the complaint</button></p>`,
)}
<p class="meta">${
      v.signedIn
        ? 'You are signed in, so the complaint is filed with your account: you find it in your privacy centre and in the copy of your data.'
        : html`You do not need an account. If you have one, <a href="/account/login">sign in</a> first to find the complaint with the rest of your data.`
    } What you write is stored encrypted, read only by our privacy officer, used only to handle your complaint, and kept ${daysInWords(v.keptDays)}.</p>
</section>`,
  };
}

export function complaintReceivedPage(o: { number: string; due: Date }): Page {
  return {
    audience: 'storefront',
    title: 'We received your complaint',
    body: html`<section class="account-form complaint-form"><h1>We received your complaint</h1>
<p class="notice" role="status">Your complaint has the number <strong>${o.number}</strong>.</p>
<p>We sent an acknowledgement to the email address you gave. Our privacy officer answers you there by ${o.due.toISOString().slice(0, 10)} at the latest.</p>
<p>Please quote ${o.number} if you write to us about it.</p>
<p><a href="/privacy">Back to the privacy policy</a></p></section>`,
  };
}
