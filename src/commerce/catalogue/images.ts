// Product pictures: images of the media store attached to a product with their alt text and order.
// The first picture is the product's main one (its card, the top of its page).
import { sql } from 'kysely';
import { AppError } from '../../platform/errors.ts';
import type { Db } from '../../platform/db/database.ts';
import type { StoredImage } from '../../media/index.ts';
import { notifyCatalogueChanged } from './events.ts';
import { catalogueDb } from './queries.ts';

export interface ProductImage {
  id: string;
  image_id: string;
  alt: string;
  position: number;
  width: number;
  height: number;
  widths: number[];
}

export const ALT_MAX = 300;

function field(name: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', `${name}: ${message}`, [{ field: name, message }]);
}

/** Alt text as stored: trimmed, required (a picture that says nothing to a screen reader is refused). */
export function checkAlt(alt: unknown, name = 'alt'): string {
  const text = typeof alt === 'string' ? alt.trim() : '';
  if (text === '') throw field(name, 'describe the picture for people who cannot see it');
  if (text.length > ALT_MAX) throw field(name, `must be at most ${ALT_MAX} characters`);
  return text;
}

async function productExists(db: Db, productId: string): Promise<void> {
  const found = await catalogueDb(db).selectFrom('catalogue_products').select('id').where('id', '=', productId).executeTakeFirst();
  if (!found) throw new AppError('NOT_FOUND', 'id: no product has this id', [{ field: 'id', message: 'no product has this id' }]);
}

export async function listProductImages(db: Db, productId: string): Promise<ProductImage[]> {
  return catalogueDb(db)
    .selectFrom('catalogue_product_images')
    .select(['id', 'image_id', 'alt', 'position', 'width', 'height', 'widths'])
    .where('product_id', '=', productId)
    .orderBy('position')
    .orderBy('created_at')
    .execute();
}

/** Adds a stored image as the product's last picture. */
export async function addProductImage(db: Db, productId: string, image: StoredImage, alt: string): Promise<ProductImage> {
  await productExists(db, productId);
  const text = checkAlt(alt);
  const row = await catalogueDb(db)
    .insertInto('catalogue_product_images')
    .values({
      product_id: productId,
      image_id: image.id,
      alt: text,
      width: image.width,
      height: image.height,
      widths: image.widths,
      position: sql<number>`(select coalesce(max(position) + 1, 0) from catalogue_product_images where product_id = ${productId})`,
    })
    .returning(['id', 'image_id', 'alt', 'position', 'width', 'height', 'widths'])
    .executeTakeFirstOrThrow();
  await notifyCatalogueChanged(db);
  return row;
}

async function pictureOf(db: Db, productId: string, pictureId: string): Promise<ProductImage[]> {
  const all = await listProductImages(db, productId);
  if (!all.some((p) => p.id === pictureId)) throw new AppError('NOT_FOUND', 'picture: this product has no such picture', [{ field: 'picture_id', message: 'this product has no such picture' }]);
  return all;
}

async function renumber(db: Db, ordered: readonly ProductImage[]): Promise<void> {
  for (const [position, p] of ordered.entries()) {
    if (p.position !== position) await catalogueDb(db).updateTable('catalogue_product_images').set({ position }).where('id', '=', p.id).execute();
  }
}

/** Moves a picture to `position` (0 = main picture), the others shifting along. */
export async function moveProductImage(db: Db, productId: string, pictureId: string, position: number): Promise<ProductImage[]> {
  const all = await pictureOf(db, productId, pictureId);
  const moving = all.find((p) => p.id === pictureId)!;
  const rest = all.filter((p) => p.id !== pictureId);
  rest.splice(Math.max(0, Math.min(position, rest.length)), 0, moving);
  await renumber(db, rest);
  await notifyCatalogueChanged(db);
  return listProductImages(db, productId);
}

/** Changes a picture's alt text. */
export async function describeProductImage(db: Db, productId: string, pictureId: string, alt: string): Promise<void> {
  await pictureOf(db, productId, pictureId);
  await catalogueDb(db)
    .updateTable('catalogue_product_images')
    .set({ alt: checkAlt(alt) })
    .where('id', '=', pictureId)
    .execute();
  await notifyCatalogueChanged(db);
}

/** Removes a picture from the product; the media sweep deletes the image's files a day later when nothing else uses it. */
export async function removeProductImage(db: Db, productId: string, pictureId: string): Promise<void> {
  const all = await pictureOf(db, productId, pictureId);
  await catalogueDb(db).deleteFrom('catalogue_product_images').where('id', '=', pictureId).execute();
  await renumber(
    db,
    all.filter((p) => p.id !== pictureId),
  );
  await notifyCatalogueChanged(db);
}
