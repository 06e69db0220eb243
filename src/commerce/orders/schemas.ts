// JSON schemas of the orders staff API (published in /openapi.json).
import { orderReasons, staffReasons } from './reasons.ts';
import { orderStatuses } from './states.ts';
export { errorResponses } from '../../web/error-schema.ts';

const status = { type: 'string', enum: [...orderStatuses] } as const;
const timestamp = { type: 'string', format: 'date-time' } as const;
const minor = { type: 'integer', minimum: 0, description: 'Minor units of the order currency.' } as const;

export const numberParams = {
  type: 'object',
  properties: { number: { type: 'string', pattern: '^C-[0-9]{6,12}$' } },
  required: ['number'],
  additionalProperties: false,
} as const;

export const listQuery = {
  type: 'object',
  properties: {
    status,
    page: { type: 'integer', minimum: 1, maximum: 10_000, default: 1 },
    per_page: { type: 'integer', minimum: 1, maximum: 100, default: 50 },
  },
  additionalProperties: false,
} as const;

const orderSummary = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    number: { type: 'string' },
    status,
    held_from: { type: ['string', 'null'] },
    fulfilment: { type: 'string', enum: ['ship', 'digital'] },
    payment_method: { type: 'string' },
    currency: { type: 'string' },
    subtotal_minor: minor,
    shipping_minor: minor,
    tax_minor: minor,
    total_minor: minor,
    refunded_minor: minor,
    created_at: timestamp,
    updated_at: timestamp,
  },
  required: ['id', 'number', 'status', 'fulfilment', 'currency', 'total_minor', 'created_at'],
} as const;

/** The signed-in buyer's own orders (no paging: one person's history is short). */
export const myOrdersResponse = {
  type: 'object',
  properties: { items: { type: 'array', items: orderSummary } },
  required: ['items'],
} as const;

export const listResponse = {
  type: 'object',
  properties: { items: { type: 'array', items: orderSummary }, total: { type: 'integer' } },
  required: ['items', 'total'],
} as const;

export const orderResponse = {
  type: 'object',
  properties: {
    ...orderSummary.properties,
    lines: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          variant_id: { type: 'string' },
          product_id: { type: 'string' },
          vendor_id: { type: 'string' },
          sku: { type: 'string' },
          name: { type: 'string' },
          kind: { type: 'string' },
          quantity: { type: 'integer' },
          unit_minor: minor,
          total_minor: minor,
        },
      },
    },
    history: {
      type: 'array',
      items: {
        type: 'object',
        properties: { from: { type: ['string', 'null'] }, to: status, at: timestamp, actor: { type: 'string' }, reason: { type: ['string', 'null'] }, amount_minor: { type: ['integer', 'null'] } },
      },
    },
    next: { type: 'array', items: status, description: 'The statuses the order may move to next.' },
  },
  required: [...orderSummary.required, 'lines', 'history', 'next'],
} as const;

export const personalQuery = {
  type: 'object',
  properties: {
    purpose: {
      type: 'string',
      pattern: '^[a-z0-9]+(-[a-z0-9]+)*$',
      maxLength: 100,
      default: 'fulfillment',
      description: 'The data-map purpose of this read; order data is readable only under fulfillment and order-status.',
    },
  },
  additionalProperties: false,
} as const;

export const personalResponse = {
  type: 'object',
  properties: {
    name: { type: ['string', 'null'] },
    address: { type: ['string', 'null'] },
    carrier: { type: ['string', 'null'] },
    tracking: { type: ['string', 'null'] },
  },
  required: ['name', 'address', 'carrier', 'tracking'],
} as const;

export const transitionBody = {
  type: 'object',
  properties: {
    to: status,
    reason: {
      type: 'string',
      enum: staffReasons(),
      description: `Why, from the fixed catalogue (never free text): ${staffReasons()
        .map((code) => `${code} (${orderReasons[code].label}; for ${orderReasons[code].for.join(', ')})`)
        .join('; ')}.`,
    },
    carrier: { type: 'string', maxLength: 60 },
    tracking: { type: 'string', maxLength: 64 },
    amount_minor: minor,
    units: {
      type: 'array',
      maxItems: 200,
      description:
        'For refunded: the units the buyer gives back, per line position (their licence keys and downloads stop working). A refund of the whole total takes back every unit; a partial refund only those named.',
      items: {
        type: 'object',
        required: ['line', 'quantity'],
        additionalProperties: false,
        properties: { line: { type: 'integer', minimum: 0, maximum: 100000 }, quantity: { type: 'integer', minimum: 1, maximum: 1000000 } },
      },
    },
  },
  required: ['to'],
  additionalProperties: false,
} as const;

/** The staff console's step form: every field is text, a reason is a catalogue code or left empty. */
export const transitionForm = {
  type: 'object',
  properties: {
    to: status,
    reason: { type: 'string', enum: ['', ...staffReasons()] },
    carrier: { type: 'string', maxLength: 60 },
    tracking: { type: 'string', maxLength: 64 },
    amount: { type: 'string', maxLength: 20 },
    confirm: { type: 'string', enum: ['1'] },
  },
  // A refund's units given back, one field per line: `units.<position>`.
  patternProperties: { '^units\\.[0-9]{1,5}$': { type: 'string', maxLength: 7 } },
  maxProperties: 220,
  required: ['to'],
  additionalProperties: false,
} as const;
