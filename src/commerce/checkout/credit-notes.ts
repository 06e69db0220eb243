// Why the credit agency answered as it did: a code from this fixed list, never text typed by staff
// (it would sit in plain text beside the vault, like order reasons: decision 0028).
export const creditNotes = {
  within_limit: { label: 'Within the credit limit', decision: 'approved' },
  guarantee_given: { label: 'Approved with a guarantee or deposit', decision: 'approved' },
  over_limit: { label: 'Over the credit limit', decision: 'refused' },
  no_history: { label: 'No credit history at the agency', decision: 'refused' },
  agency_declined: { label: 'The agency declined without a reason', decision: 'refused' },
  // Set by the shop's own steps, or what earlier free text became (migration checkout/0003).
  account_deleted: { label: 'The buyer deleted their account', decision: null },
  other: { label: 'Other (earlier note, removed)', decision: null },
} as const satisfies Record<string, { label: string; decision: 'approved' | 'refused' | null }>;

export type CreditNote = keyof typeof creditNotes;

/** The codes staff may give with a decision (all staff codes when none is given). */
export function staffCreditNotes(decision?: 'approved' | 'refused'): CreditNote[] {
  return (Object.keys(creditNotes) as CreditNote[]).filter((code) => creditNotes[code].decision !== null && (decision === undefined || creditNotes[code].decision === decision));
}

export function creditNoteLabel(code: string | null): string {
  return code !== null && Object.hasOwn(creditNotes, code) ? creditNotes[code as CreditNote].label : '';
}
