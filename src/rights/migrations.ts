// The rights module's tables, all prefixed `rights_`.
import type { Migration } from '../platform/db/migrate.ts';

export const rightsMigrations: Migration[] = [];
