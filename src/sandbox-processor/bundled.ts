// The sandbox processor `npm start` runs beside the shop when PAYMENT_PROCESSOR=sandbox and no
// SANDBOX_PROCESSOR_URL is given: a child process (decision 0017), so the shop's process never holds
// a card number, not even in memory, and the processor keeps its own port and storage.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Config } from '../platform/config.ts';

export interface BundledSandbox {
  url: string;
  /** Where the processor posts its webhooks (known once the shop listens). */
  setWebhookUrl(url: string): void;
  stop(): Promise<void>;
}

const entry = fileURLToPath(new URL('./main.ts', import.meta.url));

export function needsBundledSandbox(config: Config): boolean {
  return config.payments.processor === 'sandbox' && config.payments.sandboxUrl === null;
}

export async function startBundledSandbox(config: Config, env: NodeJS.ProcessEnv = process.env): Promise<BundledSandbox> {
  const child: ChildProcess = fork(entry, [], {
    env: { ...env, DATA_DIR: config.dataDir, SANDBOX_PROCESSOR_PORT: String(config.payments.sandboxPort), HOST: config.host },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m: { type?: string; url?: string }) => (m?.type === 'ready' && m.url ? resolve(m.url) : reject(new Error('the sandbox processor sent an unexpected message'))));
    child.once('exit', (code) => reject(new Error(`the sandbox processor exited before it was ready (exit code ${code ?? 'none'})`)));
  });
  return {
    url,
    setWebhookUrl(webhookUrl) {
      if (child.connected) child.send({ type: 'webhook-url', url: webhookUrl });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
