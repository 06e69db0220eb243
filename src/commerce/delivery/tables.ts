// Row types of the delivery module's tables. Business data only: a licence key is the vendor's
// secret, not the buyer's personal data, and is kept sealed (keys.ts), never as plain text.
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type KeyState = 'available' | 'assigned' | 'revoked';

export interface KeyTable {
  id: string;
  /** The catalogue variant the key is sold as. */
  variant_id: string;
  /** HMAC of the key under a keyring-derived key: recognises a repeated upload without keeping the key. */
  digest: Buffer;
  /** AES-256-GCM of the key (iv, tag, ciphertext), bound to the row's id. */
  sealed: Buffer;
  /** The last characters of the key, for staff and the buyer to tell keys apart without the key. */
  hint: string;
  state: Generated<KeyState>;
  order_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** The order line (its position) the key was handed out for. */
  line_position: ColumnType<number | null, number | null | undefined, number | null>;
  /** Who uploaded it: `staff:<id>`, `vendor:<id>`, `system:<job>`. */
  uploaded_by: string;
  uploaded_at: Timestamp;
  assigned_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  revoked_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** A paid order that waits for keys of one of its lines: it is on hold until the release job fills it. */
export interface WaitingTable {
  order_id: string;
  since: Timestamp;
}

/** The downloadable file of a digital variant (one a variant; a new upload replaces it). Its bytes are sealed under DATA_DIR/downloads/<id>. */
export interface FileTable {
  id: string;
  variant_id: string;
  /** The file's name as the buyer saves it (the uploaded name, cleaned). */
  name: string;
  size_bytes: number;
  /** Who uploaded it: `staff:<id>`, `vendor:<id>`. */
  uploaded_by: string;
  uploaded_at: Timestamp;
}

/** What a waiting order still lacks, per variant: for the vendor portal's and the console's counts. */
export interface WaitingVariantTable {
  order_id: string;
  variant_id: string;
  missing: number;
}

export type DownloadState = 'valid' | 'revoked';

/** One paid unit's right to download its variant's file; revoked by a refund or cancellation. */
export interface DownloadTable {
  id: string;
  order_id: string;
  line_position: number;
  variant_id: string;
  state: Generated<DownloadState>;
  granted_at: Timestamp;
  revoked_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface DeliveryTables {
  delivery_keys: KeyTable;
  delivery_waiting: WaitingTable;
  delivery_files: FileTable;
  delivery_downloads: DownloadTable;
  delivery_waiting_variants: WaitingVariantTable;
}
