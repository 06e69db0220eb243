// The privacy kernel's typed API: the only way any module reads or writes personal data, records
// consent, discloses data to a third party or erases a person. Every call names an actor and a
// purpose and takes the caller's database handle (or transaction) first.
import type { Config } from '../platform/config.ts';
import type { Db } from '../platform/db/database.ts';
import type { Logger } from '../platform/logger.ts';
import type { Actor } from './actors.ts';
import { newContext, type KernelContext } from './context.ts';
import { anchorPathFor } from './audit/anchor.ts';
import { FileKeyring, type MasterKeyProvider } from './crypto/keyring.ts';
import { loadDataMap } from './datamap/load.ts';
import { withConsentRequired } from './datamap/shop-choices.ts';
import type { DataMap } from './datamap/types.ts';
import { recordConsent, type ConsentEntry, type ConsentRequest, type ConsentState } from './consent/ledger.ts';
import { honourSignal, type SignalRequest } from './consent/signal.ts';
import { pendingConsentReviews, reviewConsent, type ConsentReview, type ReviewRequest } from './consent/reviews.ts';
import { readConsentLedger, readConsentState, readDisclosures, readNotices, readOrderDisclosures, type LedgerReadRequest } from './ledger-reads.ts';
import {
  readItems,
  readManyItems,
  writeItems,
  writeManyItems,
  writeAllItems,
  type PersonalRecord,
  type ReadManyRequest,
  type ReadManyResult,
  type ReadRequest,
  type WriteManyRequest,
  type WriteAllRequest,
  type WriteRequest,
} from './store/items.ts';
import { findSubjects, type LookupRequest } from './store/lookup.ts';
import { audienceOf, type AudienceRequest } from './store/audience.ts';
import { claimNewUseNotices, newUseNoticesOf, type NewUseNoticeRequest } from './store/new-use.ts';
import { syncPolicyVersions } from './store/policy-sync.ts';
import { setRestricted } from './store/subjects.ts';
import { createSubjectWithItems, type CreateSubjectRequest } from './store/create-with-items.ts';
import { checkResidency } from './residency.ts';
import { keyedDigest } from './crypto/keyed-digest.ts';
import { openSecret, sealSecret, type SealRequest } from './store/sealed-secrets.ts';
import { subjectDigest, type SubjectDigestRequest } from './store/subject-digest.ts';
import { retentionDays } from './datamap/policy.ts';
import { validationError } from '../platform/errors.ts';
import { dropRetiredMasterKeys, rewrapAll, rotateMasterKey } from './crypto/rotation.ts';
import { eraseSubject, reconcileErasures, type EraseResult } from './erasure.ts';
import { pendingDisclosureRequests, type PendingDisclosureRequest } from './disclosure/pending.ts';
import { approvalStates, type ApprovalState } from './disclosure/approvals.ts';
import { decideDisclosure, disclose, requestDisclosure, type Disclosure, type DisclosureRecord, type DisclosureRequest } from './disclosure/disclose.ts';
import { pendingNotices, recordDelivery, recordNotices, type DeliveryChannel, type Notice, type NoticeRequest, type PendingNoticesRequest } from './disclosure/notices.ts';
import { correctItem, type Correction, type CorrectionRequest } from './store/correct.ts';
import { forgetItems, type ForgetRequest } from './store/forget.ts';
import { accessLog, type AccessLogEntry } from './audit/access-log.ts';
import { privacyEvidence, type PrivacyEvidence } from './evidence.ts';
import { checkAnchorAtStart } from './audit/start-check.ts';
import { reanchorAudit, type ReanchorRequest, type ReanchorResult } from './audit/reanchor.ts';
import { maintainBlindIndexes, type BlindIndexRun } from './blind-index-rotation.ts';
import { attachInternals } from './internals.ts';
import { mintedActor, mintedOnly } from './access/minted.ts';

export interface KernelOptions {
  db: Db;
  datamapDir?: string;
  map?: DataMap;
  keyringPath: string;
  /** A KMS adapter for master keys; default: the master keys of the keyring file. */
  masterKeys?: MasterKeyProvider;
  /** DATA_REGION; null means the data map's region. */
  region: string | null;
  /** The audit anchor file; default audit-head.json next to the keyring; null: no anchor. */
  anchorPath?: string | null;
  /**
   * The shop's and the worker's start: refuse when the audit chain no longer matches its anchor
   * (missing, restored, rewritten), and record a new shop's first start in the chain (default false).
   */
  checkAnchor?: boolean;
  /** Complete at start the erasures a restored database predates (default true). */
  reconcileErasures?: boolean;
  log?: Logger | null;
  now?: () => Date;
  /**
   * Purposes the data map gives an opt-out that this shop runs on consent instead (OFFERS_CONSENT=opt-in
   * names `offers`; decision 0080): they need a current grant, and the policy and the fides document say so.
   */
  consentRequired?: readonly string[];
}

/** The data map as this shop's kernel runs it (its settings applied), for what is published without a kernel. */
export function loadShopDataMap(config: Pick<Config, 'datamapDir' | 'keyringPath' | 'dataRegion' | 'offersConsent'>): DataMap {
  return withConsentRequired(loadDataMap(config.datamapDir), kernelSettings(config).consentRequired ?? []);
}

/** The settings every start of the kernel takes from the shop's configuration. */
export function kernelSettings(config: Pick<Config, 'datamapDir' | 'keyringPath' | 'dataRegion' | 'offersConsent'>): Pick<KernelOptions, 'datamapDir' | 'keyringPath' | 'region' | 'consentRequired'> {
  return { datamapDir: config.datamapDir, keyringPath: config.keyringPath, region: config.dataRegion, consentRequired: config.offersConsent === 'opt-in' ? ['offers'] : [] };
}

export interface PrivacyKernel {
  readonly map: DataMap;
  readonly region: string;
  /** A new subject; with `values`, their first items under the same purpose, in the same statement (checked and audited as `write`). */
  createSubject(db: Db, request: CreateSubjectRequest): Promise<string>;
  write(db: Db, request: WriteRequest): Promise<void>;
  /** Many people's items of one category in one statement, each person checked and each item audited as `write` does; all or nothing. */
  writeMany(db: Db, request: WriteManyRequest): Promise<void>;
  /** One person's items under several purposes or refs in one statement, each write checked and audited as `write` does; all or nothing. */
  writeAll(db: Db, request: WriteAllRequest): Promise<void>;
  read(db: Db, request: ReadRequest): Promise<PersonalRecord>;
  /** Many people's items of the same categories in one statement, each checked and audited as `read` does; a refused item says why instead of throwing. */
  readMany(db: Db, request: ReadManyRequest): Promise<ReadManyResult[]>;
  findSubjects(db: Db, request: LookupRequest): Promise<string[]>;
  /** One page of the people a contacting purpose may reach now (consent, opt-out, status, kind checked in one statement), in id order; audited as one lookup. */
  audience(db: Db, request: AudienceRequest): Promise<string[]>;
  /** One page of the people to tell of a new use of their data, recorded as told now (once per person and purpose; decision 0053). */
  claimNewUseNotices(db: Db, request: NewUseNoticeRequest): Promise<string[]>;
  /** When the person was told of each new use (the person themself, staff or a job; nothing personal in it). */
  newUseNoticesOf(db: Db, request: { subject: string; actor: Actor }): Promise<{ purpose: string; sentAt: Date }[]>;
  /** Opted out of all communication or deactivated (P004-22); `reactivate` lifts it. */
  restrict(db: Db, request: { subject: string; actor: Actor }): Promise<void>;
  reactivate(db: Db, request: { subject: string; actor: Actor }): Promise<void>;
  /** By the person; or by support, owner or the DPO with evidence, pending the DPO's review (decision 0030). */
  recordConsent(db: Db, request: ConsentRequest): Promise<number>;
  /** A browser's opt-out signal from the signed-in person: withdraws the purposes it covers that are still on (once); returns those withdrawn now. */
  honourSignal(db: Db, request: SignalRequest): Promise<string[]>;
  /** Consent entries staff recorded that no DPO reviewed yet, with their evidence (DPO only; audited). */
  pendingConsentReviews(db: Db, actor: Actor): Promise<ConsentReview[]>;
  /** The DPO confirms a staff-recorded consent entry or reverses it (restoring the state before); returns the restoring entry's id. */
  reviewConsent(db: Db, request: ReviewRequest): Promise<number | null>;
  /** The person's current choices; the actor must be allowed the purpose for this person (audited). */
  consentState(db: Db, request: LedgerReadRequest): Promise<ConsentState[]>;
  /** The whole consent ledger with its evidence decrypted; staff need a role that sees privacy preferences (audited). */
  consentLedger(db: Db, request: LedgerReadRequest): Promise<ConsentEntry[]>;
  /** The one way personal data leaves for a third party; ledgered. */
  disclose(db: Db, request: DisclosureRequest): Promise<Disclosure>;
  /** Staff ask the DPO to approve a disclosure on a non-fulfilment basis; returns the request id. */
  requestDisclosure(db: Db, request: Omit<DisclosureRequest, 'approval'>): Promise<string>;
  decideDisclosure(db: Db, request: { approval: string; decision: 'approved' | 'rejected'; actor: Actor }): Promise<void>;
  /** Disclosure requests awaiting the DPO's decision, oldest first, without personal values (DPO and owners only; audited). */
  pendingDisclosureRequests(db: Db, actor: Actor): Promise<PendingDisclosureRequest[]>;
  /** Where these disclosure requests stand: decision and the ledger entry that used the approval (DPO, owners, accountants; audited). */
  approvalStates(db: Db, request: { actor: Actor; ids: readonly string[] }): Promise<ApprovalState[]>;
  /** Who received this person's data (for one order, or all): recipient, fields, when, why. */
  disclosuresOf(db: Db, request: LedgerReadRequest & { order?: string }): Promise<DisclosureRecord[]>;
  /** Who received personal data for one order, its buyer erased or not (the ledger is evidence; each buyer's rows checked and audited as `disclosuresOf`). */
  orderDisclosures(db: Db, request: { order: string; actor: Actor; purpose: string }): Promise<DisclosureRecord[]>;
  /** Replaces the value of one item (its purpose, policy version and collection time stay); audited. */
  correct(db: Db, request: CorrectionRequest): Promise<Correction>;
  /** Deletes the person's items of these categories under one ref (and refs below it) before their retention ends; purpose-checked, audited as a purge. */
  forget(db: Db, request: ForgetRequest): Promise<number>;
  /** Tells every recipient that received the person's data (of these categories, for this order) to erase or correct it: one ledgered notice each. */
  recordNotices(db: Db, request: NoticeRequest): Promise<Notice[]>;
  /** Records how a notice reached its recipient (once). */
  recordNoticeDelivery(db: Db, request: { notice: string; channel: DeliveryChannel; actor: Actor }): Promise<void>;
  /** The notices about one person, with their delivery (audited). */
  noticesOf(db: Db, request: LedgerReadRequest): Promise<Notice[]>;
  /** Notices not yet delivered, one page and how many there are (DPO and owners; audited). */
  pendingNotices(db: Db, request: PendingNoticesRequest): Promise<{ items: Notice[]; total: number }>;
  /** Who looked at this person's data: their audit entries, actors by kind and role (audited). */
  accessLog(db: Db, request: { subject: string; actor: Actor }): Promise<AccessLogEntry[]>;
  /** The ledgers as counts for the promise report, nothing personal (DPO and owners; audited). */
  evidence(db: Db, actor: Actor): Promise<PrivacyEvidence>;
  /** Crypto-shreds a person: nothing of theirs can be read again, here or in any backup. */
  erase(db: Db, request: { subject: string; actor: Actor }): Promise<EraseResult>;
  /** After restoring a backup: completes erasures the keyring already made. */
  reconcileErasures(db: Db): Promise<number>;
  /** Rotates the blind-index key when older than `rotationDays`, re-indexes, destroys keys no row uses (CLI, job). */
  maintainBlindIndexes(db: Db, request: { actor: Actor; rotationDays: number }): Promise<BlindIndexRun>;
  /** Makes a new master key active and re-wraps every data key under it (data untouched). */
  rotateMasterKey(db: Db, actor: Actor): Promise<{ keyId: string; rewrapped: number }>;
  /** The privacy officer accepts the audit chain as it stands (after a restore, a lost anchor, an incident); recorded in the chain. */
  reanchorAudit(db: Db, request: ReanchorRequest): Promise<ReanchorResult>;
  /** Re-wraps every data key still under a retired master key (finishes an interrupted rotation). */
  rewrapDataKeys(db: Db, actor: Actor): Promise<{ keyId: string; rewrapped: number }>;
  /** Drops every master key that is retired and wraps no data key any more; refuses (naming how many remain) otherwise. */
  dropRetiredMasterKeys(db: Db, actor: Actor): Promise<{ dropped: string[] }>;
  /**
   * A digest of `value` under a key kept in the keyring (never in the database), separate per
   * `domain` (e.g. 'accounts.network'): lets a module recognise a value again without keeping it.
   */
  keyedDigest(domain: string, value: string): Buffer;
  /**
   * A digest of `value` under a key derived from this person's data key, separate per `domain`
   * (decision 0081): the same value of two people never matches, and erasing the person makes
   * their digests impossible to recompute. For a module that must recognise a value of one
   * account again (its sign-in networks) without keeping it or linking it to anything else.
   */
  subjectDigest(db: Db, request: SubjectDigestRequest): Promise<Buffer>;
  /**
   * Seals a secret (a mailed link's token) for one person under their data key, bound to where it
   * is kept; erasing the person shreds it. Not personal data, so not an audited read.
   */
  sealSecret(db: Db, request: SealRequest & { value: string }): Promise<Buffer>;
  /** Opens what `sealSecret` sealed for this subject and context. */
  openSecret(db: Db, request: SealRequest & { sealed: Buffer }): Promise<string>;
  /** How long the data map keeps `category` collected for `purpose`, in days, and why. */
  retention(category: string, purpose: string): { days: number; reason: string };
  /** Waits for audit rows written outside callers' transactions. */
  flush(): Promise<void>;
  /** Flushes, stops the kernel's timers and zeroes the data keys it cached. */
  close(): Promise<void>;
}

export async function startKernel(options: KernelOptions): Promise<PrivacyKernel> {
  const map = withConsentRequired(options.map ?? loadDataMap(options.datamapDir ?? new URL('../../datamap/', import.meta.url).pathname), options.consentRequired ?? []);
  const keyring = FileKeyring.open(options.keyringPath);
  const ctx = newContext({
    map,
    keyring,
    rootDb: options.db,
    anchorPath: options.anchorPath === undefined ? anchorPathFor(options.keyringPath) : options.anchorPath,
    ...(options.masterKeys ? { masterKeys: options.masterKeys } : {}),
    ...(options.log !== undefined ? { log: options.log } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  if (options.checkAnchor) await checkAnchorAtStart(ctx, options.db);
  await keyring.ensureDigestKey();
  const region = await checkResidency(ctx, options.db, options.region);
  await syncPolicyVersions(ctx, options.db);
  if (options.reconcileErasures !== false) {
    // A database restored from a backup older than some erasures still holds those people's key
    // rows; their keys are already shredded in the keyring, so finish the erasures now.
    const completed = await reconcileErasures(ctx, options.db);
    if (completed) ctx.log?.info({ completed }, 'privacy: completed erasures the keyring had already made (the database predates them)');
    else ctx.log?.debug({ completed }, 'privacy: no erasures to complete');
  }
  return kernelOf(ctx, region);
}

export function kernelOf(ctx: KernelContext, region: string): PrivacyKernel {
  const flush = async () => {
    while (ctx.pending.size) await Promise.all([...ctx.pending]);
  };
  return attachInternals(
    {
      map: ctx.map,
      region,
      createSubject: mintedOnly(ctx, 'subject.create', (db, r) => createSubjectWithItems(ctx, db, r)),
      write: mintedOnly(ctx, 'data.write', (db, r) => writeItems(ctx, db, r)),
      writeMany: mintedOnly(ctx, 'data.write', (db, r) => writeManyItems(ctx, db, r)),
      writeAll: mintedOnly(ctx, 'data.write', (db, r) => writeAllItems(ctx, db, r)),
      read: mintedOnly(ctx, 'data.read', (db, r) => readItems(ctx, db, r)),
      readMany: mintedOnly(ctx, 'data.read', (db, r) => readManyItems(ctx, db, r)),
      findSubjects: mintedOnly(ctx, 'data.lookup', (db, r) => findSubjects(ctx, db, r)),
      audience: mintedOnly(ctx, 'data.lookup', (db, r) => audienceOf(ctx, db, r)),
      claimNewUseNotices: mintedOnly(ctx, 'notice.record', (db, r) => claimNewUseNotices(ctx, db, r)),
      newUseNoticesOf: mintedOnly(ctx, 'notice.read', (db, r) => newUseNoticesOf(ctx, db, r)),
      restrict: mintedOnly(ctx, 'subject.restrict', (db, r) => setRestricted(ctx, db, { ...r, restricted: true })),
      reactivate: mintedOnly(ctx, 'subject.reactivate', (db, r) => setRestricted(ctx, db, { ...r, restricted: false })),
      recordConsent: mintedOnly(ctx, 'consent.grant', (db, r) => recordConsent(ctx, db, r)),
      honourSignal: mintedOnly(ctx, 'consent.withdraw', (db, r) => honourSignal(ctx, db, r)),
      pendingConsentReviews: mintedActor(ctx, 'consent.review.list', (db, actor) => pendingConsentReviews(ctx, db, actor)),
      reviewConsent: mintedOnly(ctx, 'consent.review', (db, r) => reviewConsent(ctx, db, r)),
      consentState: mintedOnly(ctx, 'consent.read', (db, r) => readConsentState(ctx, db, r)),
      consentLedger: mintedOnly(ctx, 'consent.read', (db, r) => readConsentLedger(ctx, db, r)),
      disclose: mintedOnly(ctx, 'disclosure', (db, r) => disclose(ctx, db, r)),
      requestDisclosure: mintedOnly(ctx, 'disclosure.request', (db, r) => requestDisclosure(ctx, db, r)),
      decideDisclosure: mintedOnly(ctx, 'disclosure.decide', (db, r) => decideDisclosure(ctx, db, r)),
      pendingDisclosureRequests: mintedActor(ctx, 'disclosure.list', (db, actor) => pendingDisclosureRequests(ctx, db, actor)),
      approvalStates: mintedOnly(ctx, 'disclosure.list', (db, r) => approvalStates(ctx, db, r)),
      disclosuresOf: mintedOnly(ctx, 'disclosure.read', (db, r) => readDisclosures(ctx, db, r)),
      orderDisclosures: mintedOnly(ctx, 'disclosure.read', (db, r) => readOrderDisclosures(ctx, db, r)),
      correct: mintedOnly(ctx, 'data.correct', (db, r) => correctItem(ctx, db, r)),
      forget: mintedOnly(ctx, 'data.purge', (db, r) => forgetItems(ctx, db, r)),
      recordNotices: mintedOnly(ctx, 'notice.record', (db, r) => recordNotices(ctx, db, r)),
      recordNoticeDelivery: mintedOnly(ctx, 'notice.deliver', (db, r) => recordDelivery(ctx, db, r)),
      noticesOf: mintedOnly(ctx, 'notice.read', (db, r) => readNotices(ctx, db, r)),
      pendingNotices: mintedOnly(ctx, 'notice.list', (db, r) => pendingNotices(ctx, db, r)),
      accessLog: mintedOnly(ctx, 'audit.read', (db, r) => accessLog(ctx, db, r)),
      evidence: mintedActor(ctx, 'evidence.read', (db, actor) => privacyEvidence(ctx, db, actor)),
      erase: mintedOnly(ctx, 'subject.erase', (db, r) => eraseSubject(ctx, db, r)),
      reconcileErasures: (db) => reconcileErasures(ctx, db),
      maintainBlindIndexes: mintedOnly(ctx, 'key.rotate', (db, r) => maintainBlindIndexes(ctx, db, r)),
      rotateMasterKey: mintedActor(ctx, 'key.rotate', (db, actor) => rotateMasterKey(ctx, db, actor)),
      reanchorAudit: mintedOnly(ctx, 'audit.reanchor', (db, r) => reanchorAudit(ctx, db, r)),
      rewrapDataKeys: mintedActor(ctx, 'key.rewrap', async (db, actor) => ({ keyId: ctx.masterKeys.activeKeyId(), rewrapped: await rewrapAll(ctx, db, actor) })),
      dropRetiredMasterKeys: mintedActor(ctx, 'key.drop', (db, actor) => dropRetiredMasterKeys(ctx, db, actor)),
      subjectDigest: (db, r) => subjectDigest(ctx, db, r),
      sealSecret: (db, r) => sealSecret(ctx, db, r),
      openSecret: (db, r) => openSecret(ctx, db, r),
      keyedDigest: (domain, value) => keyedDigest(ctx.keyring, domain, value),
      retention: (category, purpose) => {
        if (!ctx.map.categories.has(category)) throw validationError('category', `is not in the data map: ${category}`);
        if (!ctx.map.purposes.has(purpose)) throw validationError('purpose', `is not in the data map: ${purpose}`);
        return retentionDays(ctx.map, category, purpose);
      },
      flush,
      async close() {
        await flush();
        ctx.keyCache.close();
      },
    },
    ctx,
  );
}
