// "Backups and erasure": what deleting an account does to the live data and to every backup, with
// the backup windows the operator configures (RightsSettings; decision 0010).
import { html } from '../../../web/template.ts';
import { daysInWords } from '../plain-words.ts';
import type { PolicyContext, PolicySection } from '../section.ts';

export function erasureSection({ rights }: PolicyContext): PolicySection {
  return {
    id: 'erasure',
    title: 'Backups and erasure',
    body: html`<p>When your account is deleted, the key your data was encrypted under is destroyed. From then on your data cannot be read by anyone, here or in any backup: backups made before still hold it encrypted, but no key that could open it exists any more.</p>
<p>To find your account when you sign in, the shop keeps a keyed fingerprint of your email address, never the address itself. The key behind those fingerprints is replaced at least every ${daysInWords(rights.blindIndexRotationDays)}. So at most ${daysInWords(rights.blindIndexRotationDays)} after a backup was made, it can no longer even confirm that a deleted person’s email address was ever here.</p>
<p>We keep database backups for ${daysInWords(rights.backupRetentionDays)}, then delete them.</p>
<p>Records that the law requires us to keep, such as the amount and date of an order, stay without any personal data in them.</p>`,
  };
}
