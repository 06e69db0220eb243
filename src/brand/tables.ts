// The shop's look: one row (id 1) with its colours and logo. Business data, not personal.
import type { ColumnType } from 'kysely';

export interface BrandSettingsTable {
  id: number;
  primary_colour: string;
  accent_colour: string;
  /** An image of the media store, or null for no logo. */
  logo_image_id: string | null;
  logo_alt: string | null;
  logo_width: number | null;
  logo_height: number | null;
  logo_widths: number[] | null;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface BrandTables {
  brand_settings: BrandSettingsTable;
}
