// The public entry of delivery: licence keys and downloadable files of digital products. A vendor's
// route (the vendor portal) uploads through `uploadLicenceKeys` / `uploadDownloadFile` with
// `vendorId` set and reads counts with `keyCounts`, `filesOfVariants` and `waitingPerVariant`; a
// module after delivery hears that keys ran out by declaring a `licenceKeysRanOut` listener. Any
// other file here is internal (decision 0032).
export { deliveryModule } from './module.ts';
export { type KeyCounts, type KeyUpload, type KeyVault, MAX_KEYS_PER_UPLOAD, RELEASE_JOB, type UploadResult, keyCounts, uploadLicenceKeys } from './keys.ts';
export { releaseWaiting, waitingPerVariant } from './deliver.ts';
export { type FileUpload, type VariantFile, filesOfVariants, uploadDownloadFile } from './files.ts';
export type { KeysRanOut, KeysRanOutListener } from './ran-out.ts';

// Used only by tests outside the module: a link with a chosen expiry.
export { downloadPath } from './downloads.ts';
