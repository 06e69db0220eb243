// `custodian category list|create|update`.
import { createCategory, updateCategory, getCategoryById, listCategories, type Category } from '../../commerce/catalogue/index.ts';
import { byCli } from './catalogue-lookup.ts';
import type { CliArgs, CliCommand, CliContext, FlagSpec } from '../command.ts';
import { defined, int, nullableText, text } from '../flags.ts';
import { details, table } from '../output.ts';
import { categoryIdOf, findCategory } from './catalogue-lookup.ts';

const fields: Record<string, FlagSpec> = {
  slug: { type: 'string', value: '<slug>', description: 'URL name: lowercase letters, digits and hyphens' },
  name: { type: 'string', value: '<name>', description: 'Shelf name, up to 200 characters' },
  description: { type: 'string', value: '<text>', description: 'Up to 5000 characters' },
  parent: { type: 'string', value: '<category>', description: 'Parent category slug or id ("none": top level)' },
  position: { type: 'string', value: '<n>', description: 'Sort position among its siblings (0 first)' },
};

const fieldNames = { '': 'options', id: '<category>', slug: '--slug', name: '--name', description: '--description', parent_id: '--parent', position: '--position' };

async function showCategory(ctx: CliContext, c: Category): Promise<string> {
  const parent = c.parent_id ? await getCategoryById(ctx.db, c.parent_id) : undefined;
  return details([
    ['id', c.id],
    ['slug', c.slug],
    ['name', c.name],
    ['parent', parent?.slug],
    ['position', c.position],
    ['description', c.description || null],
  ]);
}

async function input(ctx: CliContext, args: CliArgs) {
  return defined({
    slug: text(args, 'slug'),
    name: text(args, 'name'),
    description: text(args, 'description'),
    parent_id: await categoryIdOf(ctx.db, nullableText(args, 'parent'), '--parent'),
    position: int(args, 'position'),
  });
}

export const categoryCommands: CliCommand[] = [
  {
    path: ['category', 'list'],
    summary: 'List categories',
    async run(ctx) {
      const categories = await listCategories(ctx.db);
      const slugOf = new Map(categories.map((c) => [c.id, c.slug]));
      const text = table(categories, [
        { label: 'SLUG', value: (c) => c.slug },
        { label: 'NAME', value: (c) => c.name },
        { label: 'PARENT', value: (c) => (c.parent_id ? slugOf.get(c.parent_id) : null) },
        { label: 'POS', value: (c) => c.position, align: 'right' },
        { label: 'ID', value: (c) => c.id },
      ]);
      return { data: categories, text };
    },
  },
  {
    path: ['category', 'create'],
    summary: 'Create a category',
    flags: { ...fields, slug: { ...fields.slug!, required: true }, name: { ...fields.name!, required: true } },
    fieldNames,
    async run(ctx, args) {
      const category = await createCategory(ctx.db, (await input(ctx, args)) as { slug: string; name: string }, byCli);
      return { data: category, text: `Created category ${category.slug}.\n${await showCategory(ctx, category)}` };
    },
  },
  {
    path: ['category', 'update'],
    summary: 'Change a category, named by slug or id',
    positionals: ['<category>'],
    flags: fields,
    fieldNames,
    async run(ctx, args) {
      const current = await findCategory(ctx.db, args.positionals[0]!, '<category>');
      const category = await updateCategory(ctx.db, current.id, await input(ctx, args), byCli);
      return { data: category, text: `Updated category ${category.slug}.\n${await showCategory(ctx, category)}` };
    },
  },
];
