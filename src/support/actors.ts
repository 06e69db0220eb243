// Who acts in support with no staff member behind it: the support form (it creates a visitor's
// subject), inbound mail and the retention sweep, each a job the data map declares
// (datamap/jobs.yml); and the person themselves where they are known without an account: a
// visitor gives their own data on the form, and the mailed thread link authenticates them.
import { type Actor, selfActor, systemActor } from '../privacy/index.ts';

export const FORM_ACTOR = systemActor('support.form');
export const INBOUND_ACTOR = systemActor('support.inbound');
export const SWEEP_ACTOR = systemActor('support.sweep');

/** The requester of a ticket, acting as themself (a correspondent on the form, or holding the mailed link). */
export const requesterActor = (subject: string): Actor => selfActor(subject);
