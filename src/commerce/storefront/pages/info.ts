// Pages whose real content arrives with later modules. Each says plainly what it will be.
import { html, type SafeHtml } from '../../../web/template.ts';

export interface InfoPage {
  title: string;
  body: SafeHtml;
}

export const infoPages: Record<'/account' | '/vendor' | '/staff' | '/privacy', InfoPage> = {
  '/account': {
    title: 'Your account',
    body: html`<h1>Your account</h1>
<p>Here customers will see their orders, saved baskets and every piece of personal data the shop holds about them.</p>
<p>Sign-in arrives with the accounts module; until then there are no customer accounts, and you can browse the shop without one.</p>`,
  },
  '/vendor': {
    title: 'Vendor portal',
    body: html`<h1>Vendor portal</h1>
<p>Here vendors will see the orders for their products and only the buyer details their data terms allow.</p>
<p>Sign-in arrives with the accounts module; vendor accounts do not exist yet.</p>`,
  },
  '/staff': {
    title: 'Staff console',
    body: html`<h1>Staff console</h1>
<p>Here shop staff will manage the catalogue, orders and privacy requests, each role seeing only the data it needs.</p>
<p>Sign-in arrives with the accounts module. Until then staff use the JSON API under <code>/api/staff</code> with the staff API token.</p>`,
  },
  '/privacy': {
    title: 'Privacy',
    body: html`<h1>Privacy</h1>
<p>This page will publish the shop's privacy policy, generated from the shop's own data map, so it always says what the system actually does.</p>
<p>What is true today: browsing the storefront sets no cookies, asks for no personal data, and loads nothing from other websites.
Sign-in, and with it the privacy centre where you can see, export and erase your data, arrives with the accounts module.</p>`,
  },
};
