// Row types of the cart's tables. A cart is anonymous: an opaque cookie token (stored as its
// SHA-256) and lines of variant ids and quantities. No personal data.
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface CartTable {
  id: Generated<string>;
  token_hash: Buffer;
  created_at: Generated<Date>;
  /** Last change plus the cart's idle lifetime; the sweep job deletes carts past it. */
  expires_at: Timestamp;
}

export interface CartLineTable {
  cart_id: string;
  variant_id: string;
  quantity: number;
  added_at: Generated<Date>;
}

export type SavedListKind = 'basket' | 'gift';

export interface SavedListTable {
  id: Generated<string>;
  /** The owner: a privacy-kernel subject id (pseudonymous). */
  subject_id: string;
  kind: SavedListKind;
  created_at: Generated<Date>;
  updated_at: Timestamp;
}

export interface CartTables {
  cart_carts: CartTable;
  cart_lines: CartLineTable;
  cart_saved_lists: SavedListTable;
}
