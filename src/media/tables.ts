// Row types of the media module's one table: which images exist and the widths made of each.
import type { Generated } from 'kysely';

export interface MediaImageTable {
  id: string;
  width: number;
  height: number;
  widths: number[];
  created_at: Generated<Date>;
}

export interface MediaTables {
  media_images: MediaImageTable;
}
