// Test fixture for the comms module's own tests: a kernel on the test database, settings with a
// private DATA_DIR (and SMTP_URL when given), a customer whose name and email are stored through
// the kernel, a worker that runs the real `comms.send` handler with fast retries, and a log
// capture to check that no personal data reaches the logs.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { loadConfig, type Config } from '../../platform/config.ts';
import type { DatabaseHandle, Db } from '../../platform/db/database.ts';
import { createLogger } from '../../platform/logger.ts';
import { testWorker, waitFor } from '../../platform/jobs/testing/support.ts';
import type { Worker } from '../../platform/jobs/index.ts';
import { personalData } from '../../platform/testing/personal-data.ts';
import { testActor, testKernel } from '../../privacy/testing.ts';
import type { PrivacyKernel } from '../../privacy/index.ts';
import { commsModule } from '../module.ts';
import { type MailTemplate, mailTemplatesOf } from '../templates.ts';
import { welcomeModule } from './welcome-template.ts';
import type { OutboxStatus } from '../tables.ts';

export { WELCOME } from './welcome-template.ts';

export interface MailFixture {
  kernel: PrivacyKernel;
  config: Config;
  logs: string[];
  /** A customer with personalData.name and personalData.email stored under `account`. */
  customer(): Promise<string>;
  startWorker(): Promise<Worker>;
  outboxRow(id: string): Promise<OutboxRow>;
  waitForStatus(id: string, status: OutboxStatus): Promise<OutboxRow>;
  stop(): Promise<void>;
}

export interface OutboxRow {
  id: string;
  status: OutboxStatus;
  attempts: number;
  suppressed_reason: string | null;
  last_error: string | null;
  transport_message_id: string | null;
  sent_at: Date | null;
  params: Record<string, unknown>;
  /** The whole row as JSON text, for searching it for personal data. */
  json: string;
}

/** `templates`: the test's own, beside WELCOME, that the worker renders. */
export async function mailFixture(database: DatabaseHandle, env: Record<string, string> = {}, templates: readonly MailTemplate[] = []): Promise<MailFixture> {
  const { kernel } = await testKernel(database.db);
  const config = loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'custodian-comms-')), DEMO_DATA: 'false', SHOP_NAME: 'Test Shop', ...env });
  const logs: string[] = [];
  const logger = createLogger(
    'debug',
    new Writable({
      write: (chunk, _enc, done) => {
        logs.push(String(chunk));
        done();
      },
    }),
  );
  const workers: Worker[] = [];
  const db: Db = database.db;

  const outboxRow = async (id: string): Promise<OutboxRow> => {
    const { rows } = await sql<OutboxRow>`select o.*, row_to_json(o)::text as json from comms_outbox o where o.id = ${id}::uuid`.execute(db);
    if (!rows[0]) throw new Error(`no outbox row ${id}`);
    return rows[0];
  };

  return {
    kernel,
    config,
    logs,
    async customer() {
      const actor = testActor('test.signup');
      const subject = await kernel.createSubject(db, { kind: 'customer', actor, purpose: 'account' });
      await kernel.write(db, { subject, actor, purpose: 'account', values: { 'user.name': personalData.name, 'user.contact.email': personalData.email } });
      return subject;
    },
    async startWorker() {
      const worker = testWorker(database, commsModule.jobs ?? {}, {
        services: {
          config,
          privacy: kernel,
          wiring: { listeners: {}, imageUses: [], cookies: [], mailTemplates: mailTemplatesOf([welcomeModule, { name: 'test', migrations: [], mailTemplates: templates }]) },
        },
        logger,
        backoff: { baseMs: 100, maxMs: 400 },
      });
      await worker.start();
      workers.push(worker);
      return worker;
    },
    outboxRow,
    waitForStatus: (id, status) =>
      waitFor(`outbox message ${id} to be ${status}`, async () => {
        const row = await outboxRow(id);
        return row.status === status ? row : null;
      }),
    async stop() {
      for (const worker of workers) await worker.stop(5000);
      await kernel.flush();
    },
  };
}
