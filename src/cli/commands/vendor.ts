// `custodian vendor list|create|update`.
import { createVendor, updateVendor, listVendors, type Vendor } from '../../commerce/catalogue/index.ts';
import { byCli } from './catalogue-lookup.ts';
import type { CliCommand, FlagSpec } from '../command.ts';
import { defined, nullableText, text } from '../flags.ts';
import { details, table } from '../output.ts';
import { findVendor } from './catalogue-lookup.ts';

const fields: Record<string, FlagSpec> = {
  slug: { type: 'string', value: '<slug>', description: 'URL name: lowercase letters, digits and hyphens' },
  name: { type: 'string', value: '<name>', description: 'Company name, up to 200 characters' },
  description: { type: 'string', value: '<text>', description: 'About the vendor, up to 5000 characters' },
  website: { type: 'string', value: '<url>', description: 'http(s):// address ("none" clears it)' },
};

const fieldNames = { '': 'options', id: '<vendor>', slug: '--slug', name: '--name', description: '--description', website: '--website' };

export function showVendor(v: Vendor): string {
  return details([
    ['id', v.id],
    ['slug', v.slug],
    ['name', v.name],
    ['website', v.website],
    ['description', v.description || null],
    ['updated', v.updated_at.toISOString()],
  ]);
}

export const vendorCommands: CliCommand[] = [
  {
    path: ['vendor', 'list'],
    summary: 'List vendors',
    async run(ctx) {
      const vendors = await listVendors(ctx.db);
      const text = table(vendors, [
        { label: 'SLUG', value: (v) => v.slug },
        { label: 'NAME', value: (v) => v.name },
        { label: 'WEBSITE', value: (v) => v.website },
        { label: 'ID', value: (v) => v.id },
      ]);
      return { data: vendors, text };
    },
  },
  {
    path: ['vendor', 'create'],
    summary: 'Create a vendor',
    flags: { ...fields, slug: { ...fields.slug!, required: true }, name: { ...fields.name!, required: true } },
    fieldNames,
    async run(ctx, args) {
      const vendor = await createVendor(
        ctx.db,
        defined({ slug: text(args, 'slug')!, name: text(args, 'name')!, description: text(args, 'description'), website: nullableText(args, 'website') }) as {
          slug: string;
          name: string;
        },
        byCli,
      );
      return { data: vendor, text: `Created vendor ${vendor.slug}.\n${showVendor(vendor)}` };
    },
  },
  {
    path: ['vendor', 'update'],
    summary: 'Change a vendor, named by slug or id',
    positionals: ['<vendor>'],
    flags: fields,
    fieldNames,
    async run(ctx, args) {
      const current = await findVendor(ctx.db, args.positionals[0]!, '<vendor>');
      const vendor = await updateVendor(
        ctx.db,
        current.id,
        defined({ slug: text(args, 'slug'), name: text(args, 'name'), description: text(args, 'description'), website: nullableText(args, 'website') }),
        byCli,
      );
      return { data: vendor, text: `Updated vendor ${vendor.slug}.\n${showVendor(vendor)}` };
    },
  },
];
