// `npm run sandbox-processor`: the sandbox payment processor on its own, with the shop's settings
// (DATA_DIR for its storage and the shared secret, SANDBOX_PROCESSOR_PORT, PUBLIC_URL for the
// webhook). `npm start` runs this same file as a child process (see bundled.ts); then it reports
// its address to the parent over the IPC channel and exits when the parent goes away.
import { ConfigError, loadConfig } from '../platform/config.ts';
import { startSandboxProcessor } from './app.ts';
import { PORT_IN_USE_EXIT } from './bundled.ts';
import { sandboxDir, sandboxSecret } from './secret.ts';

const config = (() => {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`The sandbox processor cannot start. ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
})();

const child = typeof process.send === 'function';
const processor = await startSandboxProcessor({
  port: config.payments.sandboxPort,
  host: config.host,
  dir: sandboxDir(config),
  secretKey: sandboxSecret(config),
  webhookUrl: child ? null : `${config.publicUrl}/payments/webhook/sandbox`,
}).catch((err: NodeJS.ErrnoException) => {
  if (child && err.code === 'EADDRINUSE') process.exit(PORT_IN_USE_EXIT);
  console.error(`The sandbox processor cannot start. ${err.code === 'EADDRINUSE' ? `Port ${config.payments.sandboxPort} is in use (set SANDBOX_PROCESSOR_PORT).` : err.message}`);
  process.exit(1);
});

const stop = () =>
  processor.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

if (child) {
  process.on('message', (message: { type?: string; url?: string }) => {
    if (message?.type === 'webhook-url' && typeof message.url === 'string') processor.setWebhookUrl(message.url);
  });
  process.on('disconnect', stop);
  process.send!({ type: 'ready', url: processor.url });
} else {
  process.stdout.write(`Sandbox payment processor at ${processor.url} (storage: ${sandboxDir(config)}). Stop with Ctrl+C.\n`);
}
