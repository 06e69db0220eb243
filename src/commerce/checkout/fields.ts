// What checkout asks, as data (P000-01, P001-02, P002-03): every payment method and every kind of
// fulfilment declares the fields it needs, each with its purpose, and `fieldsFor` is the one answer the page renders, the
// API's schema is built from, and the check that refuses anything else. A new method is a new
// entry here, never a new branch in the form or the route.
import type { PricedCart } from '../pricing/index.ts';
import { countryOptions } from './countries.ts';

export type PaymentMethod = 'card' | 'bank-account' | 'invoice' | 'free';
export const paymentMethods: readonly PaymentMethod[] = ['card', 'bank-account', 'invoice', 'free'];

export type Fulfilment = 'ship' | 'digital';

export interface FieldSpec {
  name: string;
  label: string;
  input: 'text' | 'email' | 'tel' | 'radio' | 'select';
  /** The kernel category the value is stored under (through the kernel, under `order:<id>`). */
  category: string;
  /** Why it is asked: the data map's purpose (datamap/purposes.yml) it is collected and kept for. */
  purpose: string;
  /** Which item of that category: the order's shipping or billing address, home or business phone. */
  item: string;
  required: boolean;
  maxLength: number;
  minLength?: number;
  pattern?: string;
  patternHint?: string;
  autocomplete?: string;
  options?: readonly { value: string; label: string }[];
  /** What a value outside `options` is told (default: the list of values). */
  optionsHint?: string;
}

export interface CheckoutSettings {
  /** Shops may ask every buyer for a home and a business phone (P002-03). */
  requirePhones: boolean;
  /** The recipient that approves invoice orders (ledgered); null: invoice on account is not offered. */
  invoiceRecipient: string | null;
  /** The countries offered for addresses (ISO 3166-1 alpha-2); null: every country. */
  countries?: readonly string[] | null;
}

export interface MethodSpec {
  method: PaymentMethod;
  label: string;
  /** What the buyer is told about where they pay. */
  explanation: string;
  /** The processor instrument; null when no processor is involved. */
  instrument: 'card' | 'bank-account' | null;
  fields: readonly FieldSpec[];
}

const text = (name: string, label: string, category: string, item: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({
  name,
  label,
  input: 'text',
  category,
  item,
  // What an order's own copy of the buyer, address and phone is for: filling that order.
  purpose: 'fulfillment',
  required: true,
  maxLength: 200,
  minLength: 1,
  ...extra,
});

// A select of ISO 3166-1 countries; the postal code is then checked against the country (input.ts).
const COUNTRY = { input: 'select' as const, options: countryOptions, optionsHint: 'a country from the list (its ISO 3166-1 code, such as US or DE)', maxLength: 2, minLength: 2 };

function address(prefix: 'ship' | 'billing', where: string): FieldSpec[] {
  const ac = prefix === 'ship' ? 'shipping' : 'billing';
  return [
    text(`${prefix}_line1`, `${where}: street and number`, 'user.contact.address', prefix, { autocomplete: `${ac} address-line1` }),
    text(`${prefix}_line2`, `${where}: apartment, suite (optional)`, 'user.contact.address', prefix, { required: false, minLength: 0, autocomplete: `${ac} address-line2` }),
    text(`${prefix}_postal_code`, `${where}: postal code`, 'user.contact.address', prefix, { maxLength: 20, autocomplete: `${ac} postal-code` }),
    text(`${prefix}_city`, `${where}: city`, 'user.contact.address', prefix, { maxLength: 100, autocomplete: `${ac} address-level2` }),
    text(`${prefix}_country`, `${where}: country`, 'user.contact.address', prefix, { ...COUNTRY, autocomplete: `${ac} country` }),
  ];
}

/** Every buyer: who they are, where the confirmation goes, and their statement of age (P003-22). */
export const buyerFields: readonly FieldSpec[] = [
  text('name', 'Full name', 'user.name', 'buyer', { autocomplete: 'name' }),
  {
    name: 'email',
    label: 'Email',
    input: 'email',
    category: 'user.contact.email',
    item: 'buyer',
    purpose: 'fulfillment',
    required: true,
    maxLength: 254,
    minLength: 3,
    pattern: '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$',
    patternHint: 'an email address',
    autocomplete: 'email',
  },
  {
    name: 'age',
    label: 'Your age',
    input: 'radio',
    category: 'user.demographic.age_range',
    item: 'buyer',
    // The statement of age belongs to the account the order makes or is placed from (P003-22).
    purpose: 'account',
    required: true,
    maxLength: 20,
    options: [
      { value: 'adult', label: 'I am of age (18 or older)' },
      { value: 'parental-consent', label: 'I am under 18 and a parent or guardian agrees to this purchase' },
    ],
  },
];

const PHONE = { input: 'tel' as const, maxLength: 30, minLength: 5, pattern: '^[+0-9 ()./-]{5,30}$', patternHint: 'digits, spaces and + ( ) - . / only' };
export const phoneFields: readonly FieldSpec[] = [
  { ...text('phone_home', 'Home phone', 'user.contact.phone_number', 'home', { autocomplete: 'home tel' }), ...PHONE },
  { ...text('phone_business', 'Business phone', 'user.contact.phone_number', 'business', { autocomplete: 'work tel' }), ...PHONE },
];

export const shippingFields: readonly FieldSpec[] = address('ship', 'Delivery address');

export const methods: Record<PaymentMethod, MethodSpec> = {
  card: {
    method: 'card',
    label: 'Card',
    instrument: 'card',
    fields: [],
    explanation: 'You enter your card on the payment processor’s own secure page; this shop never sees the card number.',
  },
  'bank-account': {
    method: 'bank-account',
    label: 'Bank account (direct debit)',
    instrument: 'bank-account',
    fields: address('billing', 'Account holder’s address'),
    explanation: 'You enter your bank account on the payment processor’s own secure page and authorise the debit there.',
  },
  invoice: {
    method: 'invoice',
    label: 'Invoice on account',
    instrument: null,
    fields: [text('organization', 'Company', 'user.contact.organization', 'billing', { autocomplete: 'organization' }), ...address('billing', 'Invoice address')],
    explanation: 'We send an invoice once a credit check approves the order; the order waits until then.',
  },
  free: {
    method: 'free',
    label: 'Nothing to pay',
    instrument: null,
    fields: [],
    explanation: 'This order costs nothing, so no payment details are needed.',
  },
};

/** The methods this cart may be paid with: free exactly when the total is zero; invoice only when a credit-approval recipient is set. */
export function methodsFor(cart: Pick<PricedCart, 'totalMinor'>, settings: CheckoutSettings): PaymentMethod[] {
  if (cart.totalMinor === 0) return ['free'];
  return paymentMethods.filter((m) => m !== 'free' && (m !== 'invoice' || settings.invoiceRecipient !== null));
}

export function fulfilmentOf(cart: Pick<PricedCart, 'needsShipping'>): Fulfilment {
  return cart.needsShipping ? 'ship' : 'digital';
}

/** The exact fields checkout asks for this method and cart, in form order. */
export function fieldsFor(method: PaymentMethod, cart: Pick<PricedCart, 'needsShipping'>, settings: CheckoutSettings): FieldSpec[] {
  const fields = [...buyerFields, ...(settings.requirePhones ? phoneFields : []), ...(fulfilmentOf(cart) === 'ship' ? shippingFields : []), ...methods[method].fields];
  const only = settings.countries;
  if (!only) return fields;
  return fields.map((f) =>
    f.input === 'select' && f.options === countryOptions
      ? { ...f, options: countryOptions.filter((o) => only.includes(o.value)), optionsHint: `one of the countries we deliver to (${only.join(', ')})` }
      : f,
  );
}

/** Every field any method or cart may ask: the API schema's properties (each request is then held to `fieldsFor`). */
export function allFields(): FieldSpec[] {
  const seen = new Map<string, FieldSpec>();
  for (const f of [...buyerFields, ...phoneFields, ...shippingFields, ...paymentMethods.flatMap((m) => methods[m].fields)]) seen.set(f.name, f);
  return [...seen.values()];
}

/** The JSON schema of one field's value. */
export function fieldSchema(f: FieldSpec): Record<string, unknown> {
  if (f.options) return { type: 'string', enum: f.options.map((o) => o.value), description: f.label };
  return {
    type: 'string',
    maxLength: f.maxLength,
    description: f.label,
    ...(f.required && f.minLength ? { minLength: f.minLength } : {}),
    ...(f.pattern ? { pattern: f.pattern } : {}),
  };
}
