// The sandbox processor `npm start` runs beside the shop when PAYMENT_PROCESSOR=sandbox and no
// SANDBOX_PROCESSOR_URL is given: a child process (decision 0017), so the shop's process never holds
// a card number, not even in memory, and the processor keeps its own port and storage.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Config } from '../platform/config.ts';
import type { Logger } from '../platform/logger.ts';

export interface BundledSandbox {
  url: string;
  /** Where the processor posts its webhooks (known once the shop listens). */
  setWebhookUrl(url: string): void;
  stop(): Promise<void>;
}

const entry = fileURLToPath(new URL('./main.ts', import.meta.url));
/** main.ts exits with this when its port is taken. */
export const PORT_IN_USE_EXIT = 98;

export function needsBundledSandbox(config: Config): boolean {
  return config.payments.processor === 'sandbox' && config.payments.sandboxUrl === null;
}

class PortInUse extends Error {}

async function spawnSandbox(config: Config, port: number): Promise<BundledSandbox> {
  const child = fork(entry, [], {
    env: { ...process.env, DATA_DIR: config.dataDir, SANDBOX_PROCESSOR_PORT: String(port), HOST: config.host },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m: { type?: string; url?: string }) => (m?.type === 'ready' && m.url ? resolve(m.url) : reject(new Error('the sandbox processor sent an unexpected message'))));
    child.once('exit', (code) => reject(code === PORT_IN_USE_EXIT ? new PortInUse() : new Error(`the sandbox processor exited before it was ready (exit code ${code ?? 'none'})`)));
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

/**
 * Starts the child on SANDBOX_PROCESSOR_PORT, or on a free port when the shop itself picks one
 * (PORT=0) or that port is taken (a second shop on this machine): the address goes to the shop
 * and its worker either way, so nothing else needs to know it.
 */
export async function startBundledSandbox(config: Config, logger: Logger): Promise<BundledSandbox> {
  const port = config.port === 0 ? 0 : config.payments.sandboxPort;
  try {
    return await spawnSandbox(config, port);
  } catch (err) {
    if (!(err instanceof PortInUse)) throw err;
    logger.warn({ port }, 'SANDBOX_PROCESSOR_PORT is in use; the sandbox processor takes a free port');
    return spawnSandbox(config, 0);
  }
}
