// The security module's tables: each run of the self-check and its findings. Nothing personal:
// findings name settings, paths, roles, job and package names.
import type { Generated } from 'kysely';
import { tablesOf, type Db } from '../platform/db/database.ts';
import type { Severity } from './findings.ts';

export type RunTrigger = 'schedule' | 'staff' | 'cli';

export interface RunTable {
  id: string;
  trigger: RunTrigger;
  started_at: Date;
  finished_at: Date;
  high: number;
  medium: number;
  low: number;
  info: number;
  /** How many high or medium findings were not in the previous run (mailed). */
  new_findings: Generated<number>;
}

export interface FindingTable {
  id: string;
  run_id: string;
  position: number;
  check_id: string;
  severity: Severity;
  title: string;
  detail: string;
  fix: string;
}

export interface SecurityTables {
  security_runs: RunTable;
  security_findings: FindingTable;
}

export const securityDb = (db: Db) => tablesOf<SecurityTables>(db);
