// "Privacy signals and this policy for machines" (P000-19): which uses a browser's Global Privacy
// Control or Do-Not-Track signal turns off (named from the data map, as the kernel applies it), and
// where the machine-readable policy and the GPC support resource are.
import { signalPurposes } from '../../../privacy/index.ts';
import { html } from '../../../web/template.ts';
import { FIDES_JSON_PATH, FIDES_POLICY_PATH, GPC_RESOURCE_PATH } from '../machine-readable.ts';
import type { PolicyContext, PolicySection } from '../section.ts';

export function signalsSection({ map }: PolicyContext): PolicySection {
  const covered = signalPurposes(map).map((id) => map.purposes.get(id)!);
  return {
    id: 'signals',
    title: 'Privacy signals and this policy for machines',
    body: html`<p>We honour <strong>Global Privacy Control</strong> and <strong>Do Not Track</strong>. When your browser sends either signal while you are signed in, we record it in your account as an opt-out, once, and stop ${
      covered.length ? html`these uses of your data: ${covered.map((p, i) => html`${i ? ', ' : ''}${p.name.toLowerCase()}`)}` : 'every use that could count as selling or sharing it'
    }. Your privacy centre shows when the signal was honoured; turning a use back on there is your own later choice, and we respect it. We never sell personal data, and a visitor who is not signed in is never tracked: no page sets an advertising or analytics cookie.</p>
<p>For software that reads policies: the data map this policy is generated from, a fideslang document, <a href="${FIDES_POLICY_PATH}">as YAML</a> and <a href="${FIDES_JSON_PATH}">as JSON</a>, and <a href="${GPC_RESOURCE_PATH}">our Global Privacy Control statement</a>.</p>`,
  };
}
