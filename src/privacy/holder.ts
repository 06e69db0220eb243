// The kernel's own share of a person's data, as the rights flows see it: every item it holds (by
// category, with purpose, policy version and dates), the consent ledger, the disclosures, the
// notices sent to recipients and the access log. Erasure is the crypto-shred (erasure.ts);
// deactivation restricts the subject (no communication, no new use).
import type { DataMap } from './datamap/types.ts';
import type { ExportRecord, ExportSection, PersonalDataHolder } from './holders.ts';
import type { PersonalItem } from './store/items.ts';

const iso = (d: Date) => d.toISOString();
const basisWords: Record<string, string> = {
  contract: 'a contract with you',
  consent: 'your consent',
  legal_obligation: 'a legal obligation',
  vital_interest: 'vital interests',
  legitimate_interest: 'legitimate interests',
};

/** Where an item received from a third party came from, in words: "Received from … on DATE, basis: …". */
export function sourceText(map: DataMap, item: PersonalItem): string | null {
  if (!item.source) return null;
  const name = map.sources.get(item.source.id)?.name ?? item.source.id;
  const purpose = map.purposes.get(item.purpose)?.name ?? item.purpose;
  return `Received from ${name} on ${iso(item.collectedAt).slice(0, 10)}, basis: ${basisWords[item.source.basis] ?? item.source.basis} (${purpose})`;
}

export const kernelHolder: PersonalDataHolder = {
  tables: [
    'privacy_subject_keys',
    'privacy_items',
    'privacy_blind_indexes',
    'privacy_consents',
    'privacy_consent_reviews',
    'privacy_audit_log',
    'privacy_disclosure_approvals',
    'privacy_disclosures',
    'privacy_recipient_notices',
    'privacy_new_use_notices',
  ],
  async export({ db, kernel, actor }, subject) {
    const record = await kernel.read(db, { subject, actor, purpose: 'data-rights', projection: 'export' });
    const items: ExportRecord[] = record.items.map((i) => ({
      category: i.category,
      category_description: kernel.map.categories.get(i.category)?.description ?? i.category,
      ref: i.ref,
      value: i.value,
      purpose: i.purpose,
      policy_version: i.policyVersion,
      collected_at: iso(i.collectedAt),
      kept_until: iso(i.retainUntil),
      source: sourceText(kernel.map, i),
    }));
    const consents = (await kernel.consentLedger(db, { subject, actor, purpose: 'data-rights' })).map((c) => ({
      purpose: c.purpose,
      recipient: c.recipient || null,
      action: c.action,
      channel: c.channel,
      recorded_at: iso(c.recordedAt),
      recorded_by: c.recordedByKind,
      policy_version: c.policyVersion,
      evidence: c.evidence,
    }));
    const disclosures = (await kernel.disclosuresOf(db, { subject, actor, purpose: 'data-rights' })).map((d) => ({
      at: iso(d.at),
      recipient: d.recipientName,
      recipient_kind: d.recipientKind,
      categories: d.categories,
      purpose: d.purpose,
      basis: d.basisLabel,
      order: d.order,
    }));
    const notices = (await kernel.noticesOf(db, { subject, actor, purpose: 'data-rights' })).map((n) => ({
      at: iso(n.at),
      kind: n.kind,
      recipient: n.recipientName,
      categories: n.categories,
      orders: n.orders,
      delivered_at: n.delivered ? iso(n.delivered.at) : null,
      delivered_by: n.delivered?.channel ?? null,
    }));
    const newUses = (await kernel.newUseNoticesOf(db, { subject, actor })).map((n) => ({
      purpose: n.purpose,
      purpose_name: kernel.map.purposes.get(n.purpose)?.name ?? n.purpose,
      notified_at: iso(n.sentAt),
    }));
    const access = (await kernel.accessLog(db, { subject, actor })).map((e) => ({
      at: iso(e.at),
      by: e.byDetail ? `${e.by} (${e.byDetail})` : e.by,
      action: e.action,
      outcome: e.outcome,
      purpose: e.purpose,
      categories: e.categories,
    }));
    const sections: ExportSection[] = [
      {
        id: 'personal-data',
        title: 'Your personal data',
        description:
          'Every item we hold about you, decrypted for you: what it is, why we have it, under which version of our policy we collected it, until when we keep it and, for data we received from another company, where it came from and on which basis.',
        records: items,
      },
      {
        id: 'consents',
        title: 'Your consents and opt-outs',
        description: 'Every consent you gave or withdrew: for what, how (web, mail, phone, paper), when and under which policy version.',
        records: consents,
      },
      { id: 'disclosures', title: 'Who received your data', description: 'Every time your data left us: the recipient, what they got, why, and for which order.', records: disclosures },
      {
        id: 'new-use-notices',
        title: 'Notices of new uses',
        description: 'When we emailed you that we would use data you gave us before in a new way, with your choice to agree or opt out.',
        records: newUses,
      },
      { id: 'recipient-notices', title: 'Notices to recipients', description: 'Where you corrected or deleted data, the recipients we told, and when they were told.', records: notices },
      {
        id: 'access-log',
        title: 'Who looked at your data',
        description: 'Every read, change and refusal of your data in our audit log: by you, by staff (named by role), or by the shop itself.',
        records: access,
      },
    ];
    return sections;
  },
  async erase({ db, kernel, actor }, subject) {
    await kernel.erase(db, { subject, actor });
  },
  async deactivate({ db, kernel, actor }, subject) {
    await kernel.restrict(db, { subject, actor });
  },
  async reactivate({ db, kernel, actor }, subject) {
    await kernel.reactivate(db, { subject, actor });
  },
};
