// The data map as a fideslang document: one system (the shop) with a privacy declaration per
// purpose, one dataset (the kernel's store) and our taxonomy extensions declared the fides way,
// so every key in the document is either in the official taxonomy or declared in it.
import { stringify } from 'yaml';
import { retentionDays } from './policy.ts';
import type { DataMap, LegalBasis, Purpose } from './types.ts';

const fidesLegalBasis: Record<LegalBasis, string> = {
  contract: 'Contract',
  consent: 'Consent',
  legal_obligation: 'Legal obligations',
  vital_interest: 'Vital interests',
  legitimate_interest: 'Legitimate interests',
};

export const FIDES_SYSTEM_KEY = 'custodian_shop';
export const FIDES_DATASET_KEY = 'custodian_privacy_store';

function retentionText(map: DataMap, purpose: Purpose): string {
  const parts = [...purpose.categories].map((c) => ({ c, ...retentionDays(map, c, purpose.id) }));
  const byDays = new Map<number, string[]>();
  for (const p of parts) byDays.set(p.days, [...(byDays.get(p.days) ?? []), p.c]);
  if (byDays.size === 1) return `${parts[0]?.days ?? map.retention.defaultDays} days`;
  return [...byDays].map(([days, cats]) => `${days} days: ${cats.join(', ')}`).join('; ');
}

const sorted = (values: Iterable<string>) => [...values].sort();

export function fidesDocument(map: DataMap): Record<string, unknown> {
  const subjectKey = (id: string) => map.subjects.get(id)?.fidesKey ?? id;
  const org = map.organization.fidesKey;

  const declarations = [...map.purposes.values()].map((purpose) => {
    const recipients = [...map.recipients.values()].filter((r) => r.purposes.has(purpose.id));
    const shared = new Set(recipients.flatMap((r) => [...r.receives].filter((c) => purpose.categories.has(c))));
    return {
      name: purpose.name,
      data_use: purpose.dataUse,
      data_categories: sorted(purpose.categories),
      data_subjects: sorted(new Set([...purpose.dataSubjects].map(subjectKey))),
      legal_basis_for_processing: fidesLegalBasis[purpose.legalBasis],
      flexible_legal_basis_for_processing: false,
      retention_period: retentionText(map, purpose),
      processes_special_category_data: false,
      data_shared_with_third_parties: shared.size > 0,
      third_parties: recipients.length ? recipients.map((r) => r.name).join('; ') : null,
      shared_categories: sorted(shared),
      dataset_references: [FIDES_DATASET_KEY],
      egress: recipients.map((r) => r.id.replaceAll('-', '_')),
      ingress: [FIDES_DATASET_KEY, ...[...map.sources.values()].filter((s) => s.purposes.has(purpose.id)).map((s) => s.id.replaceAll('-', '_'))],
      features: [],
    };
  });

  const system = {
    fides_key: FIDES_SYSTEM_KEY,
    organization_fides_key: org,
    name: map.organization.name,
    description: `Custodian shop of ${map.organization.legalName}. ${map.residency.description}`.trim(),
    system_type: 'Service',
    administrating_department: 'Data Protection Officer',
    responsibility: ['Controller'],
    processes_personal_data: true,
    uses_profiling: [...map.purposes.values()].some((p) => p.dataUse.includes('profil')),
    does_international_transfers: false,
    legal_basis_for_transfers: [],
    requires_data_protection_assessments: false,
    privacy_policy: map.organization.privacyPolicyUrl,
    legal_name: map.organization.legalName,
    // fideslang's System.dpo is one text: the officer's email, else their postal address.
    dpo: map.organization.dpoContact.email || map.organization.dpoContact.postalAddress,
    tags: [`data_region:${map.residency.region}`],
    dataset_references: [FIDES_DATASET_KEY],
    egress: [...map.recipients.values()].map((r) => ({
      fides_key: r.id.replaceAll('-', '_'),
      type: 'system',
      data_categories: sorted(r.receives),
    })),
    // Data received from third parties (datamap/sources.yml) flows in as well as from the store.
    ingress: [
      { fides_key: FIDES_DATASET_KEY, type: 'dataset' },
      ...[...map.sources.values()].map((s) => ({ fides_key: s.id.replaceAll('-', '_'), type: 'system', data_categories: sorted(s.provides) })),
    ],
    privacy_declarations: declarations,
  };

  const storable = [...map.categories.values()].filter((c) => c.storable);
  const dataset = {
    fides_key: FIDES_DATASET_KEY,
    organization_fides_key: org,
    name: 'Custodian privacy kernel store',
    description: `Personal data items, each encrypted under its subject's data key. Stored in region ${map.residency.region}.`,
    collections: [
      {
        name: 'subjects',
        fields: [{ name: 'id', data_categories: ['user.unique_id.pseudonymous'], fides_meta: { primary_key: true, data_type: 'string' } }],
      },
      {
        name: 'personal_items',
        fides_meta: { erase_after: [`${FIDES_DATASET_KEY}.subjects`] },
        fields: [
          {
            name: 'subject_id',
            data_categories: ['user.unique_id.pseudonymous'],
            fides_meta: { references: [{ dataset: FIDES_DATASET_KEY, field: 'subjects.id', direction: 'to' }] },
          },
          ...storable.map((c) => ({
            name: c.key.replaceAll('.', '_'),
            description: c.description,
            data_categories: [c.key],
            fides_meta: c.key === 'user.contact.email' ? { identity: 'email', data_type: 'string' } : { data_type: 'string' },
          })),
        ],
      },
    ],
  };

  // Aggregate data (decision 0061): a dataset of its own, referenced by no privacy declaration and
  // with no field that identifies or references a person: it is about no data subject.
  const aggregates = [...map.aggregates.values()].map((a) => ({
    fides_key: a.fidesKey,
    organization_fides_key: org,
    name: a.name,
    description: `Aggregate data, not personal data: ${a.description} No data subject. Retention: ${a.retention}`,
    collections: [{ name: a.collection, fields: a.fields.map((name) => ({ name, data_categories: sorted(a.dataCategories) })) }],
  }));

  return {
    system: [system],
    dataset: [dataset, ...aggregates],
    data_category: map.extensions.dataCategories.map((e) => ({
      fides_key: e.fidesKey,
      parent_key: e.parentKey,
      name: e.name,
      description: e.description,
      organization_fides_key: org,
      is_default: false,
    })),
    data_subject: map.extensions.dataSubjects.map((e) => ({
      fides_key: e.fidesKey,
      name: e.name,
      description: e.description,
      organization_fides_key: org,
      is_default: false,
    })),
    data_use: map.extensions.dataUses.map((e) => ({
      fides_key: e.fidesKey,
      parent_key: e.parentKey,
      name: e.name,
      description: e.description,
      organization_fides_key: org,
      is_default: false,
    })),
  };
}

export function fidesYaml(map: DataMap): string {
  return `# fideslang system/dataset declaration generated by \`custodian datamap export --format fides\`.\n# Taxonomy keys: Ethyca/fideslang (CC BY 4.0); keys not in it are declared below as extensions.\n${stringify(fidesDocument(map), { lineWidth: 0 })}`;
}
