// Reading and changing the shop's look. Colours are refused when white text on them, or them as
// text on the page, would fall under 4.5:1: the shop stays readable whatever the owner picks.
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { tablesOf, type Db } from '../platform/db/database.ts';
import { AppError, type FieldProblem } from '../platform/errors.ts';
import { imageUrl, type StoredImage } from '../media/index.ts';
import type { LayoutBrand } from '../web/layout.ts';
import { MIN_CONTRAST, contrastRatio } from './contrast.ts';
import type { BrandTables } from './tables.ts';

export const BRAND_CHANGED = 'brand_changed';
/** The colours of app.css, used until the owner picks others. */
export const DEFAULT_COLOURS = { primary: '#0b5cad', accent: '#0b5cad' } as const;
/** What the colours are checked against: white (button text, cards) and the page background. */
const BACKGROUNDS = ['#ffffff', '#fbfbfc'];

export interface Brand {
  /** False until the owner saves a look: pages then keep app.css's colours. */
  set: boolean;
  primary: string;
  accent: string;
  logo: { imageId: string; alt: string; width: number; height: number; widths: number[] } | null;
}

const db_ = (db: Db) => tablesOf<BrandTables>(db);

export async function readBrand(db: Db): Promise<Brand> {
  const row = await db_(db).selectFrom('brand_settings').selectAll().where('id', '=', 1).executeTakeFirst();
  if (!row) return { set: false, primary: DEFAULT_COLOURS.primary, accent: DEFAULT_COLOURS.accent, logo: null };
  const logo =
    row.logo_image_id && row.logo_alt && row.logo_width && row.logo_height && row.logo_widths
      ? { imageId: row.logo_image_id, alt: row.logo_alt, width: row.logo_width, height: row.logo_height, widths: row.logo_widths }
      : null;
  return { set: true, primary: row.primary_colour, accent: row.accent_colour, logo };
}

/** Problems with a colour, by field: not a #rrggbb colour, or too little contrast. */
export function colourProblems(colours: { primary: string; accent: string }, names = { primary: 'primary', accent: 'accent' }): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const key of ['primary', 'accent'] as const) {
    const value = colours[key];
    const field = names[key];
    if (!/^#[0-9a-f]{6}$/i.test(value)) {
      problems.push({ field, message: 'must be a colour like #0b5cad' });
      continue;
    }
    const worst = Math.min(...BACKGROUNDS.map((bg) => contrastRatio(value, bg)));
    if (worst < MIN_CONTRAST) {
      problems.push({
        field,
        message: `is too light: white text on it, or it as text on the page, has a contrast of ${worst.toFixed(2)}:1, and at least ${MIN_CONTRAST}:1 is needed to read it. Pick a darker shade.`,
      });
    }
  }
  return problems;
}

async function save(db: Db, brand: Omit<Brand, 'set'>): Promise<void> {
  const values = {
    primary_colour: brand.primary,
    accent_colour: brand.accent,
    logo_image_id: brand.logo?.imageId ?? null,
    logo_alt: brand.logo?.alt ?? null,
    logo_width: brand.logo?.width ?? null,
    logo_height: brand.logo?.height ?? null,
    logo_widths: brand.logo?.widths ?? null,
    updated_at: new Date(),
  };
  await db_(db)
    .insertInto('brand_settings')
    .values({ id: 1, ...values })
    .onConflict((oc) => oc.column('id').doUpdateSet(values))
    .execute();
  await sql`select pg_notify(${BRAND_CHANGED}, '')`.execute(db);
}

export interface BrandChange {
  primary: string;
  accent: string;
  /** A newly stored logo with its alt text, or undefined to keep the current one. */
  logo?: { image: StoredImage; alt: string };
  /** The alt text of the current logo, when changed without a new file. */
  logoAlt?: string;
}

export async function changeBrand(db: Db, change: BrandChange, fields = { primary: 'primary', accent: 'accent', logoAlt: 'logo_alt' }): Promise<Brand> {
  const primary = change.primary.toLowerCase();
  const accent = change.accent.toLowerCase();
  const problems = colourProblems({ primary, accent }, fields);
  if (problems.length) throw new AppError('VALIDATION_FAILED', problems.map((p) => `${p.field}: ${p.message}`).join('; '), problems);
  const current = await readBrand(db);
  let logo = current.logo;
  if (change.logo) logo = { imageId: change.logo.image.id, alt: change.logo.alt, width: change.logo.image.width, height: change.logo.image.height, widths: change.logo.image.widths };
  else if (logo && change.logoAlt !== undefined) logo = { ...logo, alt: change.logoAlt };
  const brand = { set: true, primary, accent, logo };
  await save(db, brand);
  return brand;
}

export async function removeLogo(db: Db): Promise<void> {
  await save(db, { ...(await readBrand(db)), logo: null });
}

/** The stylesheet of the brand: app.css's colour variables, overridden. */
export function brandStylesheet(brand: Brand): string {
  return `:root { --accent: ${brand.primary}; --brand-accent: ${brand.accent}; }
.site-header { border-top: .3rem solid var(--brand-accent); }
h1 { color: var(--brand-accent); }
`;
}

/** What the layout needs: the versioned stylesheet URL and the logo; nothing until the owner sets a look. */
export function layoutBrand(brand: Brand): LayoutBrand | undefined {
  if (!brand.set) return undefined;
  const version = createHash('sha256').update(brandStylesheet(brand)).digest('hex').slice(0, 16);
  const logo = brand.logo;
  return {
    stylesheet: `/brand.css?v=${version}`,
    logo: logo ? { sources: logo.widths.map((w) => ({ url: imageUrl(logo.imageId, w), width: w })), width: logo.width, height: logo.height, alt: logo.alt } : null,
  };
}
