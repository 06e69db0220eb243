// What the sandbox keeps of a session once the store asks it to forget the buyer: the payment
// record the shop's accounts need (amounts, currency, status, token, brand, last four, refunds)
// and nothing that leads back to the person: no name, no email, no hash that would confirm a
// guessed one, no card or account fingerprint (it links payments made with the same number).
import type { PaymentMethod, Session } from './store.ts';

export function withoutFingerprint(method: PaymentMethod): PaymentMethod {
  const { fingerprint: _dropped, ...kept } = method;
  return kept;
}

export function forgottenSession(s: Session, at: Date): Session {
  return {
    ...s,
    customerName: '',
    customerEmail: '',
    customerHash: null,
    // A snapshot written before customerHash existed hashed the whole request, customer included.
    requestHash: s.customerHash === undefined ? '' : s.requestHash,
    forgottenAt: s.forgottenAt ?? at.toISOString(),
    paymentMethod: s.paymentMethod ? withoutFingerprint(s.paymentMethod) : null,
  };
}
