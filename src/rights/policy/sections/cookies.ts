// "Cookies": what the shop sets, named and timed by the constants of the modules that set them, so
// a renamed cookie or a changed lifetime shows here.
import { SESSION_COOKIE, sessionLifetimes } from '../../../accounts/index.ts';
import { CART_COOKIE, CART_IDLE_MS } from '../../../commerce/cart/index.ts';
import { html } from '../../../web/template.ts';
import { durationInWords } from '../plain-words.ts';
import type { PolicySection } from '../section.ts';

export function cookiesSection(): PolicySection {
  const { customer, ...others } = sessionLifetimes;
  return {
    id: 'cookies',
    title: 'Cookies',
    body: html`<p>Browsing the shop sets no cookie at all. There are no tracking, advertising or analytics cookies, and our pages load nothing from other websites. Two cookies exist, each holding only a random token that says nothing about you; the shop keeps at most a fingerprint of it.</p>
<h3><code>${SESSION_COOKIE}</code></h3>
<p>Set when you open a form (to protect it against forgery) or sign in, and used to keep you signed in. Before you sign in, it lasts until you close your browser. Once you sign in as a customer, it lasts at most ${durationInWords(customer.absoluteMs)}, and you are signed out after ${durationInWords(customer.idleMs)} without use. ${Object.entries(
      others,
    ).map(([kind, life]) => html`For ${kind} sign-ins: ${durationInWords(life.idleMs)} without use, ${durationInWords(life.absoluteMs)} at the latest. `)}</p>
<h3><code>${CART_COOKIE}</code></h3>
<p>Set when you first put something in your cart, after you confirm it, so the shop can find your cart again. It lasts ${durationInWords(CART_IDLE_MS)}; a cart nobody has changed for ${durationInWords(CART_IDLE_MS)} is deleted.</p>`,
  };
}
