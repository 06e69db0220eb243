// The data map as the kernel uses it, after loading and validation (see load.ts).
import type { StaffRole } from '../actors.ts';
import type { DisclosureBasis, RecipientKind } from '../disclosure/bases.ts';

export const legalBases = ['contract', 'consent', 'legal_obligation', 'vital_interest', 'legitimate_interest'] as const;
export type LegalBasis = (typeof legalBases)[number];

export const audiences = ['customer', 'vendor', 'staff', 'export'] as const;
export type Audience = (typeof audiences)[number];

export const blindIndexNormalisers = ['email', 'phone', 'bank_account', 'exact'] as const;
export type BlindIndexNormaliser = (typeof blindIndexNormalisers)[number];

export interface PolicyVersion {
  version: string;
  effective: Date;
  summary: string;
  /** A material change: announced by email to the people who may receive site news (decision 0052). */
  material: boolean;
}

export interface TaxonomyExtension {
  fidesKey: string;
  parentKey: string | null;
  name: string;
  description: string;
}

export interface SubjectKind {
  id: string;
  fidesKey: string;
  description: string;
}

export interface Category {
  key: string;
  /** What people read ("Postal address"); the key when the map gives none. */
  label: string;
  description: string;
  blindIndex: BlindIndexNormaliser | null;
  storable: boolean;
  cpni: boolean;
}

export type PriorData = { choice: 'consent' } | { choice: 'opt-out-window'; days: number };

export interface Purpose {
  id: string;
  name: string;
  description: string;
  dataUse: string;
  legalBasis: LegalBasis;
  /** A recorded withdrawal stops this purpose (legitimate interest with opt-out). */
  optOut: boolean;
  /** The purpose contacts the person. */
  communication: boolean;
  since: string;
  /**
   * How data collected under a policy version before `since` may be used for this purpose: only
   * with the person's consent, or also once an opt-out window after the emailed notice has
   * passed without an opt-out (P001-08, P004-21).
   */
  priorData: PriorData;
  dataSubjects: ReadonlySet<string>;
  categories: ReadonlySet<string>;
}

export interface Recipient {
  id: string;
  name: string;
  kind: RecipientKind;
  receives: ReadonlySet<string>;
  bases: ReadonlySet<DisclosureBasis>;
  /** The purposes this recipient serves; a disclosure names one of them. */
  purposes: ReadonlySet<string>;
}

export interface Role {
  id: StaffRole;
  description: string;
  purposes: ReadonlySet<string>;
  categories: ReadonlySet<string>;
}

/**
 * A third party the shop receives personal data from (inbound data, P003-04): what it may provide,
 * under which purposes, on which legal basis. A write naming a source is refused unless all three hold.
 */
export interface Source {
  id: string;
  name: string;
  description: string;
  provides: ReadonlySet<string>;
  purposes: ReadonlySet<string>;
  basis: LegalBasis;
}

/** A declared job: code acting with no person behind it, and the purposes it may use (decision 0026). */
export interface Job {
  id: string;
  description: string;
  purposes: ReadonlySet<string>;
}

export interface Projection {
  id: string;
  audience: Audience;
  description: string;
  categories: readonly string[];
}

export interface RetentionRule {
  category: string;
  purpose: string;
  days: number;
  reason: string;
}

/** How people reach the privacy officer; '' where a channel is not offered (at least an email or a postal address is). */
export interface DpoContact {
  name: string;
  email: string;
  phone: string;
  postalAddress: string;
}

export interface DataMap {
  organization: { fidesKey: string; name: string; legalName: string; privacyPolicyUrl: string; dpoContact: DpoContact };
  residency: { region: string; description: string };
  /** Oldest first. */
  policyVersions: readonly PolicyVersion[];
  extensions: { dataCategories: readonly TaxonomyExtension[]; dataSubjects: readonly TaxonomyExtension[]; dataUses: readonly TaxonomyExtension[] };
  subjects: ReadonlyMap<string, SubjectKind>;
  categories: ReadonlyMap<string, Category>;
  purposes: ReadonlyMap<string, Purpose>;
  recipients: ReadonlyMap<string, Recipient>;
  /** Third parties data is received from; empty in a map without a `sources` section. */
  sources: ReadonlyMap<string, Source>;
  roles: ReadonlyMap<StaffRole, Role>;
  selfService: { purposes: ReadonlySet<string> };
  vendorAccess: { recipient: string; purposes: ReadonlySet<string> };
  /** The jobs system actors may name; absent from a data map without jobs (then no system actor reads). */
  jobs: ReadonlyMap<string, Job>;
  projections: ReadonlyMap<string, Projection>;
  retention: { defaultDays: number; defaultReason: string; rules: readonly RetentionRule[] };
  /** Data about no one (aggregate counts of site use), kept apart from the personal data; empty in a map without an `aggregate_data` section. */
  aggregates: ReadonlyMap<string, AggregateData>;
}

/**
 * Aggregate data (decision 0061): counts that are about no one. It has no data subject, no purpose
 * over a person and no retention rule: it is not personal data. Its categories are not `user.*`.
 */
export interface AggregateData {
  id: string;
  name: string;
  description: string;
  /** The fides dataset it is exported as. */
  fidesKey: string;
  dataUse: string;
  dataCategories: ReadonlySet<string>;
  /** The table that holds it and its columns (the fides collection and fields). */
  collection: string;
  fields: readonly string[];
  /** How long it is kept, in words. */
  retention: string;
}
