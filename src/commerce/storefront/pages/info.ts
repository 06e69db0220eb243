// Pages whose real content arrives with later modules. Each says plainly what it will be.
import { html, type SafeHtml } from '../../../web/template.ts';

export interface InfoPage {
  title: string;
  body: SafeHtml;
}

export const infoPages: Record<'/privacy', InfoPage> = {
  '/privacy': {
    title: 'Privacy',
    body: html`<h1>Privacy</h1>
<p>This page will publish the shop's privacy policy, generated from the shop's own data map, so it always says what the system actually does.</p>
<p>What is true today: browsing the storefront sets no cookies, asks for no personal data, and loads nothing from other websites.
The account pages set one cookie, an opaque random id that holds nothing about you, so that forms and sign-in are secure.
Your name, email and password hash are stored encrypted. The privacy centre, where you can see, export and erase your data, comes next.</p>`,
  },
};
