import type { Migration } from '../../platform/db/migrate.ts';
import { runSql } from '../../platform/db/migrate.ts';

const statuses = `('pending_payment', 'paid', 'fulfilling', 'shipped', 'delivered', 'completed', 'on_hold', 'cancelled', 'refunded')`;

export const ordersMigrations: Migration[] = [
  {
    id: 'orders/0001_tables',
    up: (db) =>
      runSql(
        db,
        `
        create sequence orders_number_seq start with 100001;
        create table orders (
          id uuid primary key,
          number text not null unique check (number ~ '^C-[0-9]{6,}$'),
          customer_subject uuid not null,
          customer_user_id uuid,
          status text not null check (status in ${statuses}),
          held_from text check (held_from in ('pending_payment', 'paid')),
          payment_method text not null check (length(payment_method) between 1 and 40),
          fulfilment text not null check (fulfilment in ('ship', 'digital')),
          currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
          subtotal_minor integer not null check (subtotal_minor >= 0),
          shipping_minor integer not null check (shipping_minor >= 0),
          tax_minor integer not null check (tax_minor >= 0),
          total_minor integer not null check (total_minor = subtotal_minor + shipping_minor + tax_minor),
          refunded_minor integer not null default 0 check (refunded_minor between 0 and total_minor),
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now(),
          check ((status = 'on_hold') = (held_from is not null))
        );
        create index orders_customer_idx on orders (customer_subject, created_at desc);
        create index orders_status_idx on orders (status, created_at desc);
        create table orders_lines (
          order_id uuid not null references orders(id) on delete cascade,
          position integer not null check (position >= 0),
          variant_id uuid not null,
          product_id uuid not null,
          vendor_id uuid not null,
          sku text not null check (length(sku) between 1 and 64),
          name text not null check (length(name) between 1 and 400),
          kind text not null check (kind in ('digital', 'physical', 'service')),
          quantity integer not null check (quantity > 0),
          unit_minor integer not null check (unit_minor >= 0),
          total_minor integer not null check (total_minor = unit_minor * quantity),
          primary key (order_id, position)
        );
        create table orders_transitions (
          id uuid primary key,
          seq bigint generated always as identity,
          order_id uuid not null references orders(id) on delete cascade,
          from_status text check (from_status in ${statuses}),
          to_status text not null check (to_status in ${statuses}),
          at timestamptz not null default now(),
          actor_ref text not null check (length(actor_ref) between 1 and 120),
          reason text check (length(reason) between 1 and 500),
          amount_minor integer check (amount_minor >= 0)
        );
        create index orders_transitions_order_idx on orders_transitions (order_id, seq);
        `,
      ),
  },
];

// Erasure unlinks an order from its buyer (P000-12): the order, its lines and history stay as the
// shop's business record (amounts, what was sold, when), with no subject and no user behind them.
ordersMigrations.push({
  id: 'orders/0002_unlinked_orders',
  up: (db) => runSql(db, `alter table orders alter column customer_subject drop not null`),
});

// Reasons are codes of a fixed catalogue (reasons.ts, decision 0028), never text typed by staff.
// The shop's own texts become their codes; any other text (typed by staff, possibly about the
// buyer) is dropped for the code `other`, and the column only takes codes from now on.
ordersMigrations.push({
  id: 'orders/0003_reason_codes',
  up: (db) =>
    runSql(
      db,
      `
      update orders_transitions set reason = case
        when reason = 'nothing to pay' then 'nothing_to_pay'
        when lower(reason) = 'awaiting credit approval' then 'awaiting_credit'
        when reason = 'payment succeeded' then 'payment_received'
        when reason in ('payment expired', 'payment not completed in time') then 'payment_expired'
        when reason like 'payment could not start%' then 'payment_not_started'
        when reason like 'credit approved%' then 'credit_approved'
        when reason like 'credit check refused%' then 'credit_refused'
        when reason = 'the buyer deleted their account' then 'account_deleted'
        else 'other' end
      where reason is not null;
      alter table orders_transitions add constraint orders_transitions_reason_code check (reason ~ '^[a-z][a-z_]{0,39}$');
      `,
    ),
});

// The vendor portal lists the orders holding a vendor's products (orders_lines.vendor_id).
ordersMigrations.push({
  id: 'orders/0004_lines_by_vendor',
  up: (db) => runSql(db, `create index orders_lines_vendor_idx on orders_lines (vendor_id, order_id)`),
});
