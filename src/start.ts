// The shop as `npm start` runs it (entered through src/main.ts): on the embedded database (or DATABASE_URL), demo data on first start.
import { ConfigError, loadConfig } from './platform/config.ts';
import { DataDirLockedError } from './platform/db/data-dir-lock.ts';
import { DataDirUnsafeError } from './platform/data-dir.ts';
import { createLogger } from './platform/logger.ts';
import { staffTokenPath } from './platform/staff-token.ts';
import { PrivacySetupError } from './privacy/index.ts';
import { startShop, type RunningShop } from './server.ts';
import { demoLogins } from './demo/index.ts';

/** Problems the operator can fix: say what is wrong, without a stack trace. */
function refuseToStart(err: unknown): never {
  const code = (err as NodeJS.ErrnoException).code;
  if (err instanceof ConfigError || err instanceof DataDirLockedError || err instanceof DataDirUnsafeError || err instanceof PrivacySetupError) {
    console.error(`Custodian cannot start. ${err.message}`);
    process.exit(1);
  }
  if (code === 'EADDRINUSE' || code === 'EACCES') {
    console.error(`Custodian cannot start. ${(err as Error).message} (check HOST and PORT).`);
    process.exit(1);
  }
  throw err;
}

const config = (() => {
  try {
    return loadConfig();
  } catch (err) {
    return refuseToStart(err);
  }
})();

const logger = createLogger(config.logLevel);
const shop: RunningShop = await startShop(config, logger).catch(refuseToStart);

const engine = shop.database.engine === 'pglite' ? `embedded PGlite in ${config.dataDir}/pglite` : 'PostgreSQL (DATABASE_URL)';
const tokenSource = config.staffApiToken ? 'STAFF_API_TOKEN' : staffTokenPath(config);
process.stdout.write(`
Custodian is running (${engine}).

  Storefront      ${shop.url}/
  Account         ${shop.url}/account
  Privacy         ${shop.url}/privacy (policy) · ${shop.url}/account/privacy (privacy centre)
  Vendor portal   ${shop.url}/vendor
  Staff console   ${shop.url}/staff
  Staff JSON API  ${shop.url}/api/staff  (catalogue: Bearer token in ${tokenSource}; the rest: personal tokens from /staff/api-tokens)
  API reference   ${shop.url}/openapi.json
${shop.httpRedirectPort !== null ? `  Plain HTTP      port ${shop.httpRedirectPort} answers every request with a redirect to https://\n` : ''}${shop.sandboxProcessorUrl ? `  Payments        sandbox processor at ${shop.sandboxProcessorUrl} (test card 4242 4242 4242 4242; no real money)\n` : ''}
${
  config.demoData
    ? `Demo logins (made on the first start with demo data; the passwords are public, so never use demo data for a real shop):
  Customer        ${demoLogins.customer.email} / ${demoLogins.customer.password}  at ${shop.url}/account/login
  Staff owner     ${demoLogins.owner.email} / ${demoLogins.owner.password}  at ${shop.url}/staff/login
  Privacy officer ${demoLogins.dpo.email} / ${demoLogins.dpo.password}  at ${shop.url}/staff/login  (requests, complaints: ${shop.url}/staff/dpo)
                  (a staff member's first sign-in sets up the second factor: add the shown TOTP secret to an authenticator app)
  Vendor user     ${demoLogins.vendor.email} / ${demoLogins.vendor.password}  at ${shop.url}/vendor/login  (${demoLogins.vendor.vendorName}: buy one of its licences, then see the order there)
`
    : ''
}  New customer    sign up at ${shop.url}/account/signup${config.smtpUrl ? '' : ` (mail, with the confirmation link, lands in ${config.dataDir}/mail/)`}
  First owner     stop the shop, then: npm run custodian -- staff create --name "Your Name" --email you@example.com --role owner
                  (it prints the link where you choose a password and set up your second factor)
Stop with Ctrl+C.
`);

// Either signal, once: let in-flight requests finish, then exit.
function stopOnSignal(): void {
  let signalled = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (signalled) return;
      signalled = true;
      logger.info({ signal }, 'shutting down: finishing in-flight requests');
      // The worker hands back jobs still running when the grace period ends; this allows for that.
      const force = setTimeout(() => {
        logger.error({ waitingFor: shop.stillStopping() }, 'shutdown grace period over; exiting');
        process.exit(1);
      }, config.shutdownGraceMs + 5000);
      force.unref();
      shop.stop().then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
}
stopOnSignal();
// SIGHUP (certbot's deploy hook, `systemctl reload`): serve the renewed certificate (tls-reload.ts logs the outcome).
process.on('SIGHUP', () => {
  const reloaded = shop.reloadTls();
  if (reloaded === null) logger.info('SIGHUP: nothing to reload (the shop serves no TLS itself)');
});
