// "Other websites": links leaving the shop lead to places this policy does not cover (P004-16).
import { html } from '../../../web/template.ts';
import type { PolicyContext, PolicySection } from '../section.ts';

export function otherSitesSection({ map }: PolicyContext): PolicySection {
  return {
    id: 'other-sites',
    title: 'Links to other websites',
    body: html`<p>This policy covers this shop only. Links to other websites, such as a product maker’s site or a carrier’s tracking page, are not covered by this policy: those sites are not run by ${map.organization.legalName}, and their own privacy policies apply there.</p>`,
  };
}
