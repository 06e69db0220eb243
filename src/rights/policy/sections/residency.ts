// "Where it is stored": the data-residency region of the data map (P003-18).
import { html } from '../../../web/template.ts';
import type { PolicyContext, PolicySection } from '../section.ts';

export function residencySection({ map }: PolicyContext): PolicySection {
  return {
    id: 'where',
    title: 'Where it is stored',
    body: html`<p>${map.residency.description}</p>
<p>Data region: <strong>${map.residency.region}</strong>. The shop’s software refuses to start when its deployment or its database is set up for any other region.</p>`,
  };
}
