import type { Migration } from '../../platform/db/migrate.ts';
import { runSql } from '../../platform/db/migrate.ts';

export const catalogueMigrations: Migration[] = [
  {
    id: 'catalogue/0001_tables',
    up: (db) =>
      runSql(
        db,
        `
        create table vendors (
          id uuid primary key default gen_random_uuid(),
          slug text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 80),
          name text not null check (length(name) between 1 and 200),
          description text not null default '' check (length(description) <= 5000),
          website text check (website is null or length(website) <= 500),
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now()
        );
        create table categories (
          id uuid primary key default gen_random_uuid(),
          slug text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 80),
          name text not null check (length(name) between 1 and 200),
          description text not null default '' check (length(description) <= 5000),
          parent_id uuid references categories(id) on delete restrict,
          position integer not null default 0,
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now()
        );
        create table products (
          id uuid primary key default gen_random_uuid(),
          slug text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 80),
          vendor_id uuid not null references vendors(id) on delete restrict,
          category_id uuid references categories(id) on delete set null,
          name text not null check (length(name) between 1 and 200),
          description text not null default '' check (length(description) <= 20000),
          kind text not null check (kind in ('digital', 'physical', 'service')),
          status text not null default 'active' check (status in ('active', 'draft', 'archived')),
          search tsvector generated always as (
            setweight(to_tsvector('english', name), 'A') || setweight(to_tsvector('english', description), 'B')
          ) stored,
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now()
        );
        create index products_category_idx on products (category_id, status, name);
        create index products_vendor_idx on products (vendor_id);
        create index products_search_idx on products using gin (search);
        create table variants (
          id uuid primary key default gen_random_uuid(),
          product_id uuid not null references products(id) on delete cascade,
          sku text not null unique check (length(sku) between 1 and 64),
          name text not null check (length(name) between 1 and 200),
          price_minor integer not null check (price_minor >= 0),
          currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
          stock integer check (stock is null or stock >= 0),
          position integer not null default 0,
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now()
        );
        create index variants_product_idx on variants (product_id, position);
        `,
      ),
  },
  // Every module's tables carry its prefix (issue 12); foreign keys, indexes and grants follow a renamed table.
  {
    id: 'catalogue/0002_module_prefix',
    up: (db) =>
      runSql(
        db,
        `
        alter table vendors rename to catalogue_vendors;
        alter table categories rename to catalogue_categories;
        alter table products rename to catalogue_products;
        alter table variants rename to catalogue_variants;
        `,
      ),
  },
  {
    id: 'catalogue/0003_product_images',
    up: (db) =>
      runSql(
        db,
        `
        create table catalogue_product_images (
          id uuid primary key default gen_random_uuid(),
          product_id uuid not null references catalogue_products(id) on delete cascade,
          image_id uuid not null,
          alt text not null check (length(btrim(alt)) between 1 and 300),
          position integer not null check (position >= 0),
          width integer not null check (width > 0),
          height integer not null check (height > 0),
          widths integer[] not null check (cardinality(widths) >= 1),
          created_at timestamptz not null default now()
        );
        create index catalogue_product_images_product_idx on catalogue_product_images (product_id, position);
        `,
      ),
  },
  // Partial words and typos find a product by name or SKU: trigram indexes (decision 0037).
  {
    id: 'catalogue/0004_search_trigrams',
    up: (db) =>
      runSql(
        db,
        `
        create extension if not exists pg_trgm;
        create index catalogue_products_text_trgm_idx on catalogue_products using gin ((name || ' ' || description) gin_trgm_ops);
        create index catalogue_variants_sku_trgm_idx on catalogue_variants using gin (sku gin_trgm_ops);
        `,
      ),
  },
  // Who changed what in the catalogue (issue 13): written by the commands in the change's own
  // transaction. `staff_id` is the accounts module's staff user id (null: the shop's shared API
  // token, the CLI or the system); `changes` holds business fields only, as {"field": [old, new]}.
  {
    id: 'catalogue/0005_changes',
    up: (db) =>
      runSql(
        db,
        `
        create table catalogue_changes (
          id bigint generated always as identity primary key,
          at timestamptz not null default now(),
          staff_id uuid,
          via text not null check (via in ('console', 'api', 'cli', 'system')),
          entity text not null check (entity in ('vendor', 'category', 'product', 'variant')),
          entity_id uuid not null,
          product_id uuid,
          action text not null check (action in ('created', 'changed', 'removed')),
          changes jsonb not null default '{}'::jsonb
        );
        create index catalogue_changes_product_idx on catalogue_changes (product_id, id desc) where product_id is not null;
        create index catalogue_changes_entity_idx on catalogue_changes (entity_id, id desc);
        `,
      ),
  },
  // A vendor's users set their own products' stock in the vendor portal (issue 14): such a change
  // is recorded as made `via` the vendor portal, naming the vendor (a company, not a person).
  {
    id: 'catalogue/0006_vendor_changes',
    up: (db) =>
      runSql(
        db,
        `
        alter table catalogue_changes drop constraint catalogue_changes_via_check;
        alter table catalogue_changes add constraint catalogue_changes_via_check check (via in ('console', 'api', 'cli', 'system', 'vendor'));
        alter table catalogue_changes add column vendor_id uuid;
        `,
      ),
  },
  // A service variant may be a plan billed each period (issue 16, subscriptions): null is bought once.
  {
    id: 'catalogue/0007_billing_period',
    up: (db) => runSql(db, `alter table catalogue_variants add column billing_period text check (billing_period in ('month', 'year'));`),
  },
];
