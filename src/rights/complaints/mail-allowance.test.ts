// Anyone can file a complaint with any address: the acknowledgement is mail anyone can trigger,
// so it is counted against that address's allowance (decision 0029). The complaint itself is
// always filed.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { MAIL_PER_ADDRESS } from '../../accounts/index.ts';
import { FormClient } from '../../accounts/testing.ts';
import { buildTestApp } from '../../platform/testing/app.ts';
import { testEachDatabase } from '../../platform/testing/databases.ts';

testEachDatabase(
  'complaints naming one address are all filed, but acknowledged by mail only up to the per-address allowance',
  async (database) => {
    const { app } = await buildTestApp(database);
    try {
      const filed: number[] = [];
      for (let i = 0; i < MAIL_PER_ADDRESS + 3; i++) {
        const res = await new FormClient(app, `198.51.100.${170 + i}`).json('POST', '/api/privacy/complaints', { name: 'Some Sender', email: 'target@example.org', text: `Complaint number ${i}` });
        filed.push(res.statusCode);
      }
      assert.deepEqual(filed, Array(MAIL_PER_ADDRESS + 3).fill(201));
      const { rows } = await sql<{ complaints: number; mail: number }>`
      select (select count(*)::int from rights_complaints) as complaints,
             (select count(*)::int from comms_outbox where template = 'rights.complaint-received') as mail`.execute(database.db);
      assert.deepEqual(rows[0], { complaints: MAIL_PER_ADDRESS + 3, mail: MAIL_PER_ADDRESS });
    } finally {
      await app.close();
    }
  },
  { timeout: 120_000 },
);
