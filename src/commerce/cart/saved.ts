// Saved baskets and gift lists of a signed-in customer. What someone saves to buy, and for whom,
// is personal data (user.behavior.purchase_history): the name and the lines are one kernel item
// per list, written and read by the person themself under the purpose `account`, with the ref
// `basket:<id>` or `giftlist:<id>`. The module's own row holds only the owner's subject id, the
// kind and the times. A list of another owner is answered as not found, never as forbidden.
import { sql, type Kysely } from 'kysely';
import { tablesOf, type Db } from '../../platform/db/database.ts';
import { AppError, validationError } from '../../platform/errors.ts';
import type { Actor, PrivacyKernel } from '../../privacy/index.ts';

/** The signed-in customer whose lists these are, as accounts authenticated them. */
export interface ListOwner {
  subject: string;
  actor: Actor;
}
import { lineLimits, type CartLine } from '../pricing/index.ts';
import type { CartTables, SavedListKind } from './tables.ts';

export const SAVED_LIST_CATEGORY = 'user.behavior.purchase_history';
export const SAVED_LIST_PURPOSE = 'account';
export const savedListLimits = { perOwner: 20, nameLength: 100 } as const;

export interface SavedList {
  id: string;
  kind: SavedListKind;
  name: string;
  lines: CartLine[];
  createdAt: Date;
  updatedAt: Date;
}

interface Contents {
  name: string;
  lines: CartLine[];
}

const uuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function listsDb(db: Db): Kysely<CartTables> {
  return tablesOf<CartTables>(db);
}

export function savedListRef(kind: SavedListKind, id: string): string {
  return `${kind === 'basket' ? 'basket' : 'giftlist'}:${id}`;
}

export function checkListName(value: unknown): string {
  const name = typeof value === 'string' ? value.trim() : '';
  if (name.length === 0) throw validationError('name', 'is required');
  if (name.length > savedListLimits.nameLength) throw validationError('name', `must be at most ${savedListLimits.nameLength} characters`);
  return name;
}

function notFound(kind: SavedListKind): AppError {
  return new AppError('NOT_FOUND', kind === 'basket' ? 'There is no such saved basket.' : 'There is no such gift list.');
}

export class SavedLists {
  readonly kernel: PrivacyKernel;

  constructor(kernel: PrivacyKernel) {
    this.kernel = kernel;
  }

  private async store(db: Db, owner: ListOwner, kind: SavedListKind, id: string, contents: Contents | null): Promise<void> {
    const value = contents ? { name: contents.name, lines: contents.lines.map((l) => ({ variant_id: l.variantId, quantity: l.quantity })) } : null;
    await this.kernel.write(db, {
      subject: owner.subject,
      actor: owner.actor,
      purpose: SAVED_LIST_PURPOSE,
      ref: savedListRef(kind, id),
      values: { [SAVED_LIST_CATEGORY]: value },
    });
  }

  private async load(db: Db, owner: ListOwner, kind: SavedListKind, id: string): Promise<Contents> {
    const record = await this.kernel.read(db, {
      subject: owner.subject,
      actor: owner.actor,
      purpose: SAVED_LIST_PURPOSE,
      categories: [SAVED_LIST_CATEGORY],
      ref: savedListRef(kind, id),
    });
    const value = record.values[SAVED_LIST_CATEGORY] as { name?: string; lines?: { variant_id: string; quantity: number }[] } | null | undefined;
    return { name: value?.name ?? '', lines: (value?.lines ?? []).map((l) => ({ variantId: l.variant_id, quantity: l.quantity })) };
  }

  /** The owner's row of this list, locked for a change when `forUpdate`; NOT_FOUND for anyone else's. */
  private async row(db: Db, owner: ListOwner, kind: SavedListKind, id: string, forUpdate = false) {
    if (!uuidRe.test(id)) throw notFound(kind);
    const row = await listsDb(db)
      .selectFrom('cart_saved_lists')
      .selectAll()
      .where('id', '=', id)
      .where('subject_id', '=', owner.subject)
      .where('kind', '=', kind)
      .$if(forUpdate, (qb) => qb.forUpdate())
      .executeTakeFirst();
    if (!row) throw notFound(kind);
    return row;
  }

  async create(db: Db, owner: ListOwner, kind: SavedListKind, input: { name: unknown; lines: readonly CartLine[] }): Promise<string> {
    const name = checkListName(input.name);
    if (input.lines.length > lineLimits.maxLines) throw validationError('lines', `may hold at most ${lineLimits.maxLines} items`);
    // Serialises one owner's creations, so the limit holds under concurrent requests.
    await sql`select pg_advisory_xact_lock(hashtext(${`cart_saved_lists:${owner.subject}`}))`.execute(db);
    const { count } = (
      await sql<{ count: number }>`
      select count(*)::int as count from cart_saved_lists where subject_id = ${owner.subject}::uuid and kind = ${kind}`.execute(db)
    ).rows[0]!;
    if (count >= savedListLimits.perOwner) throw validationError('name', `you can keep at most ${savedListLimits.perOwner}; delete one first`);
    const { id } = await listsDb(db).insertInto('cart_saved_lists').values({ subject_id: owner.subject, kind }).returning('id').executeTakeFirstOrThrow();
    await this.store(db, owner, kind, id, { name, lines: [...input.lines] });
    return id;
  }

  async list(db: Db, owner: ListOwner, kind: SavedListKind): Promise<SavedList[]> {
    const rows = await listsDb(db).selectFrom('cart_saved_lists').selectAll().where('subject_id', '=', owner.subject).where('kind', '=', kind).orderBy('created_at').orderBy('id').execute();
    const lists: SavedList[] = [];
    // One kernel read per list (each audited): reading the category without a ref would open the
    // person's order items too, which only the order purposes may read.
    for (const row of rows) {
      const contents = await this.load(db, owner, kind, row.id);
      lists.push({ id: row.id, kind, ...contents, createdAt: row.created_at, updatedAt: row.updated_at });
    }
    return lists;
  }

  async get(db: Db, owner: ListOwner, kind: SavedListKind, id: string): Promise<SavedList> {
    const row = await this.row(db, owner, kind, id);
    return { id, kind, ...(await this.load(db, owner, kind, id)), createdAt: row.created_at, updatedAt: row.updated_at };
  }

  /** Changes the lines with `change` (which returns the new lines), under a lock of the list. */
  async changeLines(db: Db, owner: ListOwner, kind: SavedListKind, id: string, change: (lines: CartLine[]) => CartLine[] | Promise<CartLine[]>): Promise<void> {
    await this.row(db, owner, kind, id, true);
    const contents = await this.load(db, owner, kind, id);
    const lines = await change(contents.lines);
    if (lines.length > lineLimits.maxLines) throw validationError('sku', `a list may hold at most ${lineLimits.maxLines} items`);
    await this.store(db, owner, kind, id, { name: contents.name, lines });
    await listsDb(db).updateTable('cart_saved_lists').set({ updated_at: sql`now()` }).where('id', '=', id).execute();
  }

  /** Deletes the list: its kernel item is overwritten with nothing first, then the row goes. */
  async delete(db: Db, owner: ListOwner, kind: SavedListKind, id: string): Promise<void> {
    await this.row(db, owner, kind, id, true);
    await this.store(db, owner, kind, id, null);
    await listsDb(db).deleteFrom('cart_saved_lists').where('id', '=', id).execute();
  }
}
