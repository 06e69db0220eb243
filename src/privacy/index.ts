// The privacy kernel's public entry: what modules may use of it (actors, the data map's types,
// refusals, holders, the audit chain's checks, the module itself). Everything else in src/privacy
// is the kernel's own, above all its keys, context and root handle (decisions 0012, 0032). Tests
// of other modules find the kernel's test helpers in testing.ts.
export { type Actor, type StaffRole, actorRef, actorTag, selfActor, staffActor, staffRoles, systemActor, vendorActor } from './actors.ts';
export { CONTACT_PREFERENCE, type ContactChannel, channelIn, contactChannelOf, contactChannels, withChannel } from './contact-preference.ts';
export type { AccessLogEntry } from './audit/access-log.ts';
export { anchorPathFor } from './audit/anchor.ts';
export { reanchorReasons } from './audit/reanchor.ts';
export { sealAuditLog } from './audit/seal.ts';
export { type VerifyReport, verifyAuditLog } from './audit/verify.ts';
export type { ConsentChannel, ConsentEntry, ConsentState } from './consent/ledger.ts';
export type { ConsentReview } from './consent/reviews.ts';
export { type OptOutSignal, optOutSignals, signalPurposes } from './consent/signal.ts';
export { dpoChannels, dpoChannelWords, dpoContactLine } from './datamap/dpo-contact.ts';
export { fidesDocument, fidesYaml } from './datamap/fides-export.ts';
export { loadDataMap } from './datamap/load.ts';
export { policyVersionAt, retentionDays } from './datamap/policy.ts';
export {
  type AggregateData,
  type Category,
  type DataMap,
  type DpoContact,
  type LegalBasis,
  type PolicyVersion,
  type Purpose,
  type Recipient,
  type RetentionRule,
  legalBases,
} from './datamap/types.ts';
export { type BasisRule, type RecipientKind, disclosureBases, isDisclosureBasis } from './disclosure/bases.ts';
export type { DisclosureRecord } from './disclosure/disclose.ts';
export { type DeliveryChannel, type Notice, deliveryChannels } from './disclosure/notices.ts';
export type { PendingDisclosureRequest } from './disclosure/pending.ts';
export type { ApprovalState } from './disclosure/approvals.ts';
export { type DocumentPlace, type DocumentRead, keepDocument, readDocument } from './documents.ts';
export type { AuditTally, PrivacyEvidence } from './evidence.ts';
export { type ExportRecord, type ExportSection, type ExportValue, type HolderContext, type NamedHolder, type PersonalDataHolder, holdersOf } from './holders.ts';
export { jobKernel } from './job-services.ts';
export { KERNEL_ITEMS, RETENTION_BATCH, RETENTION_JOB, type RetentionRun, type StoreOutcome, retentionRuns, runRetention, storePeriod } from './retention/engine.ts';
export { type NamedRetentionStore, type RetentionContext, type RetentionStore, retentionStoresOf, ruleOf } from './retention/stores.ts';
export { kernelSettings, loadShopDataMap, type PrivacyKernel, startKernel } from './kernel.ts';
export { privacyModule } from './module.ts';
export { PrivacyRefusal, PrivacySetupError, type RefusalReason, SubjectErased, isPrivacyRefusal } from './refusals.ts';
export type { PersonalItem, PersonalRecord, PersonalValue, ReadManyRequest, ReadManyResult, WriteManyRequest } from './store/items.ts';
export { type BackupKey, backupKey } from './backup-key.ts';
