import { consentFields } from '../collection-consents.ts';
// Body schemas of the account routes, shared by the pages (form posts) and the JSON API.
const email = { type: 'string', minLength: 3, maxLength: 254 } as const;
const password = { type: 'string', minLength: 1, maxLength: 256 } as const;
const token = { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' } as const;

const object = <P extends Record<string, object>, R extends readonly (keyof P & string)[]>(properties: P, required: R) =>
  ({ type: 'object', additionalProperties: false, required, properties }) as const;

export const signupBody = {
  ...object({ name: { type: 'string', minLength: 1, maxLength: 200 }, email, password, age: { type: 'string', enum: ['adult', 'parental-consent'] } }, ['name', 'email', 'password', 'age'] as const),
  // The optional consents offered at sign-up (collection-consents.ts), each `consent_<purpose>=yes`.
  patternProperties: consentFields,
} as const;
export const loginBody = object({ email, password }, ['email', 'password'] as const);
export const tokenBody = object({ token }, ['token'] as const);
export const passwordBody = object({ current_password: password, new_password: password }, ['current_password', 'new_password'] as const);
export const emailBody = object({ new_email: email, password }, ['new_email', 'password'] as const);
export const resetBody = object({ email }, ['email'] as const);
export const resetConfirmBody = object({ token, new_password: password }, ['token', 'new_password'] as const);
export const tokenQuery = { type: 'object', properties: { token: { type: 'string', maxLength: 100 } } } as const;
export const emptyBody = { type: 'object', additionalProperties: false, properties: {} } as const;

export const accountView = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'email', 'orders_url'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    name: { type: 'string' },
    email: { type: 'string' },
    /** The orders module answers there (accounts does not read orders). */
    orders_url: { type: 'string' },
  },
} as const;

export { errorBody as errorResponse } from '../../web/error-schema.ts';
