// The person's export shows the legal and other disclosure requests about them (basis, recipient,
// fields, dates, where each stands); what was actually given is in the kernel's disclosure ledger,
// which the export shows as "who received my data". Erasure unlinks the rows (store.ts).
import type { Db } from '../../platform/db/database.ts';
import { disclosureBases, type ExportSection, isDisclosureBasis } from '../../privacy/index.ts';
import { legalDisclosuresOfSubject } from './store.ts';

export async function legalDisclosuresSection(db: Db, subject: string): Promise<ExportSection> {
  const rows = await legalDisclosuresOfSubject(db, subject);
  return {
    id: 'legal-disclosures',
    title: 'Requests to disclose your data on a legal or other basis',
    description:
      'Court orders, legal and law-enforcement requests, collections reports and emergency calls about you that staff recorded: the basis, the recipient, the kinds of data asked for and when they were given.',
    records: rows.map((r) => ({
      number: r.number,
      basis: isDisclosureBasis(r.basis) ? disclosureBases[r.basis].label : r.basis,
      recipient: r.recipient,
      fields: r.categories,
      recorded_at: new Date(r.recorded_at).toISOString(),
      produced_at: r.produced_at ? new Date(r.produced_at).toISOString() : null,
    })),
  };
}
