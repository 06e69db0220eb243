// "Your rights": what a person can do in the privacy centre, by the channels the data map publishes
// for the privacy officer (email, post, phone only when one is given), and where to complain (P003-25).
import { dpoChannelWords, dpoContactLine } from '../../../privacy/index.ts';
import { html } from '../../../web/template.ts';
import { daysInWords } from '../plain-words.ts';
import type { PolicyContext, PolicySection } from '../section.ts';

export function rightsSection({ map, rights }: PolicyContext): PolicySection {
  const c = map.organization.dpoContact;
  return {
    id: 'rights',
    title: 'Your rights',
    body: html`<p>Signed in to your account, you can do all of this yourself in the <a href="/account/privacy">privacy centre</a>:</p>
<ul class="policy-list">
<li><strong>See</strong> everything we hold about you.</li>
<li><strong>Take a copy</strong> of it all, in a file you can keep or give to someone else.</li>
<li><strong>Correct</strong> anything that is wrong or out of date.</li>
<li><strong>Deactivate</strong> your account: we stop contacting you and start no new use of your data until you come back.</li>
<li><strong>Delete</strong> your account: your data is erased for good (see <a href="#erasure">backups and erasure</a>).</li>
<li><strong>Withdraw consent</strong> or <strong>opt out</strong> of any use that allows it.</li>
</ul>
<p>You can also make any of these requests by ${dpoChannelWords(c)}: our privacy officer accepts them and answers within ${daysInWords(rights.deadlineDays)} of receiving them.</p>
<p>To complain about how we handled your data, use the <a href="/privacy/complaint">complaint form</a>. Our privacy officer looks into every complaint.</p>
<h3>Privacy officer</h3>
<p>${map.organization.legalName} has a privacy officer who oversees how personal data is handled. Contact: ${dpoContactLine(c)}.</p>
<p><a href="/privacy/contact">How to reach the privacy officer</a></p>`,
  };
}
