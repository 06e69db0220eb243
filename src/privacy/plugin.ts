// Registers the kernel once and hands every module `app.privacy`, its typed API. Start stops here
// when the data map is invalid, the keyring is unsafe or the region does not match (P003-18).
import type { FastifyPluginAsync } from 'fastify';
import type { Logger } from '../platform/logger.ts';
import { kernelSettings, startKernel, type PrivacyKernel } from './kernel.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The privacy kernel: the only way to read or write personal data. */
    privacy: PrivacyKernel;
  }
}

export const privacyPlugin: FastifyPluginAsync = async (app) => {
  const kernel = await startKernel({
    db: app.db,
    ...kernelSettings(app.config),
    log: app.log as unknown as Logger,
    checkAnchor: true,
  });
  // Throws if a second kernel is registered: there is exactly one.
  app.decorate('privacy', kernel);
  app.addHook('onClose', async () => kernel.close());
};

// Like fastify-plugin: the decorator is visible to every module registered after this one.
(privacyPlugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
