// What staff may record as a legal or other disclosure: the kernel's fixed bases other than
// fulfilment, billing and consent (those are the shop's own flows), each with the purpose it
// serves, and for each basis the recipients the data map declares for it with the fields each may
// receive for that purpose. The kernel checks all of it again when the data leaves.
import { type DataMap, disclosureBases } from '../../privacy/index.ts';

export const LEGAL_BASES = ['court-order', 'legal-obligation', 'law-enforcement', 'legal-rights', 'fraud-prevention', 'collections', 'credit-risk', 'emergency'] as const;
export type LegalBasis = (typeof LEGAL_BASES)[number];

/** The data map's purpose each basis serves (the recipient must serve it, the fields must belong to it). */
export const PURPOSE_OF_BASIS: Readonly<Record<LegalBasis, string>> = {
  'court-order': 'legal-compliance',
  'legal-obligation': 'legal-compliance',
  'law-enforcement': 'legal-compliance',
  'legal-rights': 'legal-compliance',
  'fraud-prevention': 'fraud-prevention',
  collections: 'collections',
  'credit-risk': 'credit-check',
  emergency: 'emergency',
};

/** An emergency proceeds at once and is reviewed after; the other bases wait for the DPO's approval. */
export const needsApproval = (basis: LegalBasis): boolean => disclosureBases[basis].needsDpoApproval;

export const isLegalBasis = (value: string): value is LegalBasis => (LEGAL_BASES as readonly string[]).includes(value);

export interface DisclosureRoute {
  basis: LegalBasis;
  recipient: string;
  purpose: string;
  /** The fields this recipient may receive on this basis, in the data map's order. */
  categories: string[];
  basisLabel: string;
  recipientName: string;
}

export function disclosureRoutes(map: DataMap): DisclosureRoute[] {
  const routes: DisclosureRoute[] = [];
  for (const basis of LEGAL_BASES) {
    const rule = disclosureBases[basis];
    const purpose = map.purposes.get(PURPOSE_OF_BASIS[basis]);
    if (!purpose) continue;
    for (const recipient of map.recipients.values()) {
      if (!recipient.bases.has(basis) || !recipient.purposes.has(purpose.id)) continue;
      if (rule.recipientKinds.length > 0 && !(rule.recipientKinds as readonly string[]).includes(recipient.kind)) continue;
      const categories = [...recipient.receives].filter((c) => purpose.categories.has(c));
      if (categories.length) routes.push({ basis, recipient: recipient.id, purpose: purpose.id, categories, basisLabel: rule.label, recipientName: recipient.name });
    }
  }
  return routes;
}

/** The route value of a form's choice: `basis/recipient`. */
export const routeKey = (r: { basis: string; recipient: string }) => `${r.basis}/${r.recipient}`;
