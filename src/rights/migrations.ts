// The rights module's tables, all prefixed `rights_`. None holds personal data: a request names
// its person by pseudonymous subject id (null until staff identify them, and again once they are
// erased), its kind, channel, dates and progress; notes typed by staff are kernel items of the
// person. Mailed links are stored as SHA-256 digests only.
import type { Migration } from '../platform/db/migrate.ts';
import { runSql } from '../platform/db/migrate.ts';

export const rightsMigrations: Migration[] = [
  {
    id: 'rights/0001_requests',
    up: (db) =>
      runSql(
        db,
        `
        create sequence rights_request_number_seq start with 1001;
        create table rights_requests (
          id uuid primary key,
          number text not null unique check (number ~ '^R-[0-9]{6,}$'),
          kind text not null check (kind in ('access', 'correction', 'deletion', 'deactivation', 'opt-out')),
          subject_id uuid,
          source text not null check (source in ('self', 'staff', 'cli')),
          channel text not null check (channel in ('web', 'email', 'phone', 'post', 'in-person')),
          status text not null check (status in ('unverified', 'open', 'in-progress', 'completed', 'rejected')),
          received_at timestamptz not null,
          due_at timestamptz not null,
          verified_at timestamptz,
          verification text check (verification in ('signed-in', 'email-link', 'evidence')),
          evidence text check (evidence in ('signed-letter', 'call-back', 'in-person-id', 'reply-from-address')),
          step text check (step in ('suspended', 'receipt-queued', 'erased', 'unlinked')),
          step_at timestamptz,
          receipt_message uuid,
          reminded_at timestamptz,
          overdue_at timestamptz,
          closed_at timestamptz,
          outcome text check (outcome in ('done', 'nothing-held', 'identity-not-verified', 'manifestly-unfounded', 'duplicate', 'called-off')),
          entered_by uuid,
          check ((status in ('completed', 'rejected')) = (closed_at is not null))
        );
        create index rights_requests_subject_idx on rights_requests (subject_id, received_at);
        create index rights_requests_open_idx on rights_requests (due_at) where closed_at is null;
        create table rights_request_events (
          id bigint generated always as identity primary key,
          request_id uuid not null references rights_requests(id),
          at timestamptz not null,
          event text not null check (length(event) between 1 and 60),
          actor_ref text not null check (length(actor_ref) between 1 and 120),
          detail jsonb not null default '{}'::jsonb
        );
        create index rights_request_events_request_idx on rights_request_events (request_id, id);
        create table rights_links (
          token_hash bytea primary key check (length(token_hash) = 32),
          request_id uuid not null references rights_requests(id),
          purpose text not null check (purpose in ('verify', 'download')),
          expires_at timestamptz not null,
          used_at timestamptz
        )
        `,
      ),
  },
];

// Complaints that the shop breaks its policy (P002-24): a case per complaint with a number
// (K-000101…), status, dates and a history of pseudonymous steps. What the person wrote, their
// name and address, and every reply and note are kernel items of the complainant, never columns.
rightsMigrations.push({
  id: 'rights/0002_complaints',
  up: (db) =>
    runSql(
      db,
      `
      create sequence rights_complaint_number_seq start with 101;
      create table rights_complaints (
        id uuid primary key,
        number text not null unique check (number ~ '^K-[0-9]{6,}$'),
        subject_id uuid,
        filed_by text not null check (filed_by in ('customer', 'correspondent')),
        channel text not null check (channel in ('web', 'api')),
        status text not null check (status in ('open', 'answered', 'closed')),
        received_at timestamptz not null,
        due_at timestamptz not null,
        closed_at timestamptz,
        items integer not null default 0 check (items >= 0),
        check ((status = 'closed') = (closed_at is not null))
      );
      create index rights_complaints_subject_idx on rights_complaints (subject_id, received_at);
      create index rights_complaints_open_idx on rights_complaints (due_at) where closed_at is null;
      create table rights_complaint_events (
        id bigint generated always as identity primary key,
        complaint_id uuid not null references rights_complaints(id),
        at timestamptz not null,
        event text not null check (event in ('received', 'acknowledged', 'replied', 'note', 'closed', 'reopened')),
        actor_ref text not null check (length(actor_ref) between 1 and 120),
        detail jsonb not null default '{}'::jsonb
      );
      create index rights_complaint_events_complaint_idx on rights_complaint_events (complaint_id, id)
      `,
    ),
});

// Legal and other disclosures (P000-03, P003-11, P003-13, P003-15): a request staff record to give
// a person's data to a court, an agency or an emergency service, on a basis of the kernel's fixed
// list. The approval, the decision and the disclosure itself are the kernel's ledgers; this row
// keeps what the request is (basis, recipient, fields), who recorded and produced it, and an
// emergency's review. The instrument's reference and the attached document are kernel items of
// the person (`legal:<id>`), never columns.
rightsMigrations.push({
  id: 'rights/0003_legal_disclosures',
  up: (db) =>
    runSql(
      db,
      `
      create sequence rights_legal_disclosure_number_seq start with 101;
      create table rights_legal_disclosures (
        id uuid primary key,
        number text not null unique check (number ~ '^L-[0-9]{6,}$'),
        subject_id uuid,
        basis text not null check (length(basis) between 1 and 40),
        recipient text not null check (length(recipient) between 1 and 80),
        purpose text not null check (length(purpose) between 1 and 80),
        categories text[] not null check (cardinality(categories) between 1 and 40),
        needs_approval boolean not null,
        document_type text check (document_type in ('application/pdf', 'image/png', 'image/jpeg')),
        document_chunks integer not null default 0 check (document_chunks between 0 and 100),
        recorded_at timestamptz not null,
        recorded_by uuid not null,
        produced_at timestamptz,
        produced_by uuid,
        disclosure_id uuid,
        reviewed_at timestamptz,
        reviewed_by uuid,
        check ((produced_at is null) = (disclosure_id is null)),
        check (reviewed_at is null or (basis = 'emergency' and produced_at is not null))
      );
      create index rights_legal_disclosures_recorded_idx on rights_legal_disclosures (recorded_at desc, id);
      create index rights_legal_disclosures_subject_idx on rights_legal_disclosures (subject_id);
      create index rights_legal_disclosures_review_idx on rights_legal_disclosures (produced_at) where basis = 'emergency' and reviewed_at is null
      `,
    ),
});

// The sale of the shop (P004-15, decision 0053): the buyer's business name (not personal data),
// the date the customer records may pass, how the buyer's use differs (text the owner types about
// the business, never about a person), and when the notices went and the records left.
rightsMigrations.push({
  id: 'rights/0004_transfers',
  up: (db) =>
    runSql(
      db,
      `create table rights_transfers (
        id uuid primary key,
        acquirer text not null check (length(acquirer) between 2 and 200),
        transfer_on date not null,
        new_use text check (length(new_use) <= 2000),
        scheduled_at timestamptz not null,
        scheduled_by text not null,
        notified integer not null check (notified >= 0),
        exported_at timestamptz
      )`,
    ),
});
