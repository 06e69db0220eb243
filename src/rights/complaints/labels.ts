// A complaint's statuses and steps in words, for the privacy officer's pages and the person's export.
import type { ComplaintEvent, ComplaintStatus } from '../tables.ts';

export const statusLabels: Record<ComplaintStatus, string> = { open: 'Waiting for an answer', answered: 'Answered', closed: 'Closed' };

export const eventLabels: Record<ComplaintEvent, string> = {
  received: 'Received',
  acknowledged: 'Acknowledgement mailed',
  replied: 'Answer mailed',
  note: 'Internal note',
  closed: 'Closed',
  reopened: 'Reopened',
};
