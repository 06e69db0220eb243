// The fraud module's mail: the buyer's request for a proof of identity (its link is a secret
// parameter, sealed in the outbox under the buyer's key until sent), and the privacy officers'
// notice that a proof waits for review. The outcome reaches the buyer as the order's status mail.
import { paragraphTemplate, param, type MailTemplate } from '../../comms/index.ts';

export const PROOF_REQUEST_TEMPLATE = 'fraud.proof-request';
export const PROOF_RECEIVED_TEMPLATE = 'fraud.proof-received';

export const proofRequestTemplate: MailTemplate = paragraphTemplate(
  PROOF_REQUEST_TEMPLATE,
  ['number', 'link', 'orderUrl'],
  (i) => `Please confirm your identity for order ${param(i, 'number')} at ${i.shop.name}`,
  (i) => [
    `Thank you for your order ${param(i, 'number')}. Before we send it we need to confirm that it was you who placed it, so the order is on hold for now.`,
    `Please upload a photo or scan of a proof of identity (a JPEG or PNG image or a PDF, at most 5 MB) here: ${param(i, 'link')}`,
    'We keep it encrypted, only our privacy officer looks at it, and we delete it when its retention ends (90 days). We mail you as soon as the order is released or, if we cannot confirm it, cancelled and refunded.',
    `You can also upload it from your order's page when signed in: ${param(i, 'orderUrl')}`,
  ],
  'Proof of identity for an order',
  ['link'],
);

export const proofReceivedTemplate: MailTemplate = paragraphTemplate(
  PROOF_RECEIVED_TEMPLATE,
  ['number', 'console'],
  (i) => `A proof of identity waits for review: order ${param(i, 'number')}`,
  (i) => [`The buyer of order ${param(i, 'number')} uploaded a proof of identity. The order is on hold until you approve or reject it.`, `Review it: ${param(i, 'console')}`],
  'Proof of identity to review',
);
