// A new subject with their first items (a guest checkout's account: name, email, age statement) in
// the statement that creates them: one round trip where `createSubject` then `write` took two.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import type { Actor } from '../actors.ts';
import type { KernelContext } from '../context.ts';
import { conditionsOf } from './conditions.ts';
import { checkWrites, itemCtes, sealWrites, writeItems, type PersonalValue } from './items.ts';
import { createSubject } from './subjects.ts';

export interface CreateSubjectRequest {
  kind: string;
  actor: Actor;
  purpose: string;
  /** The subject's first items, written under the same purpose (ref ''), checked and audited as `write` does. */
  values?: Record<string, PersonalValue>;
}

/**
 * The subject and, with `values`, their items in one statement. The write is checked as `write`
 * checks it: the access rules here, and the purpose's database conditions, which a subject created
 * by this very statement meets exactly when they ask for nothing but an active subject of its kind
 * (it has no consent, notice or older item yet, and no other transaction sees it). A write whose
 * rules refuse it, or whose purpose needs a grant, goes the old way: the subject, then `write`,
 * which refuses it with its reason and audits the refusal.
 */
export async function createSubjectWithItems(ctx: KernelContext, db: Db, request: CreateSubjectRequest): Promise<string> {
  const { values, ...create } = request;
  if (!values) return createSubject(ctx, db, create);
  const write = { purpose: request.purpose, values };
  let written = false;
  const id = await createSubject(ctx, db, create, (id, dataKey, at) => {
    const checked = checkWrites(ctx, { subject: id, actor: request.actor, writes: [write] });
    const access = checked[0]!.access;
    if (!access.ok) return null;
    const c = conditionsOf(ctx, access.purpose, 'write');
    if (c.consent === 'grant' || !c.kinds.includes(request.kind) || !c.statuses.includes('active') || c.olderVersions.length) return null;
    const parts = sealWrites(ctx, id, checked, dataKey, at);
    written = true;
    return { ctes: itemCtes(ctx, parts, at, sql`s`), entries: parts.map((p) => p.entry) };
  });
  if (!written) await writeItems(ctx, db, { subject: id, actor: request.actor, ...write });
  return id;
}
