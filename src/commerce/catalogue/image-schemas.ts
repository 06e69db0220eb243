// Schemas of the product-picture routes (JSON API and console forms).
const uuid = { type: 'string', format: 'uuid' } as const;

export const productParams = { type: 'object', required: ['id'], properties: { id: uuid } } as const;
export const pictureParams = { type: 'object', required: ['id', 'pictureId'], properties: { id: uuid, pictureId: uuid } } as const;

/** A multipart upload: the picture file (read by the web shell into { data, truncated }) and its alt text. */
export const uploadBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    alt: { type: 'string', maxLength: 1000 },
    image: { type: 'object' },
  },
} as const;

export const pictureResponse = {
  type: 'object',
  required: ['id', 'image_id', 'alt', 'position', 'width', 'height', 'widths'],
  properties: {
    id: uuid,
    image_id: uuid,
    alt: { type: 'string' },
    position: { type: 'integer' },
    width: { type: 'integer' },
    height: { type: 'integer' },
    widths: { type: 'array', items: { type: 'integer' } },
    urls: { type: 'array', items: { type: 'string' } },
  },
} as const;

export const pictureListResponse = { type: 'object', required: ['items'], properties: { items: { type: 'array', items: pictureResponse } } } as const;

export const pictureChangeBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: { position: { type: 'integer', minimum: 0, maximum: 1000 }, alt: { type: 'string', maxLength: 1000 } },
} as const;

export const moveForm = {
  type: 'object',
  additionalProperties: false,
  required: ['direction'],
  properties: { direction: { type: 'string', enum: ['up', 'down', 'first'] } },
} as const;

export const emptyForm = { type: ['object', 'null'], additionalProperties: false } as const;
