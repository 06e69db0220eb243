// The removal link in every mail to a service contact (P004-08): `/services/leave/<token>`, the
// token the contact row's id signed with a keyring key (src/platform/signed-ids.ts, as comms'
// unsubscribe links), so nothing is stored for it, it cannot be guessed or altered, and the URL
// says nothing about the contact. Whoever follows it acts for the contact: holding the mail proves
// it. It is queued as a sealed parameter, never plain in the outbox.
import { idOfSignedToken, SIGNED_ID_PATTERN, signedIdToken } from '../platform/signed-ids.ts';
import type { PrivacyKernel } from '../privacy/index.ts';

export const LEAVE_TOKEN_PATTERN = SIGNED_ID_PATTERN;

type Digester = Pick<PrivacyKernel, 'keyedDigest'>;
const digestOf = (kernel: Digester) => (hex: string) => kernel.keyedDigest('services.contact-leave', hex);

export const leaveUrl = (kernel: Digester, publicUrl: string, contactId: string) => `${publicUrl.replace(/\/$/, '')}/services/leave/${signedIdToken(digestOf(kernel), contactId)}`;

/** The contact row a token names, or null for a token that is not one of ours. */
export const contactOfToken = (kernel: Digester, token: string): string | null => idOfSignedToken(digestOf(kernel), token);
