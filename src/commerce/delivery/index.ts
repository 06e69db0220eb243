// The public entry of delivery: licence keys of digital products. A vendor's route (the vendor
// portal) uploads through `uploadLicenceKeys` with `vendorId` set and reads counts with
// `keyCounts`. Any other file here is internal (decision 0032).
export { deliveryModule } from './module.ts';
export { type KeyCounts, type KeyUpload, type KeyVault, MAX_KEYS_PER_UPLOAD, RELEASE_JOB, type UploadResult, keyCounts, uploadLicenceKeys } from './keys.ts';
export { releaseWaiting } from './deliver.ts';
