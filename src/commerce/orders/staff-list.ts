// The staff orders list: its query (search by order number, or by the buyer's exact email through
// the kernel's blind index, audited there), filters, a page of results, and the buyers' names for
// roles the data map lets read them under the orders' staff purpose.
import type { Db } from '../../platform/db/database.ts';
import { validationError } from '../../platform/errors.ts';
import type { Actor, PrivacyKernel, StaffRole } from '../../privacy/index.ts';
import { orderRef } from './deps.ts';
import { listOrders, type OrderFilter } from './orders.ts';
import { personalText, staffOrderPurpose } from './reads.ts';
import { isOrderStatus, type OrderStatus, orderStatuses } from './states.ts';
import type { Order } from './tables.ts';

export const ORDERS_PER_PAGE = 25;

export interface ListQuery {
  q?: string;
  status?: string;
  from?: string;
  to?: string;
  payment?: string;
  page?: number;
}

export const listPageQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    q: { type: 'string', maxLength: 254 },
    status: { type: 'string', enum: ['', ...orderStatuses] },
    from: { type: 'string', pattern: '^([0-9]{4}-[0-9]{2}-[0-9]{2})?$' },
    to: { type: 'string', pattern: '^([0-9]{4}-[0-9]{2}-[0-9]{2})?$' },
    payment: { type: 'string', pattern: '^([a-z][a-z0-9-]{0,39})?$' },
    page: { type: 'integer', minimum: 1, maximum: 100000, default: 1 },
  },
} as const;

const dayOf = (field: string, text: string | undefined): Date | undefined => {
  if (!text) return undefined;
  const d = new Date(`${text}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== text) throw validationError(field, 'is not a date');
  return d;
};

/** The filter a query asks for; the email search asks the kernel (as `actor`, audited) whose email it is. */
export async function filterOf(kernel: PrivacyKernel, db: Db, query: ListQuery, actor: Actor & { kind: 'staff' }): Promise<OrderFilter> {
  const filter: OrderFilter = {};
  if (query.status && isOrderStatus(query.status)) filter.status = query.status as OrderStatus;
  const from = dayOf('from', query.from);
  const to = dayOf('to', query.to);
  if (from) filter.from = from;
  if (to) filter.before = new Date(to.getTime() + 86_400_000);
  if (query.payment) filter.paymentMethod = query.payment;
  const q = (query.q ?? '').trim();
  if (q === '') return filter;
  const number = /^(?:C-)?([0-9]{6,12})$/i.exec(q);
  if (number) return { ...filter, number: `C-${number[1]}` };
  if (!q.includes('@')) throw validationError('q', 'must be an order number (C-100042) or the buyer’s exact email');
  const subjects = await kernel.findSubjects(db, { category: 'user.contact.email', value: q, actor, purpose: staffOrderPurpose(kernel, actor.role) });
  return { ...filter, subjects };
}

export async function pageOfOrders(db: Db, filter: OrderFilter, page: number): Promise<{ items: Order[]; total: number; pageCount: number; page: number }> {
  const first = await listOrders(db, { ...filter, limit: ORDERS_PER_PAGE, offset: (page - 1) * ORDERS_PER_PAGE });
  const pageCount = Math.max(1, Math.ceil(first.total / ORDERS_PER_PAGE));
  // A page past the end (a bookmark from before orders moved on) shows the last one.
  if (page > pageCount && first.total > 0) return { ...(await listOrders(db, { ...filter, limit: ORDERS_PER_PAGE, offset: (pageCount - 1) * ORDERS_PER_PAGE })), pageCount, page: pageCount };
  return { ...first, pageCount, page: Math.min(page, pageCount) };
}

/** Whether the data map lets this role read a buyer's name under the orders' staff purpose. */
export function mayReadBuyerNames(kernel: PrivacyKernel, role: StaffRole): boolean {
  const purpose = staffOrderPurpose(kernel, role);
  const grant = kernel.map.roles.get(role);
  return grant?.purposes.has(purpose) === true && grant.categories.has('user.name') && kernel.map.purposes.get(purpose)?.categories.has('user.name') === true;
}

/**
 * The buyers' names on one page of orders, read from each order's own copy. The kernel has no
 * batched read, so this is one audited read per row, bounded by the page size (ORDERS_PER_PAGE).
 */
export async function buyerNames(kernel: PrivacyKernel, db: Db, orders: readonly Order[], actor: Actor & { kind: 'staff' }): Promise<Map<string, string>> {
  const purpose = staffOrderPurpose(kernel, actor.role);
  const named = orders.filter((o): o is Order & { customer_subject: string } => o.customer_subject !== null);
  const names = new Map<string, string>();
  if (named.length === 0) return names;
  // One batch read for the page (each order's item checked and audited as a single read would be);
  // a refused or erased buyer simply shows no name.
  const results = await kernel.readMany(db, { actor, purpose, categories: ['user.name'], items: named.map((o) => ({ subject: o.customer_subject, ref: orderRef(o.id) })) });
  results.forEach((result, i) => {
    const name = result.ok ? personalText(result.record.values['user.name']) : null;
    if (name) names.set(named[i]!.id, name);
  });
  return names;
}
