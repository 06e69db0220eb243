// Response serialisers, compiled once per schema and process. Like the validators (validation.ts),
// compiling is a pure function of the schema and a large share of what building an app costs; a
// process that builds many apps (a test process builds dozens) compiles each response schema once.
// Fastify's own compiler (fast-json-stringify) does the compiling.
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';

type Factory = ReturnType<typeof SerializerSelector>;
type Serialize = (doc: unknown) => string;

const fastJsonStringify = SerializerSelector();
const compiled = new Map<string, Serialize>();

export const buildSerializer: Factory = (externalSchemas, options) => {
  const compile = fastJsonStringify(externalSchemas, options);
  const settings = JSON.stringify([externalSchemas ?? null, options ?? null]);
  return (route) => {
    const key = `${settings}\n${JSON.stringify(route.schema)}`;
    let serialize = compiled.get(key);
    if (!serialize) {
      serialize = compile(route);
      compiled.set(key, serialize);
    }
    return serialize;
  };
};
