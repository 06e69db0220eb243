// What the cart keeps about a person: their saved baskets and gift lists. A list's row holds only
// the owner's subject id, kind and times; its name and lines are a kernel item, read here for the
// export and shredded with the person. Carts themselves are anonymous (a cookie token) and are not
// anybody's data here.
import { sql } from 'kysely';
import type { ExportRecord, PersonalDataHolder } from '../../privacy/index.ts';
import { SAVED_LIST_CATEGORY, savedListRef } from './saved.ts';
import type { SavedListKind } from './tables.ts';

export const cartHolder: PersonalDataHolder = {
  tables: ['cart_saved_lists'],
  async export({ db, kernel, actor }, subject) {
    const { rows } = await sql<{ id: string; kind: SavedListKind; created_at: Date; updated_at: Date }>`
      select id, kind, created_at, updated_at from cart_saved_lists where subject_id = ${subject}::uuid order by created_at, id`.execute(db);
    const records: ExportRecord[] = [];
    for (const row of rows) {
      const contents = (await kernel.read(db, { subject, actor, purpose: 'data-rights', categories: [SAVED_LIST_CATEGORY], ref: savedListRef(row.kind, row.id) })).values[SAVED_LIST_CATEGORY] as {
        name?: string;
        lines?: { variant_id: string; quantity: number }[];
      } | null;
      records.push({
        kind: row.kind === 'basket' ? 'saved basket' : 'gift list',
        name: contents?.name ?? '',
        items: (contents?.lines ?? []).map((l) => ({ variant_id: l.variant_id, quantity: l.quantity })),
        created_at: new Date(row.created_at).toISOString(),
        changed_at: new Date(row.updated_at).toISOString(),
      });
    }
    return [{ id: 'saved-lists', title: 'Saved baskets and gift lists', description: 'The baskets and gift lists you saved in your account, with what is in them.', records }];
  },
  async erase({ db }, subject) {
    await sql`delete from cart_saved_lists where subject_id = ${subject}::uuid`.execute(db);
  },
};
