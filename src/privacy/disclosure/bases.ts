// The fixed list of bases on which personal data may leave for a third party. It is code, not
// data, on purpose: nobody can add "sale" or "marketing list" by editing the data map, and the
// data map may only name bases from this list (P000-03, P000-04, P002-13, P003-08, P003-11).

export interface BasisRule {
  label: string;
  /** An order reference is required (the share completes that order, P001-03). */
  needsOrder: boolean;
  /** A DPO must approve this disclosure beforehand (P000-03). */
  needsDpoApproval: boolean;
  /** The subject's recorded consent to disclose to this recipient is required. */
  needsConsent: boolean;
  /** Only recipients of these kinds may receive data on this basis (empty: any declared kind). */
  recipientKinds: readonly RecipientKind[];
  /** CPNI may leave on this basis with the DPO's approval naming it (legal compulsion only). */
  cpniWithApproval: boolean;
}

export const recipientKinds = ['processor', 'carrier', 'vendor', 'credit-agency', 'emergency-service', 'law-enforcement', 'court', 'survey-intermediary', 'acquirer'] as const;
export type RecipientKind = (typeof recipientKinds)[number];

const rule = (label: string, options: Partial<Omit<BasisRule, 'label'>> = {}): BasisRule => ({
  label,
  needsOrder: false,
  needsDpoApproval: false,
  needsConsent: false,
  recipientKinds: [],
  cpniWithApproval: false,
  ...options,
});

export const disclosureBases = {
  fulfillment: rule('Needed to fill the order the data belongs to', { needsOrder: true }),
  billing: rule('Billing or charging for products and services', { recipientKinds: ['processor'] }),
  consent: rule('The person consented to this disclosure to this recipient', { needsConsent: true }),
  emergency: rule('Emergency call: location to an emergency service', { recipientKinds: ['emergency-service'] }),
  'legal-obligation': rule('Required by law', { needsDpoApproval: true, cpniWithApproval: true }),
  'court-order': rule('A valid court order or subpoena', { needsDpoApproval: true, cpniWithApproval: true }),
  'law-enforcement': rule('Cooperation with a law-enforcement or government investigation', { needsDpoApproval: true, cpniWithApproval: true }),
  'fraud-prevention': rule('Protection against fraud', { needsDpoApproval: true }),
  'credit-risk': rule('Credit risk reduction', { needsDpoApproval: true, recipientKinds: ['credit-agency'] }),
  collections: rule('Collecting past-due amounts, including reports to credit agencies', { needsDpoApproval: true, recipientKinds: ['credit-agency'] }),
  'legal-rights': rule('Protecting the legal rights of the business or its users', { needsDpoApproval: true }),
  // The shop's customer records pass to its buyer (decision 0053): only to an acquirer, and the
  // rights module releases them only after the notice period, without those who opted out.
  'business-transfer': rule('A sale or merger of the shop: its buyer takes over the customer records after 30 days’ notice', { recipientKinds: ['acquirer'] }),
} as const satisfies Record<string, BasisRule>;

export type DisclosureBasis = keyof typeof disclosureBases;

export function isDisclosureBasis(value: string): value is DisclosureBasis {
  return Object.hasOwn(disclosureBases, value);
}

export function isRecipientKind(value: string): value is RecipientKind {
  return (recipientKinds as readonly string[]).includes(value);
}
