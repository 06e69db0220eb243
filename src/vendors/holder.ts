// What the vendors module keeps about a person: a vendor user's acceptances of the data-use terms
// (which version, for which vendor, when). They are the shop's record that the vendor agreed, so an
// erasure keeps them and cuts the person from them (user and subject set to null).
import { tablesOf } from '../platform/db/database.ts';
import type { PersonalDataHolder } from '../privacy/index.ts';
import type { VendorsTables } from './tables.ts';

export const vendorsHolder: PersonalDataHolder = {
  tables: ['vendors_terms_acceptances'],
  async export({ db }, subject) {
    const rows = await tablesOf<VendorsTables>(db)
      .selectFrom('vendors_terms_acceptances')
      .select(['version', 'vendor_id', 'accepted_at'])
      .where('user_subject', '=', subject)
      .orderBy('accepted_at')
      .execute();
    if (rows.length === 0) return [];
    return [
      {
        id: 'vendor-terms-acceptances',
        title: 'Vendor data-use terms you accepted',
        description: 'Each version of the terms for handling buyer data that you accepted in the vendor portal, for which vendor, and when.',
        records: rows.map((r) => ({ version: r.version, vendor_id: r.vendor_id, accepted_at: new Date(r.accepted_at).toISOString() })),
      },
    ];
  },
  async retains({ db }, subject) {
    const row = await tablesOf<VendorsTables>(db).selectFrom('vendors_terms_acceptances').select('id').where('user_subject', '=', subject).executeTakeFirst();
    return row ? 'The record that your vendor accepted the data-use terms (version and date), without your name or account.' : null;
  },
  async unlink({ db }, subject) {
    await tablesOf<VendorsTables>(db).updateTable('vendors_terms_acceptances').set({ user_id: null, user_subject: null }).where('user_subject', '=', subject).execute();
  },
};
