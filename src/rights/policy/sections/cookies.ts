// "Cookies": the cookie inventory (src/web/cookies.ts), every cookie the shop sets as its module
// declares it (name, why, how long, what it holds), so a new, renamed or longer-lived cookie shows
// here by construction (P000-18, P002-10, decision 0062).
import { table } from '../../../web/table.ts';
import { html } from '../../../web/template.ts';
import type { PolicyContext, PolicySection } from '../section.ts';

export function cookiesSection(context: Pick<PolicyContext, 'cookies'>): PolicySection {
  const { cookies } = context;
  return {
    id: 'cookies',
    title: 'Cookies',
    body: html`<p>Browsing the shop sets no cookie at all. There are no tracking, advertising or analytics cookies, and our pages load nothing from other websites. The shop sets only the ${cookies.length} cookies below, each only when you use what it is for. None holds anything about you: each is a random id or a message code, sent only over an encrypted connection to this shop (Secure), out of reach of scripts in the page (HttpOnly) and not with requests other websites start (SameSite).</p>
${table({
  caption: 'The cookies this shop sets',
  className: 'policy-cookies',
  columns: [{ label: 'Name' }, { label: 'Why it is needed' }, { label: 'How long it lasts' }, { label: 'What it holds' }],
  rows: cookies.map((c) => [html`<code>${c.name}</code>`, c.purpose, c.lifetime, c.contents]),
})}
<p>When you pay, you do so on the payment processor’s own page, on its own website: it is not this shop, and any cookie it sets is its own, under its own policy. Without cookies you can still browse the shop; putting something in the cart, checking out and signing in need them, and the shop tells you so.</p>`,
  };
}
