// The rules that need no database: may this actor use this purpose, and may this purpose (and
// this actor's role) touch these categories? Any "no" is a refusal with a stable reason.
import { isMinted, isUnconfined, type Actor } from '../actors.ts';
import type { DataMap, Purpose } from '../datamap/types.ts';
import type { RefusalReason } from '../refusals.ts';

export interface Denial {
  reason: RefusalReason;
  message: string;
}

export interface AccessQuestion {
  actor: Actor;
  purpose: string;
  subjectId: string;
  /** Categories asked for directly; ignored when `projection` is given. */
  categories?: readonly string[];
  projection?: string;
  mode: 'read' | 'write';
}

export type AccessAnswer = { ok: true; purpose: Purpose; categories: string[] } | ({ ok: false; categories: string[] } & Denial);

export function checkAccess(map: DataMap, q: AccessQuestion): AccessAnswer {
  let categories = [...new Set(q.categories ?? [])];
  const deny = (reason: RefusalReason, message: string): AccessAnswer => ({ ok: false, reason, message, categories });
  if (!isMinted(q.actor)) return deny('forged-actor', 'This actor was not minted by the code that authenticated it.');

  if (q.projection !== undefined) {
    const projection = map.projections.get(q.projection);
    if (!projection) return deny('unknown-projection', `There is no projection ${q.projection}.`);
    categories = [...projection.categories];
    const a = q.actor;
    const fits =
      (projection.audience === 'customer' && a.kind === 'self') ||
      (projection.audience === 'vendor' && a.kind === 'vendor') ||
      (projection.audience === 'staff' && a.kind === 'staff') ||
      (projection.audience === 'export' && (a.kind === 'self' || (a.kind === 'staff' && a.role === 'dpo') || a.kind === 'system'));
    if (!fits) return deny('audience-mismatch', `The ${projection.id} projection is for the ${projection.audience} audience, not a ${a.kind} actor.`);
  }
  if (categories.length === 0) return deny('unknown-category', 'Name at least one category or a projection.');

  const purpose = map.purposes.get(q.purpose);
  if (!purpose) return deny('unknown-purpose', `There is no purpose ${q.purpose} in the data map.`);
  for (const key of categories) {
    const category = map.categories.get(key);
    if (!category) return deny('unknown-category', `There is no category ${key} in the data map.`);
    if (!category.storable) return deny('never-stored', `${key} is never stored by this shop.`);
  }
  const outside = categories.filter((c) => !purpose.categories.has(c));
  if (outside.length) return deny('purpose-may-not-use-category', `The purpose ${purpose.id} may not ${q.mode} ${outside.join(', ')}.`);

  const actor = q.actor;
  switch (actor.kind) {
    case 'self':
      if (actor.subjectId !== q.subjectId) return deny('not-own-data', 'A person may only use their own data.');
      if (!map.selfService.purposes.has(purpose.id)) return deny('role-may-not-use-purpose', `A person acting on their own data may not use the purpose ${purpose.id}.`);
      break;
    case 'staff': {
      const role = map.roles.get(actor.role);
      if (!role?.purposes.has(purpose.id)) return deny('role-may-not-use-purpose', `The ${actor.role} role may not act under the purpose ${purpose.id}.`);
      const hidden = categories.filter((c) => !role.categories.has(c));
      if (hidden.length) return deny('role-may-not-see-category', `The ${actor.role} role may not ${q.mode === 'read' ? 'see' : 'change'} ${hidden.join(', ')}.`);
      break;
    }
    case 'vendor':
      return deny('vendor-needs-disclosure', 'Vendors receive buyer data only through a ledgered disclosure for their own order.');
    case 'system': {
      if (isUnconfined(actor)) break;
      const job = map.jobs.get(actor.job);
      if (!job) return deny('undeclared-job', `The data map declares no job ${actor.job}.`);
      if (!job.purposes.has(purpose.id)) return deny('job-may-not-use-purpose', `The job ${job.id} may not act under the purpose ${purpose.id}.`);
      break;
    }
  }
  return { ok: true, purpose, categories };
}
