// What the comms module keeps about a person: the outbox rows of the mail sent to them (template,
// purpose, status and times; never the address or the body) and, without SMTP, the spooled .eml
// files, which do hold the address and the text, and whether their address was marked
// undeliverable after hard bounces. Erasure deletes all of it. A deletion waits while mail
// to the person is still queued (its receipt among them), so nothing is sent after the shred.
import { existsSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { PersonalDataHolder } from '../privacy/index.ts';
import { spoolDir } from './transport.ts';

export const commsHolder: PersonalDataHolder = {
  tables: ['comms_outbox', 'comms_undeliverable'],
  async export({ db, wiring }, subject) {
    const { rows } = await sql<{ template: string; purpose: string; status: string; created_at: Date; sent_at: Date | null }>`
      select template, purpose, status, created_at, sent_at from comms_outbox where subject_id = ${subject}::uuid order by created_at, id`.execute(db);
    const marks = await sql<{ address_ref: string; hard_bounces: number; marked_at: Date }>`
      select address_ref, hard_bounces, marked_at from comms_undeliverable where subject_id = ${subject}::uuid order by address_ref`.execute(db);
    return [
      {
        id: 'mail',
        title: 'Mail we sent you',
        description: 'Every message to you: what it was, why we were allowed to send it (its purpose), and whether it went out. We do not keep the text once it is sent.',
        records: rows.map((r) => ({
          message: wiring.mailTemplates.get(r.template)?.title ?? r.template,
          purpose: r.purpose,
          status: r.status,
          queued_at: new Date(r.created_at).toISOString(),
          sent_at: r.sent_at ? new Date(r.sent_at).toISOString() : null,
        })),
      },
      ...(marks.rows.length
        ? [
            {
              id: 'mail-undeliverable',
              title: 'Addresses that bounced',
              description: 'Mail to this address came back as undeliverable several times, so we stopped sending it marketing mail.',
              records: marks.rows.map((m) => ({ address: m.address_ref === '' ? 'your email address' : m.address_ref, hard_bounces: m.hard_bounces, since: new Date(m.marked_at).toISOString() })),
            },
          ]
        : []),
    ];
  },
  async busy({ db }, subject) {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from comms_outbox where subject_id = ${subject}::uuid and status in ('queued', 'sending')`.execute(db);
    return (rows[0]?.n ?? 0) > 0;
  },
  async erase({ db, config }, subject) {
    await sql`delete from comms_undeliverable where subject_id = ${subject}::uuid`.execute(db);
    // The spool files are named after their message. A shop that never spooled (SMTP) has no spool
    // folder: the rows go, and there is nothing to look for. Otherwise every message's files go
    // where they exist: one unlink for a sent mail's .eml, one existence check for its .partial
    // (left only by a send that stopped half-way); two system calls a message, where rmSync took
    // five. Per message, this is the bulk of the erasure of someone with many orders.
    const dir = spoolDir(config);
    if (!existsSync(dir)) {
      await sql`delete from comms_outbox where subject_id = ${subject}::uuid`.execute(db);
      return;
    }
    const { rows } = await sql<{ id: string }>`delete from comms_outbox where subject_id = ${subject}::uuid returning id`.execute(db);
    for (const row of rows) {
      unlinkIfThere(join(dir, `${row.id}.eml`));
      const partial = join(dir, `${row.id}.eml.partial`);
      if (existsSync(partial)) unlinkIfThere(partial);
    }
  },
};

/** Deletes a file if it is there: `rmSync(path, { force: true })` in one system call (rmSync stats the path twice first). */
function unlinkIfThere(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
