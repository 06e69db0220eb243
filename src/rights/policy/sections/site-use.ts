// "Site use statistics": what the shop counts about how its pages are used, in the words of the
// analytics module's own list of what it counts, and the aggregate data the data map declares
// (decision 0061), so the text cannot drift from the code or the map.
import { ANALYTICS_EVENTS } from '../../../analytics/index.ts';
import { retentionDays } from '../../../privacy/index.ts';
import { html } from '../../../web/template.ts';
import type { PolicyContext, PolicySection } from '../section.ts';

export function siteUseSection({ map, analyticsMinCount }: PolicyContext): PolicySection {
  const aggregates = [...map.aggregates.values()];
  const networkDays = retentionDays(map, 'user.device.ip_address', 'security').days;
  return {
    id: 'site-use',
    title: 'Site use statistics',
    body: html`<p>We count how the shop is used to improve the site and what we sell. These are aggregate figures, not personal data: no figure links to you, your account, your orders or your device, and signed-in browsing is counted exactly like anyone’s. There is no analytics cookie. Your address on the internet and your browser’s description are never stored: a visit is counted by a code computed with a key that changes every day and is destroyed when the day’s figures are made, so nobody, us included, can recompute it afterwards. Robots are not counted; a browser that sends a privacy signal (Global Privacy Control or Do Not Track) is counted too, as the figures are about no one.</p>
<p>We count:</p>
<ul>${ANALYTICS_EVENTS.map((e) => html`<li>${e.label}</li>`)}</ul>
<p>Pages of your account, the staff and vendor consoles and the API are not counted.</p>
${
  analyticsMinCount > 1
    ? html`<p id="site-use-min-count">Staff see these figures only as counts over a range of days. A page, referring website, browser or platform counted fewer than ${analyticsMinCount} times in those days is not shown by name, so a rare one cannot point to a single visit: such counts are only added together as “others”.</p>`
    : html`<p id="site-use-min-count">Staff see these figures only as counts over a range of days, each page, referring website, browser and platform by name with its count, however small.</p>`
}
${aggregates.map((a) => html`<p id="aggregate-${a.id}"><strong>${a.name}</strong>: ${a.description} ${a.retention}</p>`)}
<p id="sign-in-networks"><strong>Sign-in security</strong>: to warn you of a sign-in to your account from a network you have not used before (security monitoring), we remember the networks you signed in from, never as your address or network: as a code computed with a key of your account alone, so it matches nothing else we keep, no other account’s code and nothing in the statistics or logs. It is deleted ${networkDays} days after your last sign-in from that network and when your account is deleted, and erasing you destroys the key, so nobody can compute it again.</p>`,
  };
}
