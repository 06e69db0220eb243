// Loads the data map from the YAML files of DATAMAP_DIR and validates it as a whole. A map with
// any problem does not load: start stops with every problem listed (file and path named).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parsedOnce } from '../../platform/parse-once.ts';

import { staffRoles, type StaffRole } from '../actors.ts';
import { disclosureBases, isDisclosureBasis, isRecipientKind, type DisclosureBasis } from '../disclosure/bases.ts';
import { PrivacySetupError } from '../refusals.ts';
import { parseDpoContact } from './dpo-contact.ts';
import { fideslangTaxonomy, type Taxonomy } from './taxonomy.ts';
import {
  audiences,
  blindIndexNormalisers,
  legalBases,
  type Audience,
  type BlindIndexNormaliser,
  type Category,
  type DataMap,
  type LegalBasis,
  type PriorData,
  type PolicyVersion,
  type Projection,
  type Purpose,
  type Recipient,
  type RetentionRule,
  type Job,
  type Role,
  type Source,
  type SubjectKind,
  type TaxonomyExtension,
  type AggregateData,
} from './types.ts';

const parseYaml = (text: string): unknown => parse(text);

const topLevelKeys = [
  'organization',
  'residency',
  'policy_versions',
  'taxonomy_extensions',
  'data_subjects',
  'data_categories',
  'purposes',
  'recipients',
  'sources',
  'roles',
  'self_service',
  'vendor_access',
  'projections',
  'retention',
  'jobs',
  'aggregate_data',
] as const;

const JOB_ID = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/;

const ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const FIDES_KEY = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;

// Nothing that sells data or hands out lists may be declared, whatever it is called (P002-13, P003-08).
const FORBIDDEN_PURPOSE_WORDS = /\b(sale|sell|selling|sold|list[- ]?rental|list[- ]?broker|data[- ]?broker)\b/i;
const FORBIDDEN_DATA_USES = [/^sales(\.|$)/, /^third_party_sharing$/, /^third_party_sharing\.(?!legal_obligation$)/, /^marketing\.advertising\.third_party(\.|$)/];

type Raw = Record<string, unknown>;

class Problems {
  readonly list: string[] = [];
  add(where: string, problem: string): void {
    this.list.push(`${where}: ${problem}`);
  }
}

function isObject(value: unknown): value is Raw {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Reads the YAML files and merges their top-level keys (each key may appear in one file only). */
export function readDataMapFiles(dir: string): { raw: Raw; origin: Record<string, string> } {
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort();
  } catch (err) {
    throw new PrivacySetupError(`Cannot read the data map folder ${dir} (${(err as Error).message}); set DATAMAP_DIR.`);
  }
  if (files.length === 0) throw new PrivacySetupError(`The data map folder ${dir} holds no .yml files.`);
  const raw: Raw = {};
  const origin: Record<string, string> = {};
  const problems = new Problems();
  for (const file of files) {
    let doc: unknown;
    try {
      doc = parsedOnce(readFileSync(join(dir, file), 'utf8'), parseYaml);
    } catch (err) {
      problems.add(file, `is not valid YAML (${(err as Error).message.split('\n')[0]})`);
      continue;
    }
    if (doc === null || doc === undefined) continue;
    if (!isObject(doc)) {
      problems.add(file, 'must hold a mapping of sections');
      continue;
    }
    for (const [key, value] of Object.entries(doc)) {
      if (!(topLevelKeys as readonly string[]).includes(key)) problems.add(`${file} ${key}`, `is not a data map section (known: ${topLevelKeys.join(', ')})`);
      else if (key in raw) problems.add(`${file} ${key}`, `is already declared in ${origin[key]}`);
      else {
        raw[key] = value;
        origin[key] = file;
      }
    }
  }
  if (problems.list.length) throw new PrivacySetupError(`The data map is not valid:\n- ${problems.list.join('\n- ')}`);
  return { raw, origin };
}

export function loadDataMap(dir: string, taxonomy: Taxonomy = fideslangTaxonomy()): DataMap {
  const { raw, origin } = readDataMapFiles(dir);
  return validateDataMap(raw, taxonomy, origin);
}

export function validateDataMap(raw: Raw, taxonomy: Taxonomy = fideslangTaxonomy(), origin: Record<string, string> = {}): DataMap {
  const problems = new Problems();
  const where = (section: string, path = '') => `${origin[section] ?? 'datamap'} ${section}${path}`;

  const str = (obj: Raw, key: string, at: string, required = true): string => {
    const v = obj[key];
    if (typeof v === 'string' && v.trim()) return v.trim();
    if (typeof v === 'number' && key === 'version') return String(v);
    if (v === undefined && !required) return '';
    problems.add(`${at}.${key}`, 'must be a non-empty text');
    return '';
  };
  const bool = (obj: Raw, key: string, at: string): boolean => {
    const v = obj[key];
    if (v === undefined) return false;
    if (typeof v === 'boolean') return v;
    problems.add(`${at}.${key}`, 'must be true or false');
    return false;
  };
  const list = (value: unknown, at: string): Raw[] => {
    if (!Array.isArray(value)) {
      problems.add(at, 'must be a list');
      return [];
    }
    return value.map((item, i) => {
      if (isObject(item)) return item;
      problems.add(`${at}[${i}]`, 'must be a mapping');
      return {};
    });
  };
  const strings = (obj: Raw, key: string, at: string): string[] => {
    const v = obj[key];
    if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) {
      problems.add(`${at}.${key}`, 'must be a list of texts');
      return [];
    }
    const seen = new Set<string>();
    for (const s of v as string[]) {
      if (seen.has(s)) problems.add(`${at}.${key}`, `lists ${s} twice`);
      seen.add(s);
    }
    return v as string[];
  };
  const section = (key: (typeof topLevelKeys)[number]): unknown => {
    if (!(key in raw)) problems.add(where(key), 'is missing');
    return raw[key];
  };
  const uniqueIds = <T extends { id: string }>(items: T[], at: string, pattern = ID): Map<string, T> => {
    const out = new Map<string, T>();
    items.forEach((item, i) => {
      if (!pattern.test(item.id)) problems.add(`${at}[${i}].id`, `"${item.id}" must look like ${pattern === ID ? 'order-status' : 'user.contact.email'}`);
      if (out.has(item.id)) problems.add(`${at}[${i}].id`, `"${item.id}" is declared twice`);
      out.set(item.id, item);
    });
    return out;
  };

  // Organization and residency.
  const orgRaw = isObject(section('organization')) ? (raw.organization as Raw) : {};
  const organization = {
    fidesKey: str(orgRaw, 'fides_key', where('organization')),
    name: str(orgRaw, 'name', where('organization')),
    legalName: str(orgRaw, 'legal_name', where('organization')),
    privacyPolicyUrl: str(orgRaw, 'privacy_policy_url', where('organization')),
    dpoContact: parseDpoContact(orgRaw.dpo_contact, where('organization'), (at, problem) => problems.add(at, problem)),
  };
  if (organization.fidesKey && !/^[a-z][a-z0-9_]*$/.test(organization.fidesKey)) problems.add(where('organization', '.fides_key'), 'must be lower_snake_case');
  const resRaw = isObject(section('residency')) ? (raw.residency as Raw) : {};
  const residency = { region: str(resRaw, 'region', where('residency')), description: str(resRaw, 'description', where('residency'), false) };
  if (residency.region && !/^[a-z]{2}(-[a-z0-9]+)*$/.test(residency.region)) problems.add(where('residency', '.region'), 'must be a lower-case region code such as us or eu-west');

  // Policy versions.
  const policyVersions: PolicyVersion[] = list(section('policy_versions'), where('policy_versions')).map((v, i) => {
    const at = where('policy_versions', `[${i}]`);
    const version = str(v, 'version', at);
    const rawDate = v.effective;
    const effective = rawDate instanceof Date ? rawDate : new Date(typeof rawDate === 'string' ? `${rawDate}T00:00:00Z` : NaN);
    if (Number.isNaN(effective.getTime())) problems.add(`${at}.effective`, 'must be a date (YYYY-MM-DD)');
    // Required, not defaulted: whether people are mailed about a version is a decision to write down.
    if (v.material === undefined) problems.add(`${at}.material`, 'must be true or false');
    return { version, effective, summary: str(v, 'summary', at), material: bool(v, 'material', at) };
  });
  if (section('policy_versions') !== undefined && policyVersions.length === 0) problems.add(where('policy_versions'), 'must list at least one version');
  uniqueIds(
    policyVersions.map((p) => ({ id: p.version })),
    where('policy_versions'),
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/,
  );
  for (let i = 1; i < policyVersions.length; i++) {
    if (policyVersions[i]!.effective <= policyVersions[i - 1]!.effective) problems.add(where('policy_versions', `[${i}]`), 'must take effect after the version before it');
  }
  const versions = new Set(policyVersions.map((p) => p.version));

  // Taxonomy extensions.
  const extRaw = isObject(raw.taxonomy_extensions) ? (raw.taxonomy_extensions as Raw) : {};
  const readExtensions = (key: string, known: ReadonlySet<string>, hierarchical: boolean): TaxonomyExtension[] => {
    const at = where('taxonomy_extensions', `.${key}`);
    const out: TaxonomyExtension[] = [];
    const declared = new Set<string>();
    for (const [i, e] of (extRaw[key] === undefined ? [] : list(extRaw[key], at)).entries()) {
      const fidesKey = str(e, 'fides_key', `${at}[${i}]`);
      const parentKey = hierarchical ? str(e, 'parent_key', `${at}[${i}]`) : null;
      if (fidesKey && !FIDES_KEY.test(fidesKey)) problems.add(`${at}[${i}].fides_key`, 'must be a dotted lower_snake_case key');
      if (known.has(fidesKey)) problems.add(`${at}[${i}].fides_key`, `${fidesKey} is already in the fideslang taxonomy; do not redeclare it`);
      if (declared.has(fidesKey)) problems.add(`${at}[${i}].fides_key`, `${fidesKey} is declared twice`);
      if (hierarchical && parentKey) {
        if (!known.has(parentKey) && !declared.has(parentKey)) problems.add(`${at}[${i}].parent_key`, `${parentKey} is neither in the taxonomy nor declared above`);
        if (fidesKey && !fidesKey.startsWith(`${parentKey}.`)) problems.add(`${at}[${i}].fides_key`, `must start with its parent key ${parentKey}.`);
      }
      declared.add(fidesKey);
      out.push({ fidesKey, parentKey, name: str(e, 'name', `${at}[${i}]`), description: str(e, 'description', `${at}[${i}]`) });
    }
    return out;
  };
  const extensions = {
    dataCategories: readExtensions('data_categories', taxonomy.dataCategories, true),
    dataSubjects: readExtensions('data_subjects', taxonomy.dataSubjects, false),
    dataUses: readExtensions('data_uses', taxonomy.dataUses, true),
  };
  const knownCategories = new Set([...taxonomy.dataCategories, ...extensions.dataCategories.map((e) => e.fidesKey)]);
  const knownSubjects = new Set([...taxonomy.dataSubjects, ...extensions.dataSubjects.map((e) => e.fidesKey)]);
  const knownUses = new Set([...taxonomy.dataUses, ...extensions.dataUses.map((e) => e.fidesKey)]);

  // Data subjects.
  const subjects = uniqueIds(
    list(section('data_subjects'), where('data_subjects')).map((s, i): SubjectKind => {
      const at = where('data_subjects', `[${i}]`);
      const fidesKey = str(s, 'fides_key', at);
      if (fidesKey && !knownSubjects.has(fidesKey)) problems.add(`${at}.fides_key`, `${fidesKey} is not a fideslang data subject nor a declared extension`);
      return { id: str(s, 'id', at), fidesKey, description: str(s, 'description', at) };
    }),
    where('data_subjects'),
  );

  // Categories.
  const categories = uniqueIds(
    list(section('data_categories'), where('data_categories')).map((c, i) => {
      const at = where('data_categories', `[${i}]`);
      const key = str(c, 'key', at);
      if (key && !knownCategories.has(key)) problems.add(`${at}.key`, `${key} is not a fideslang data category nor a declared extension`);
      const blind = c.blind_index;
      if (blind !== undefined && blind !== null && !(blindIndexNormalisers as readonly unknown[]).includes(blind)) {
        problems.add(`${at}.blind_index`, `must be one of ${blindIndexNormalisers.join(', ')}`);
      }
      const category: Category = {
        key,
        label: str(c, 'label', at, false) || key,
        description: str(c, 'description', at),
        blindIndex: (blind ?? null) as BlindIndexNormaliser | null,
        storable: c.storable === undefined ? true : bool(c, 'storable', at),
        cpni: bool(c, 'cpni', at),
      };
      return { ...category, id: key };
    }),
    where('data_categories'),
    FIDES_KEY,
  );
  const checkCategories = (keys: string[], at: string, storableOnly = true) => {
    for (const key of keys) {
      const category = categories.get(key);
      if (!category) problems.add(at, `${key} is not a category declared in data_categories`);
      else if (storableOnly && !category.storable) problems.add(at, `${key} is never stored, so it cannot be used here`);
    }
  };

  // prior_data: consent (the default) | opt-out-window, with opt_out_window_days (30 or more). A
  // window is only for an opt-out purpose: consent purposes need a grant whatever the notice said.
  const priorDataOf = (p: Raw, at: string, legalBasis: LegalBasis, optOut: boolean): PriorData => {
    const choice = p.prior_data ?? 'consent';
    const days = p.opt_out_window_days;
    if (choice === 'consent') {
      if (days !== undefined) problems.add(`${at}.opt_out_window_days`, 'is only for prior_data: opt-out-window');
      return { choice: 'consent' };
    }
    if (choice !== 'opt-out-window') {
      problems.add(`${at}.prior_data`, 'must be consent or opt-out-window');
      return { choice: 'consent' };
    }
    if (legalBasis !== 'legitimate_interest' || !optOut) problems.add(`${at}.prior_data`, 'an opt-out window is only for a legitimate-interest purpose with an opt-out');
    if (typeof days !== 'number' || !Number.isInteger(days) || days < 30 || days > 365) {
      problems.add(`${at}.opt_out_window_days`, 'must be a whole number of days from 30 to 365');
      return { choice: 'opt-out-window', days: 30 };
    }
    return { choice: 'opt-out-window', days };
  };

  // Purposes.
  const purposes = uniqueIds(
    list(section('purposes'), where('purposes')).map((p, i): Purpose & { id: string } => {
      const at = where('purposes', `[${i}]`);
      const id = str(p, 'id', at);
      const name = str(p, 'name', at);
      const description = str(p, 'description', at);
      const dataUse = str(p, 'data_use', at);
      if (FORBIDDEN_PURPOSE_WORDS.test(`${id.replaceAll('-', ' ')} ${name}`)) problems.add(at, 'a purpose that sells personal data or customer lists cannot be declared');
      if (dataUse && !knownUses.has(dataUse)) problems.add(`${at}.data_use`, `${dataUse} is not a fideslang data use nor a declared extension`);
      if (FORBIDDEN_DATA_USES.some((re) => re.test(dataUse))) problems.add(`${at}.data_use`, `${dataUse} shares or sells data to third parties; only disclosures on a fixed basis may do that`);
      const legalBasis = str(p, 'legal_basis', at) as LegalBasis;
      if (legalBasis && !(legalBases as readonly string[]).includes(legalBasis)) problems.add(`${at}.legal_basis`, `must be one of ${legalBases.join(', ')}`);
      const optOut = bool(p, 'opt_out', at);
      if (optOut && legalBasis !== 'legitimate_interest') problems.add(`${at}.opt_out`, 'only a legitimate-interest purpose has an opt-out (consent purposes need a grant)');
      const since = str(p, 'since', at);
      if (since && !versions.has(since)) problems.add(`${at}.since`, `${since} is not a declared policy version`);
      const priorData = priorDataOf(p, at, legalBasis, optOut);
      const dataSubjects = strings(p, 'data_subjects', at);
      for (const s of dataSubjects) if (!subjects.has(s)) problems.add(`${at}.data_subjects`, `${s} is not a declared data subject`);
      const cats = strings(p, 'categories', at);
      checkCategories(cats, `${at}.categories`);
      return { id, name, description, dataUse, legalBasis, optOut, communication: bool(p, 'communication', at), since, priorData, dataSubjects: new Set(dataSubjects), categories: new Set(cats) };
    }),
    where('purposes'),
  );
  for (const required of ['fulfillment', 'order-status']) {
    if (raw.purposes !== undefined && !purposes.has(required)) problems.add(where('purposes'), `must declare the purpose ${required} (P000-02)`);
  }
  const checkPurposes = (ids: string[], at: string) => {
    for (const id of ids) if (!purposes.has(id)) problems.add(at, `${id} is not a declared purpose`);
  };

  // Recipients.
  const recipients = uniqueIds(
    list(section('recipients'), where('recipients')).map((r, i): Recipient => {
      const at = where('recipients', `[${i}]`);
      const kind = str(r, 'kind', at);
      if (kind && !isRecipientKind(kind)) problems.add(`${at}.kind`, `${kind} is not a recipient kind`);
      const receives = strings(r, 'receives', at);
      checkCategories(receives, `${at}.receives`);
      const bases = strings(r, 'bases', at);
      for (const basis of bases) {
        if (!isDisclosureBasis(basis)) {
          problems.add(`${at}.bases`, `${basis} is not a disclosure basis (the fixed list is: ${Object.keys(disclosureBases).join(', ')})`);
          continue;
        }
        const kinds = disclosureBases[basis].recipientKinds as readonly string[];
        if (kinds.length && !kinds.includes(kind)) problems.add(`${at}.bases`, `${basis} is only for recipients of kind ${kinds.join(' or ')}`);
      }
      const served = strings(r, 'purposes', at);
      checkPurposes(served, `${at}.purposes`);
      return {
        id: str(r, 'id', at),
        name: str(r, 'name', at),
        kind: kind as Recipient['kind'],
        purposes: new Set(served),
        receives: new Set(receives),
        bases: new Set(bases.filter(isDisclosureBasis) as DisclosureBasis[]),
      };
    }),
    where('recipients'),
  );

  // Sources of inbound data (optional section).
  const sources = uniqueIds(
    (raw.sources === undefined ? [] : list(raw.sources, where('sources'))).map((s, i): Source => {
      const at = where('sources', `[${i}]`);
      const provides = strings(s, 'provides', at);
      checkCategories(provides, `${at}.provides`);
      const served = strings(s, 'purposes', at);
      checkPurposes(served, `${at}.purposes`);
      const basis = str(s, 'basis', at) as LegalBasis;
      if (basis && !(legalBases as readonly string[]).includes(basis)) problems.add(`${at}.basis`, `must be one of ${legalBases.join(', ')}`);
      for (const id of served) {
        const purpose = purposes.get(id);
        for (const c of provides) if (purpose && !purpose.categories.has(c)) problems.add(`${at}.provides`, `${c} is not a category of the purpose ${id}`);
      }
      return { id: str(s, 'id', at), name: str(s, 'name', at), description: str(s, 'description', at), provides: new Set(provides), purposes: new Set(served), basis };
    }),
    where('sources'),
  );

  // Aggregate data (optional section): about no one, so no subject, no purpose, no user.* category.
  const aggregates = uniqueIds(
    (raw.aggregate_data === undefined ? [] : list(raw.aggregate_data, where('aggregate_data'))).map((a, i): AggregateData => {
      const at = where('aggregate_data', `[${i}]`);
      const cats = strings(a, 'data_categories', at);
      for (const c of cats) {
        if (!knownCategories.has(c)) problems.add(`${at}.data_categories`, `${c} is not a fideslang data category`);
        if (c === 'user' || c.startsWith('user.')) problems.add(`${at}.data_categories`, `${c} is personal data: aggregate data holds no user category`);
      }
      const dataUse = str(a, 'data_use', at);
      if (dataUse && !knownUses.has(dataUse)) problems.add(`${at}.data_use`, `${dataUse} is not a fideslang data use`);
      const fidesKey = str(a, 'fides_key', at);
      if (fidesKey && !/^[a-z][a-z0-9_]*$/.test(fidesKey)) problems.add(`${at}.fides_key`, 'must look like custodian_site_use');
      for (const extra of ['data_subjects', 'purposes', 'subject']) if (extra in a) problems.add(`${at}.${extra}`, 'aggregate data has no data subject or purpose over a person');
      return {
        id: str(a, 'id', at),
        name: str(a, 'name', at),
        description: str(a, 'description', at),
        fidesKey,
        dataUse,
        dataCategories: new Set(cats),
        collection: str(a, 'collection', at),
        fields: strings(a, 'fields', at),
        retention: str(a, 'retention', at),
      };
    }),
    where('aggregate_data'),
  );

  // Roles, self-service and vendor access.
  const roleList = list(section('roles'), where('roles')).map((r, i): Role => {
    const at = where('roles', `[${i}]`);
    const id = str(r, 'id', at) as StaffRole;
    if (id && !staffRoles.includes(id)) problems.add(`${at}.id`, `${id} is not a staff role (${staffRoles.join(', ')})`);
    const ps = strings(r, 'purposes', at);
    checkPurposes(ps, `${at}.purposes`);
    const cs = strings(r, 'categories', at);
    checkCategories(cs, `${at}.categories`);
    return { id, description: str(r, 'description', at), purposes: new Set(ps), categories: new Set(cs) };
  });
  const roles = uniqueIds(roleList, where('roles')) as Map<StaffRole, Role>;
  for (const role of staffRoles) if (raw.roles !== undefined && !roles.has(role)) problems.add(where('roles'), `must declare the role ${role}`);

  const selfRaw = isObject(section('self_service')) ? (raw.self_service as Raw) : {};
  const selfPurposes = strings(selfRaw, 'purposes', where('self_service'));
  checkPurposes(selfPurposes, where('self_service', '.purposes'));
  const vendorRaw = isObject(section('vendor_access')) ? (raw.vendor_access as Raw) : {};
  const vendorRecipient = str(vendorRaw, 'recipient', where('vendor_access'));
  if (vendorRecipient && recipients.get(vendorRecipient)?.kind !== 'vendor') problems.add(where('vendor_access', '.recipient'), `${vendorRecipient} must be a declared recipient of kind vendor`);
  const vendorPurposes = strings(vendorRaw, 'purposes', where('vendor_access'));
  checkPurposes(vendorPurposes, where('vendor_access', '.purposes'));

  // Declared jobs (optional: a map without them lets no system actor read or write).
  const jobs = uniqueIds(
    (raw.jobs === undefined ? [] : list(raw.jobs, where('jobs'))).map((j, i): Job => {
      const at = where('jobs', `[${i}]`);
      const ps = strings(j, 'purposes', at);
      checkPurposes(ps, `${at}.purposes`);
      return { id: str(j, 'id', at), description: str(j, 'description', at), purposes: new Set(ps) };
    }),
    where('jobs'),
    JOB_ID,
  );

  // Projections.
  const projections = uniqueIds(
    list(section('projections'), where('projections')).map((p, i): Projection => {
      const at = where('projections', `[${i}]`);
      const audience = str(p, 'audience', at) as Audience;
      if (audience && !(audiences as readonly string[]).includes(audience)) problems.add(`${at}.audience`, `must be one of ${audiences.join(', ')}`);
      const cs = strings(p, 'categories', at);
      checkCategories(cs, `${at}.categories`);
      return { id: str(p, 'id', at), audience, description: str(p, 'description', at), categories: cs };
    }),
    where('projections'),
  );
  for (const audience of audiences) {
    if (raw.projections !== undefined && ![...projections.values()].some((p) => p.audience === audience)) problems.add(where('projections'), `must declare a projection for the audience ${audience}`);
  }
  const vendorProjection = [...projections.values()].find((p) => p.audience === 'vendor');
  const vendorReceives = recipients.get(vendorRecipient)?.receives;
  if (vendorProjection && vendorReceives) {
    for (const c of vendorProjection.categories) if (!vendorReceives.has(c)) problems.add(where('projections'), `the vendor projection shows ${c}, which ${vendorRecipient} may not receive`);
  }

  // Retention.
  const retRaw = isObject(section('retention')) ? (raw.retention as Raw) : {};
  const days = (value: unknown, at: string): number => {
    if (typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= 36500) return value;
    problems.add(at, 'must be a whole number of days between 1 and 36500');
    return 1;
  };
  const rules = (retRaw.rules === undefined ? [] : list(retRaw.rules, where('retention', '.rules'))).map((r, i): RetentionRule => {
    const at = where('retention', `.rules[${i}]`);
    const category = str(r, 'category', at);
    const purpose = str(r, 'purpose', at);
    if (category !== '*') checkCategories([category], `${at}.category`);
    if (purpose !== '*') checkPurposes([purpose], `${at}.purpose`);
    if (category === '*' && purpose === '*') problems.add(at, 'use default_days for the rule that matches everything');
    return { category, purpose, days: days(r.days, `${at}.days`), reason: str(r, 'reason', at) };
  });
  const ruleKeys = new Set<string>();
  for (const r of rules) {
    const key = `${r.category}|${r.purpose}`;
    if (ruleKeys.has(key)) problems.add(where('retention', '.rules'), `two rules for ${r.category} under ${r.purpose}`);
    ruleKeys.add(key);
  }
  const retention = { defaultDays: days(retRaw.default_days, where('retention', '.default_days')), defaultReason: str(retRaw, 'default_reason', where('retention')), rules };

  if (problems.list.length) throw new PrivacySetupError(`The data map is not valid:\n- ${problems.list.join('\n- ')}`);

  return {
    organization,
    residency,
    policyVersions,
    extensions,
    subjects,
    categories: new Map([...categories].map(([k, { id: _id, ...c }]) => [k, c])),
    purposes,
    recipients,
    sources,
    roles,
    selfService: { purposes: new Set(selfPurposes) },
    vendorAccess: { recipient: vendorRecipient, purposes: new Set(vendorPurposes) },
    projections,
    retention,
    jobs,
    aggregates,
  };
}
