// The one error catalogue. Every error the system raises on purpose is an AppError with a stable
// code; the HTTP status is looked up here and mapped in one place (src/web/error-handler.ts).

export const errorCatalogue = {
  VALIDATION_FAILED: { status: 400, message: 'The request is not valid.' },
  BAD_JSON: { status: 400, message: 'The request body is not valid JSON.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'This content type is not accepted.' },
  BODY_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  URL_TOO_LONG: { status: 414, message: 'The address is too long.' },
  HEADERS_TOO_LARGE: { status: 431, message: 'The request headers are too large.' },
  REQUEST_TIMEOUT: { status: 408, message: 'The request did not arrive in time.' },
  MALFORMED_REQUEST: { status: 400, message: 'The request is not valid HTTP.' },
  UNAUTHENTICATED: { status: 401, message: 'Authentication is required.' },
  FORBIDDEN: { status: 403, message: 'You may not do this.' },
  NOT_FOUND: { status: 404, message: 'Not found.' },
  ROUTE_NOT_FOUND: { status: 404, message: 'There is no such page or endpoint.' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'This method is not allowed here.' },
  CONFLICT: { status: 409, message: 'This conflicts with existing data.' },
  TRANSFER_NOT_DUE: { status: 409, message: 'The customer records may not pass to the buyer of the shop before the date announced to customers.' },
  RATE_LIMITED: { status: 429, message: 'Too many requests; slow down.' },
  LOGIN_FAILED: { status: 401, message: 'The email or password is not right.' },
  LOGIN_LOCKED: { status: 429, message: 'Too many failed sign-ins. Wait 15 minutes, or reset your password.' },
  EMAIL_NOT_CONFIRMED: { status: 403, message: 'Confirm your email first: follow the link we sent when you signed up.' },
  ACCOUNT_DEACTIVATED: {
    status: 403,
    message: 'This account is deactivated: we keep it but do not use it. To use it again, reactivate it on the page "Reactivate your account" (/account/reactivate) with the same email and password.',
  },
  DOWNLOAD_LINK_INVALID: { status: 403, message: 'This download link is not valid: it was changed or cut short. Open your order page for a working link.' },
  DOWNLOAD_LINK_EXPIRED: { status: 410, message: 'This download link has expired. Open your order page for a fresh link.' },
  DOWNLOAD_REVOKED: { status: 410, message: 'This download is no longer available: the order was refunded or cancelled.' },
  LINK_INVALID: { status: 400, message: 'This link is not valid any more: it was used already or has expired.' },
  CSRF_INVALID: { status: 403, message: 'This form has expired. Go back, reload the page and try again.' },
  PRIVACY_REFUSED: { status: 403, message: 'The privacy policy does not allow this use of personal data.' },
  SUBJECT_ERASED: { status: 410, message: 'This personal data has been erased.' },
  PRIVACY_SETUP_INVALID: { status: 500, message: 'The privacy kernel cannot start with this data map, keyring or region.' },
  NOT_READY: { status: 503, message: 'The service is not ready.' },
  PAYMENT_PROCESSOR_UNAVAILABLE: { status: 503, message: 'The payment processor cannot be reached just now. Nothing was charged; try again in a moment.' },
  PAYMENT_PROCESSOR_ERROR: { status: 502, message: 'The payment processor refused the request.' },
  WEBHOOK_SIGNATURE_INVALID: { status: 400, message: 'The webhook signature is missing, stale or does not match.' },
  ORDER_TRANSITION_INVALID: { status: 409, message: 'The order cannot move to this status from its current one.' },
  PAYMENT_NOT_REFUNDABLE: { status: 409, message: 'This payment cannot be refunded in its current state.' },
  IDEMPOTENCY_IN_PROGRESS: { status: 409, message: 'The same request is still being processed. Wait a moment, then reload.' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, message: 'This idempotency key was used for a different request.' },
  CART_EMPTY: { status: 409, message: 'The cart is empty: add something before checking out.' },
  PAYMENT_METHOD_NOT_OFFERED: { status: 422, message: 'This payment method is not offered for this order.' },
  OUT_OF_STOCK: { status: 409, message: 'Not enough of this item is in stock.' },
  UNPAID_HOLD_LIMIT: { status: 409, message: 'Orders from your network that wait for payment already hold as many items as one network may: pay for them, or wait until they lapse.' },
  MIXED_CURRENCIES: { status: 422, message: 'These items are priced in different currencies and cannot be bought together.' },
  PRODUCT_UNAVAILABLE: { status: 422, message: 'This item is not on sale.' },
  COOKIES_REQUIRED: { status: 400, message: 'The cart needs a cookie to remember what you add. Allow cookies for this shop, then try again.' },
  CONFIG_INVALID: { status: 500, message: 'The configuration is not valid.' },
  INTERNAL: { status: 500, message: 'Something went wrong on our side.' },
  PAYMENT_METHOD_MISSING: { status: 409, message: 'No saved payment method is left to charge: pay with a card instead.' },
  SUBSCRIPTION_NOT_ACTIVE: { status: 409, message: 'This subscription is not active in a way that allows this.' },
  BACKUP_INVALID: { status: 422, message: 'The backup cannot be used: it was changed, cut short or made with another keyring.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

export interface FieldProblem {
  /** Dotted path of the offending field, e.g. `body.variants.0.price_minor`. */
  field: string;
  message: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly fields: FieldProblem[];

  constructor(code: ErrorCode, message?: string, fields: FieldProblem[] = []) {
    super(message ?? errorCatalogue[code].message);
    this.name = 'AppError';
    this.code = code;
    this.status = errorCatalogue[code].status;
    this.fields = fields;
  }
}

export function validationError(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', `${field}: ${message}`, [{ field, message }]);
}

/**
 * Runs every field check and throws one VALIDATION_FAILED naming all the fields that failed, so a
 * form shows every problem at once; any other error passes through.
 */
export function checkFields(checks: readonly (() => unknown)[]): void {
  const fields: FieldProblem[] = [];
  for (const check of checks) {
    try {
      check();
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'VALIDATION_FAILED') throw err;
      fields.push(...err.fields);
    }
  }
  if (fields.length) throw new AppError('VALIDATION_FAILED', fields.map((f) => `${f.field}: ${f.message}`).join('; '), fields);
}

export function notFound(what: string): AppError {
  return new AppError('NOT_FOUND', `${what} was not found.`);
}

export function conflict(message: string, field?: string): AppError {
  return new AppError('CONFLICT', message, field ? [{ field, message }] : []);
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}
