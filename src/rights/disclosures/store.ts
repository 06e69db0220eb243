// The rows of rights_legal_disclosures: one per recorded request. Nothing personal: the person is
// a pseudonymous subject id, the fields are category names; the instrument and document are
// kernel items (document.ts).
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';

export interface LegalDisclosureRow {
  id: string;
  number: string;
  subject_id: string | null;
  basis: string;
  recipient: string;
  purpose: string;
  categories: string[];
  needs_approval: boolean;
  document_type: string | null;
  document_chunks: number;
  recorded_at: Date;
  recorded_by: string;
  produced_at: Date | null;
  produced_by: string | null;
  disclosure_id: string | null;
  reviewed_at: Date | null;
  reviewed_by: string | null;
}

export async function insertLegalDisclosure(
  db: Db,
  row: Pick<LegalDisclosureRow, 'id' | 'subject_id' | 'basis' | 'recipient' | 'purpose' | 'categories' | 'needs_approval' | 'document_type' | 'document_chunks' | 'recorded_at' | 'recorded_by'>,
): Promise<LegalDisclosureRow> {
  const { rows } = await sql<LegalDisclosureRow>`
    insert into rights_legal_disclosures (id, number, subject_id, basis, recipient, purpose, categories, needs_approval, document_type, document_chunks, recorded_at, recorded_by)
    values (${row.id}::uuid, 'L-' || lpad(nextval('rights_legal_disclosure_number_seq')::text, 6, '0'), ${row.subject_id}::uuid, ${row.basis}, ${row.recipient},
      ${row.purpose}, ${row.categories}::text[], ${row.needs_approval}, ${row.document_type}, ${row.document_chunks}, ${row.recorded_at}, ${row.recorded_by}::uuid)
    returning *`.execute(db);
  return rows[0]!;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function legalDisclosure(db: Db, id: string, forUpdate = false): Promise<LegalDisclosureRow | null> {
  if (!UUID.test(id)) return null;
  const { rows } = await sql<LegalDisclosureRow>`select * from rights_legal_disclosures where id = ${id}::uuid ${forUpdate ? sql`for update` : sql``}`.execute(db);
  return rows[0] ?? null;
}

/** One page, newest first, and how many there are. */
export async function legalDisclosurePage(db: Db, limit: number, offset: number): Promise<{ rows: LegalDisclosureRow[]; total: number }> {
  const [{ rows }, { rows: count }] = await Promise.all([
    sql<LegalDisclosureRow>`select * from rights_legal_disclosures order by recorded_at desc, id limit ${limit} offset ${offset}`.execute(db),
    sql<{ n: string }>`select count(*) as n from rights_legal_disclosures`.execute(db),
  ]);
  return { rows, total: Number(count[0]!.n) };
}

/** Emergencies produced and not yet reviewed by the DPO, oldest first. */
export async function emergenciesToReview(db: Db): Promise<LegalDisclosureRow[]> {
  const { rows } = await sql<LegalDisclosureRow>`
    select * from rights_legal_disclosures where basis = 'emergency' and produced_at is not null and reviewed_at is null
    order by produced_at, id limit 200`.execute(db);
  return rows;
}

export async function markProduced(db: Db, id: string, at: Date, by: string, disclosure: string): Promise<void> {
  await sql`update rights_legal_disclosures set produced_at = ${at}, produced_by = ${by}::uuid, disclosure_id = ${disclosure}::uuid where id = ${id}::uuid`.execute(db);
}

export async function markReviewed(db: Db, id: string, at: Date, by: string): Promise<void> {
  await sql`update rights_legal_disclosures set reviewed_at = ${at}, reviewed_by = ${by}::uuid where id = ${id}::uuid`.execute(db);
}

export async function legalDisclosuresOfSubject(db: Db, subject: string): Promise<LegalDisclosureRow[]> {
  const { rows } = await sql<LegalDisclosureRow>`select * from rights_legal_disclosures where subject_id = ${subject}::uuid order by recorded_at, id`.execute(db);
  return rows;
}

export async function unlinkLegalDisclosures(db: Db, subject: string): Promise<void> {
  await sql`update rights_legal_disclosures set subject_id = null where subject_id = ${subject}::uuid`.execute(db);
}
