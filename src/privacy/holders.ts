// Erasure and access must reach every copy of a person's data, not only the kernel's items. Every
// module that keeps anything keyed by a person (a subject id, a user id) declares it here, as the
// `personalData` of its Module: which of its tables hold such rows, what it exports, and how it
// erases them. The rights module runs these holders for an export, a deactivation or a deletion;
// a test compares the declared tables with the schema, so a table keyed by a person that no holder
// declares fails the suite.
import type { Config } from '../platform/config.ts';
import type { Db } from '../platform/db/database.ts';
import type { Logger } from '../platform/logger.ts';
import type { Wiring } from '../platform/module.ts';
import type { Actor } from './actors.ts';
import type { PrivacyKernel } from './kernel.ts';

declare module '../platform/module.ts' {
  interface Module {
    /** What this module keeps about people, for export and erasure (see src/privacy/holders.ts). */
    personalData?: PersonalDataHolder;
  }
}

export type ExportValue = string | number | boolean | null | ExportValue[] | { [key: string]: ExportValue };
export type ExportRecord = { [key: string]: ExportValue };

/** One part of an export: a list of records a person can read, described in plain words. */
export interface ExportSection {
  /** Stable key in the export document (docs/export-schema.json describes each one). */
  id: string;
  title: string;
  /** What the section holds and why, in one sentence the person understands. */
  description: string;
  records: ExportRecord[];
}

export interface HolderContext {
  db: Db;
  kernel: PrivacyKernel;
  config: Config;
  /** Who acts: the person (self), staff handling a request, or the erasure job. */
  actor: Actor;
  now: Date;
  log: Logger;
  /** What the composition root collected from the modules (listeners, mail templates). */
  wiring: Wiring;
}

/**
 * A module's personal data, as the rights flows see it. A deletion runs, for every holder:
 *   suspend  (in the request's transaction)  stop every use at once: sessions, links, mail
 *   prepare  (no transaction; retried)        what needs the person or the outside world still:
 *                                              cancel open orders, tell the processor to forget
 *   busy     (polled)                          work that must finish first (mail still queued)
 *   erase    (one transaction for all)        delete what must go with the person; the kernel shreds last
 *   unlink   (after, in module order)          cut the person from records that stay (orders, payments)
 * `resume` undoes `suspend` when a deletion is called off before anything was shredded.
 * A deactivation (the account kept, no use, no mail) runs every `deactivate` in one transaction;
 * `reactivate` lifts it.
 * Every step is idempotent: a crashed deletion runs them again, `erase` possibly after the kernel
 * already shredded the person (reads then throw SubjectErased, which a holder must tolerate).
 */
export interface PersonalDataHolder {
  /** This module's tables with rows keyed by a person. */
  tables: readonly string[];
  /** Data-map recipients this module itself tells to erase (e.g. the processor, by its API); the others' notices wait for the privacy officer. */
  recipients?: readonly string[];
  /** Required when `tables` names any, as is `erase` or `unlink` (a test checks it). */
  export?(ctx: HolderContext, subject: string): Promise<ExportSection[]>;
  suspend?(ctx: HolderContext, subject: string): Promise<void>;
  resume?(ctx: HolderContext, subject: string): Promise<void>;
  /** Returns the recipients (of `recipients`) it told; one that refused (not down: a throw retries) stays to be told by the privacy officer. */
  prepare?(ctx: HolderContext, subject: string): Promise<readonly string[] | void>;
  deactivate?(ctx: HolderContext, subject: string): Promise<void>;
  reactivate?(ctx: HolderContext, subject: string): Promise<void>;
  busy?(ctx: HolderContext, subject: string): Promise<boolean>;
  /** Tells one of its `recipients` again, for a notice still open (the person may be erased by now: the notice names the orders). True when told. */
  retell?(ctx: HolderContext, notice: { recipient: string; orders: readonly string[] }): Promise<boolean>;
  /** What stays after the erasure, with no personal data, and why, in a few words for the person's receipt (null: nothing). */
  retains?(ctx: HolderContext, subject: string): Promise<string | null>;
  /** Deletes or unlinks the rows of the person that must go with them (an account, sessions, mail): in the erasure's one transaction. */
  erase?(ctx: HolderContext, subject: string): Promise<void>;
  /**
   * After the erasure committed: cuts what still points at the (now erased) person from records the
   * shop keeps (orders, payments, requests), as the kernel sweeps ciphertexts after its shred, so
   * the erasure itself takes the same time for one order or a thousand. Idempotent.
   */
  unlink?(ctx: HolderContext, subject: string): Promise<void>;
}

/** A holder with the name of the module that declared it. */
export interface NamedHolder extends PersonalDataHolder {
  module: string;
}

export function holdersOf(modules: readonly { name: string; personalData?: PersonalDataHolder }[]): NamedHolder[] {
  return modules.flatMap((m) => (m.personalData ? [{ ...m.personalData, module: m.name }] : []));
}
