// The media module's commands: store an upload as an image (files, then its row in the caller's
// transaction) and find one.
import { join } from 'node:path';
import type { Config } from '../platform/config.ts';
import { tablesOf, type Db } from '../platform/db/database.ts';
import { type StoredImage, type Upload, storeDrawing, storeImage } from './pipeline.ts';
import { fileStorage, type MediaStorage } from './storage.ts';
import type { MediaTables } from './tables.ts';

/** The shop's image store: files under DATA_DIR/media (an object-store adapter would be chosen here). */
export function mediaStorage(config: Pick<Config, 'dataDir'>): MediaStorage {
  return fileStorage(join(config.dataDir, 'media'));
}

/** Converts and stores an upload and records it; `field` names the upload in a refusal. */
export async function addImage(db: Db, storage: MediaStorage, upload: Upload | undefined, field: string): Promise<StoredImage> {
  return record(db, await storeImage(storage, upload, field));
}

/** Stores and records an illustration drawn in code (see storeDrawing). */
export async function addDrawing(db: Db, storage: MediaStorage, svg: Buffer, size: { width: number; height: number }): Promise<StoredImage> {
  return record(db, await storeDrawing(storage, svg, size));
}

async function record(db: Db, image: StoredImage): Promise<StoredImage> {
  await tablesOf<MediaTables>(db).insertInto('media_images').values({ id: image.id, width: image.width, height: image.height, widths: image.widths }).execute();
  return image;
}

export async function findImage(db: Db, id: string): Promise<StoredImage | undefined> {
  return tablesOf<MediaTables>(db).selectFrom('media_images').select(['id', 'width', 'height', 'widths']).where('id', '=', id).executeTakeFirst();
}
