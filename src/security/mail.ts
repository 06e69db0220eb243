// The self-check's mail to owners and privacy officers when a run finds new high or medium
// findings. The parameters are counts and the link, never the findings' details.
import { type MailTemplate, paragraphTemplate, param as p } from '../comms/index.ts';

export const newFindingsMail: MailTemplate = paragraphTemplate(
  'security.new-findings',
  ['high', 'medium', 'link'],
  () => 'Security self-check: new findings',
  (i) => [
    `The shop's security self-check found problems that were not there at its previous run: ${p(i, 'high')} high and ${p(i, 'medium')} medium.`,
    `See what they are and how to fix each: ${p(i, 'link')}`,
  ],
  'New findings of the security self-check',
);

export const securityTemplates: MailTemplate[] = [newFindingsMail];
