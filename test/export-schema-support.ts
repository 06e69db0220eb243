// The export's JSON Schema (docs/export-schema.json, what /privacy/export-schema.json serves),
// compiled once, and the assertion every test of an export makes with it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

export const exportSchema = JSON.parse(readFileSync(new URL('../docs/export-schema.json', import.meta.url), 'utf8')) as object;

const ajv = new (Ajv2020 as unknown as typeof Ajv2020.default)({ allErrors: true, strict: true });
(addFormats as unknown as (a: unknown) => void)(ajv);
const validate = ajv.compile(exportSchema);

/** Fails, naming every violation, unless `doc` follows the export schema. */
export function assertFollowsExportSchema(doc: unknown): void {
  assert.ok(validate(doc), `the export follows docs/export-schema.json: ${ajv.errorsText(validate.errors)}`);
}
