// `custodian variant add|update|delete`: what is actually sold, with its SKU, price and stock.
import { addVariant, deleteVariant, updateVariant, type Variant } from '../../commerce/catalogue/index.ts';
import { byCli } from './catalogue-lookup.ts';
import { formatMoney } from '../../web/format.ts';
import type { CliArgs, CliCommand, FlagSpec } from '../command.ts';
import { defined, int, nullableInt, text } from '../flags.ts';
import { details } from '../output.ts';
import { findProduct, findVariant } from './catalogue-lookup.ts';
import { variantFlags } from './product.ts';

const flags: Record<string, FlagSpec> = {
  ...variantFlags,
  name: { type: 'string', value: '<name>', description: 'Variant name, e.g. "5 licences" (default "Standard")' },
  position: { type: 'string', value: '<n>', description: 'Sort position on the product page (0 first)' },
};

const fieldNames = {
  '': 'options',
  id: '<product>',
  variant_id: '<variant>',
  sku: '--sku',
  name: '--name',
  price_minor: '--price',
  currency: '--currency',
  stock: '--stock',
  position: '--position',
};

function input(args: CliArgs) {
  return defined({
    sku: text(args, 'sku'),
    name: text(args, 'name'),
    price_minor: int(args, 'price'),
    currency: text(args, 'currency'),
    stock: nullableInt(args, 'stock'),
    position: int(args, 'position'),
  });
}

function showVariant(v: Variant): string {
  return details([
    ['id', v.id],
    ['sku', v.sku],
    ['name', v.name],
    ['price', formatMoney(v.price_minor, v.currency)],
    ['stock', v.stock ?? 'not tracked'],
    ['position', v.position],
  ]);
}

export const variantCommands: CliCommand[] = [
  {
    path: ['variant', 'add'],
    summary: 'Add a variant to a product named by slug or id',
    positionals: ['<product>'],
    flags: { ...flags, sku: { ...flags.sku!, required: true }, price: { ...flags.price!, required: true } },
    fieldNames,
    async run(ctx, args) {
      const product = await findProduct(ctx.db, args.positionals[0]!, '<product>');
      const variant = await addVariant(ctx.db, product.id, input(args) as { sku: string; price_minor: number }, { currency: ctx.config.currency }, byCli);
      return { data: variant, text: `Added variant ${variant.sku} to ${product.slug}.\n${showVariant(variant)}` };
    },
  },
  {
    path: ['variant', 'update'],
    summary: 'Change a variant, named by SKU or id',
    positionals: ['<variant>'],
    flags,
    fieldNames,
    async run(ctx, args) {
      const current = await findVariant(ctx.db, args.positionals[0]!, '<variant>');
      const variant = await updateVariant(ctx.db, current.product_id, current.id, input(args), byCli);
      return { data: variant, text: `Updated variant ${variant.sku}.\n${showVariant(variant)}` };
    },
  },
  {
    path: ['variant', 'delete'],
    summary: "Remove a variant, named by SKU or id (not a product's last one: archive the product)",
    positionals: ['<variant>'],
    fieldNames,
    async run(ctx, args) {
      const current = await findVariant(ctx.db, args.positionals[0]!, '<variant>');
      await deleteVariant(ctx.db, current.product_id, current.id, byCli);
      return { data: { deleted: current.id, sku: current.sku }, text: `Deleted variant ${current.sku}.` };
    },
  },
];
