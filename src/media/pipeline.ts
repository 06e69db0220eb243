// The image pipeline: an upload is decoded (so its type is what its bytes are, not what its name
// or header says), turned upright, and re-encoded as WebP at a few widths. Re-encoding drops every
// piece of metadata (EXIF with GPS, XMP, comments): nothing of the original file is ever served.
import { randomUUID } from 'node:crypto';
import type { Metadata } from 'sharp';
import { AppError } from '../platform/errors.ts';
import type { MediaStorage } from './storage.ts';

// sharp loads libvips (some 30 MB of resident memory) when imported: only a process that makes
// pictures (an upload, the demo's first start) pays for it, not every shop that only serves them.
// libvips' operation cache and a thread per core would keep some 80 MB after the demo's pictures
// are made; a shop makes a picture once per upload, so neither pays.
const loadSharp = async () => {
  const sharp = (await import('sharp')).default;
  sharp.cache(false);
  sharp.concurrency(1);
  return sharp;
};

/** Widths made of every image; an image narrower than one gets it at its own width, never enlarged. */
export const IMAGE_WIDTHS = [320, 640, 1280] as const;
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
const ACCEPTED = new Set(['jpeg', 'png', 'webp', 'gif', 'avif']);
// Decoding a 20000×20000 "image" of a few KB would take gigabytes: refuse before decoding.
const MAX_PIXELS = 40_000_000;
const WEBP_QUALITY = 80;

export interface StoredImage {
  id: string;
  /** Size of the largest file made, in pixels (the original's proportions). */
  width: number;
  height: number;
  /** The widths made, ascending. */
  widths: number[];
}

function refused(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', `${field}: ${message}`, [{ field, message }]);
}

export interface Upload {
  data: Buffer;
  /** True when the upload was cut at the size limit. */
  truncated?: boolean;
}

/** Checks, converts and stores an upload; `field` names it in a refusal. */
export async function storeImage(storage: MediaStorage, upload: Upload | undefined, field: string): Promise<StoredImage> {
  if (!upload || !Buffer.isBuffer(upload.data) || upload.data.length === 0) throw refused(field, 'choose an image file');
  if (upload.truncated || upload.data.length > MAX_UPLOAD_BYTES) throw refused(field, `is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB`);
  let meta: Metadata;
  try {
    meta = await (await loadSharp())(upload.data, { limitInputPixels: MAX_PIXELS }).metadata();
  } catch {
    throw refused(field, 'is not an image this shop can read (use JPEG, PNG, WebP, GIF or AVIF)');
  }
  if (!meta.format || !ACCEPTED.has(meta.format) || !meta.width || !meta.height) {
    throw refused(field, 'is not an image this shop can read (use JPEG, PNG, WebP, GIF or AVIF)');
  }
  if (meta.width * meta.height > MAX_PIXELS) throw refused(field, 'has too many pixels (at most 40 megapixels)');
  // Width and height as displayed: EXIF orientations 5–8 swap them.
  const swap = (meta.orientation ?? 1) >= 5;
  const width = swap ? meta.height : meta.width;
  const height = swap ? meta.width : meta.height;
  const widths = [...new Set(IMAGE_WIDTHS.map((w) => Math.min(w, width)))];
  const id = randomUUID();
  try {
    for (const w of widths) {
      const out = await (await loadSharp())(upload.data, { limitInputPixels: MAX_PIXELS }).rotate().resize({ width: w, withoutEnlargement: true }).webp({ quality: WEBP_QUALITY }).toBuffer();
      await storage.put(`${id}/${w}.webp`, out);
    }
  } catch (err) {
    await storage.removeImage(id);
    if (err instanceof AppError) throw err;
    throw refused(field, 'could not be read as an image (the file may be damaged)');
  }
  const largest = widths.at(-1)!;
  return { id, width: largest, height: Math.round((height * largest) / width), widths };
}

/**
 * Stores an illustration drawn by the shop's own code (the demo shop's product pictures) as an
 * image: the SVG is rendered straight at each width, which is much faster than rendering it large
 * and resizing. Never for uploads: SVG from outside may reach for files and URLs, and is refused.
 */
export async function storeDrawing(storage: MediaStorage, svg: Buffer, size: { width: number; height: number }): Promise<StoredImage> {
  const widths = [...new Set(IMAGE_WIDTHS.map((w) => Math.min(w, size.width)))];
  const id = randomUUID();
  await Promise.all(
    widths.map(async (w) => {
      const out = await (await loadSharp())(svg, { density: (72 * w) / size.width })
        .webp({ quality: WEBP_QUALITY, effort: 2 })
        .toBuffer();
      await storage.put(`${id}/${w}.webp`, out);
    }),
  );
  const largest = widths.at(-1)!;
  return { id, width: largest, height: Math.round((size.height * largest) / size.width), widths };
}

/** The stable URL of one width of an image. */
export function imageUrl(id: string, width: number): string {
  return `/media/${id}-${width}.webp`;
}
