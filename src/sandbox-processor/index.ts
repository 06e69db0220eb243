// The public entry of the sandbox processor: how the shop starts the bundled sandbox and shares
// its webhook secret. Any other file here is internal (decision 0032).
export { sandboxProcessorCookies, sandboxWebhookSecret } from './app.ts';
export { needsBundledSandbox, startBundledSandbox } from './bundled.ts';
export { sandboxSecret } from './secret.ts';
