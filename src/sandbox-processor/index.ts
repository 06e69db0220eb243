// The public entry of the sandbox processor: how the shop starts the bundled sandbox and shares
// its webhook secret. Any other file here is internal (decision 0032).
// It re-exports nothing from app.ts: the shop runs the processor as a child process, so its
// Fastify app and pages are never loaded into the shop's own memory (decision 0069).
export { needsBundledSandbox, startBundledSandbox } from './bundled.ts';
export { sandboxProcessorCookies } from './cookies.ts';
export { sandboxSecret, sandboxWebhookSecret } from './secret.ts';
