// The JSON shape of every error answer (built in error-handler.ts), for route schemas: one
// definition, so /openapi.json describes errors alike everywhere and no route's serializer drops a
// field (an incident id on a 500) that the handler sends.
export const errorBody = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        fields: {
          type: 'array',
          items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } },
        },
        incident: { type: 'string', description: 'Present on 500 answers: quote it when reporting the problem.' },
      },
    },
  },
} as const;

export const errorResponses = { '4xx': errorBody, '5xx': errorBody } as const;
