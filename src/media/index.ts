// The public entry of media: the image store other modules (the catalogue, brand settings, the
// demo shop) use. Any other file here is internal (decision 0032).
export { addDrawing, addImage, findImage, mediaStorage } from './images.ts';
export { mediaModule } from './module.ts';
export { IMAGE_WIDTHS, MAX_UPLOAD_BYTES, type StoredImage, type Upload, imageUrl } from './pipeline.ts';
export type { MediaStorage } from './storage.ts';
export { type ImageUse, imageUsesOf, MEDIA_SWEEP_JOB, SWEEP_GRACE_MS, sweepImages } from './sweep.ts';
