// Every setting comes from the environment (or an optional JSON config file named by
// CUSTODIAN_CONFIG), is validated once at start, and a bad value stops start with a message
// naming the setting. The README's settings table is generated from `settingDocs`.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Config {
  host: string;
  port: number;
  publicUrl: string;
  dataDir: string;
  databaseUrl: string | null;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  runWorker: boolean;
  workerConcurrency: number;
  workerPollMs: number;
  demoData: boolean;
  rateLimitPerMinute: number;
  trustProxy: boolean;
  staffApiToken: string | null;
  shopName: string;
  currency: string;
  /** Tax and shipping rules of pricing (src/commerce/pricing/rules.ts). */
  taxRateBasisPoints: number;
  shippingFlatMinor: number;
  shippingPerItemMinor: number;
  shippingFreeFromMinor: number;
  shutdownGraceMs: number;
  /** The master keyring file of the privacy kernel (0600). */
  keyringPath: string;
  /** Where the shop's data is stored; `null` means the region the data map declares. */
  dataRegion: string | null;
  /** Folder of the data map YAML files. */
  datamapDir: string;
  /** OFFERS_CONSENT: offers and site news until the customer opts out (the data map's default), or only with their consent (decision 0080). */
  offersConsent: 'opt-in' | 'opt-out';
  /** smtp:// or smtps:// URL of the mail server; `null` writes mail as .eml files under DATA_DIR/mail. */
  smtpUrl: string | null;
  /** The From of every mail the shop sends. */
  mailFrom: MailAddress;
  /** Bearer secret of the bounce webhook (POST /mail/bounces); `null` keeps the webhook closed. */
  mailBounceSecret: string | null;
  /** Bearer secret of the inbound mail webhook (POST /mail/inbound, replies to support mail); `null` keeps it closed. */
  mailInboundSecret: string | null;
  /** Networks (CIDR) allowed to reach the staff area; empty means any. */
  staffNetworks: string[];
  /** Staff passwords older than this must be changed before the console opens. */
  staffPasswordMaxAgeDays: number;
  /**
   * Lower Argon2id costs for new password hashes, set only by the test harness (no setting fills
   * it; the shop refuses to start with it). Absent: the production costs (accounts/passwords.ts).
   */
  testPasswordCosts?: { memory: number; passes: number; parallelism: number };
  /** Sign-in lockout (P002-19): failures within the window lock the email or the network for lockMinutes. */
  loginLockout: { accountFailures: number; sourceFailures: number; windowMinutes: number; lockMinutes: number };
  /** Checkout asks home and business phone of every buyer. */
  checkoutRequirePhones: boolean;
  /** VENDOR_WEBHOOK_LOOPBACK: vendor webhook URLs may be http://127.0.0.1 (tests, local development); otherwise https:// to a public address only. */
  vendorWebhookLoopback: boolean;
  /** Data-map recipient that approves invoice orders; null: invoice on account is not offered. */
  checkoutInvoiceRecipient: string | null;
  /** CHECKOUT_COUNTRIES: the ISO 3166-1 alpha-2 codes the shop ships and bills to; null: every country. */
  checkoutCountries: string[] | null;
  /** Which payment processor takes payments, and how to reach it (src/commerce/payments/CONTEXT.md). */
  payments: PaymentSettings;
  /** Data-subject rights: the legal deadline of a request, and the backup windows the policy states. */
  rights: RightsSettings;
  /** Downloadable files of digital products (src/commerce/delivery, decision 0048). */
  downloads: DownloadSettings;
  /** SELFCHECK_INTERVAL_HOURS: hours between scheduled runs of the security self-check (src/security). */
  selfcheckIntervalHours: number;
  /** ANALYTICS_MIN_COUNT: a site-use report row (referrer, browser, platform, page) with a smaller count in the range is not shown by name (decision 0084). */
  analyticsMinCount: number;
  /** Scheduled encrypted backups (src/backups, decision 0063). */
  backups: BackupSettings;
  /** TLS_CERT_PATH: PEM certificate chain the shop serves HTTPS with; null: plain HTTP (decision 0062). */
  tlsCertPath: string | null;
  /** TLS_KEY_PATH: PEM private key of that certificate; set exactly when tlsCertPath is. */
  tlsKeyPath: string | null;
  /** HTTP_REDIRECT_PORT: a plain-HTTP listener answering every request with 308 to https://; null: none. */
  httpRedirectPort: number | null;
  /** TLS_RELOAD_CHECK_SECONDS: how often the certificate files are looked at for a renewal; 0: only on SIGHUP. */
  tlsReloadCheckSeconds: number;
  /** DATABASE_DIRECT_URL: a session connection to the same PostgreSQL when DATABASE_URL is a transaction-mode pooler (decision 0067); null: DATABASE_URL serves both. */
  databaseDirectUrl: string | null;
  /** DATABASE_REPLICA_URL: a streaming read replica of DATABASE_URL for lag-tolerant reads (decision 0068); null: every read on the primary. */
  databaseReplicaUrl: string | null;
}

export interface BackupSettings {
  /** BACKUP_DIR: where the worker writes scheduled backups; null: no scheduled backups. */
  dir: string | null;
  /** BACKUP_INTERVAL_HOURS: hours between scheduled backups. */
  intervalHours: number;
  /** BACKUP_COPY_COMMAND: a shell command run after each backup to copy the file off the machine (path in CUSTODIAN_BACKUP_FILE); null: none. */
  copyCommand: string | null;
  /** BACKUP_COPY_TIMEOUT_MINUTES: how long that command may run before it is killed. */
  copyTimeoutMinutes: number;
}

export interface DownloadSettings {
  /** Days a signed download link works from when it was made (mail, order page). */
  linkDays: number;
  /** The largest file staff or a vendor may upload for a digital variant, in bytes. */
  maxBytes: number;
}

export interface RightsSettings {
  /** Days a data-subject request may take from receipt to answer (the legal deadline). */
  deadlineDays: number;
  /** Days the operator keeps database backups (stated on the privacy policy). */
  backupRetentionDays: number;
  /** Days every page shows the notice of a new privacy-policy version, from its effective date (decision 0052). */
  policyNoticeDays: number;
  /** Days after which the blind-index key is replaced: a backup older than this can no longer confirm anyone's email. */
  blindIndexRotationDays: number;
}

export interface PaymentSettings {
  processor: 'sandbox' | 'stripe';
  /** The sandbox processor's base URL; `null`: the one `npm start` runs itself on `sandboxPort`. */
  sandboxUrl: string | null;
  sandboxPort: number;
  /** `null`: generated once into DATA_DIR/sandbox-processor-secret. */
  sandboxSecret: string | null;
  stripeSecretKey: string | null;
  stripeWebhookSecret: string | null;
}

export interface MailAddress {
  /** Display name, '' when none. */
  name: string;
  address: string;
}

type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  readonly setting: string;
  constructor(setting: string, problem: string) {
    super(`Invalid setting ${setting}: ${problem}`);
    this.name = 'ConfigError';
    this.setting = setting;
  }
}

interface SettingDoc {
  name: string;
  default: string;
  description: string;
}

export const settingDocs: SettingDoc[] = [
  { name: 'CUSTODIAN_CONFIG', default: '(none)', description: 'Path of a JSON file of settings (same names as below); the environment wins over it.' },
  { name: 'HOST', default: '127.0.0.1', description: 'Address the web server listens on.' },
  { name: 'PORT', default: '3000', description: 'Port the web server listens on (0 picks a free port).' },
  { name: 'PUBLIC_URL', default: 'http://localhost:PORT (https:// with TLS_CERT_PATH)', description: 'The address customers use; links in mail and pages are built from it.' },
  {
    name: 'DATA_DIR',
    default: './data',
    description:
      'Where the embedded database, the keyring, the audit anchor (audit-head.json), the mail spool, the product pictures (media/) and the files of digital products (downloads/, sealed) live.',
  },
  { name: 'DATABASE_URL', default: '(none: embedded PGlite)', description: 'postgres:// URL of a PostgreSQL server; unset means the embedded database under DATA_DIR.' },
  {
    name: 'DATABASE_REPLICA_URL',
    default: '(none: every read on DATABASE_URL)',
    description:
      'postgres:// URL of a streaming read replica of DATABASE_URL (PostgreSQL only). Storefront catalogue pages of visitors without a session and aggregate staff reports read from it; writes, personal data and reads after a write stay on DATABASE_URL. See docs/scaling.md.',
  },
  { name: 'LOG_LEVEL', default: 'info', description: 'fatal, error, warn, info, debug, trace or silent.' },
  { name: 'RUN_WORKER', default: 'true', description: 'Run the background worker inside the web process. Set false when running `npm run worker` separately.' },
  { name: 'WORKER_CONCURRENCY', default: '4', description: 'Jobs one worker process runs at once (1-64).' },
  { name: 'WORKER_POLL_MS', default: '1000', description: 'How often an idle worker looks for due jobs, in milliseconds (50-60000).' },
  { name: 'DEMO_DATA', default: 'true', description: 'Load the demo shop (vendors, categories, products) into an empty database at start.' },
  { name: 'RATE_LIMIT_PER_MINUTE', default: '600', description: 'Requests per minute one client address may make; 0 turns the limit off.' },
  { name: 'TRUST_PROXY', default: 'false', description: 'Trust X-Forwarded-* headers (only behind your own reverse proxy).' },
  {
    name: 'STAFF_API_TOKEN',
    default: '(generated into DATA_DIR)',
    description:
      'Shared bearer token for the staff catalogue API only (products, variants, categories, vendors: no personal data), at least 32 characters. Unset: one is generated and kept in DATA_DIR/staff-api-token. Other staff routes take a personal API token (staff console).',
  },
  { name: 'SHOP_NAME', default: 'Custodian Demo Shop', description: 'Name shown in the storefront and mail.' },
  { name: 'CURRENCY', default: 'USD', description: 'Default ISO 4217 currency for new prices.' },
  { name: 'SHOP_TAX_RATE', default: '0', description: 'Sales tax in basis points (2000 = 20%) added to the subtotal plus shipping; rounded half up to a whole minor unit, once per order (0-10000).' },
  { name: 'SHIPPING_FLAT_MINOR', default: '500', description: 'Shipping charge of an order with physical items, in minor units of the currency (0-100000000).' },
  { name: 'SHIPPING_PER_ITEM_MINOR', default: '0', description: 'Shipping added per physical unit, in minor units (0-100000000).' },
  { name: 'SHIPPING_FREE_FROM_MINOR', default: '0', description: 'Physical items worth at least this much (minor units) ship free; 0 means shipping is never free (0-2000000000).' },
  {
    name: 'KEYRING_PATH',
    default: 'DATA_DIR/keyring.json',
    description: 'Master keyring of the privacy kernel; created on first start with 0600 permissions; start refuses if it is readable by others.',
  },
  {
    name: 'DATA_REGION',
    default: "(the data map's region)",
    description: 'Region where this deployment stores data (e.g. us); start refuses if it differs from the data map or from the region recorded in the database.',
  },
  { name: 'DATAMAP_DIR', default: './datamap', description: 'Folder of the data map YAML files (subjects, categories, purposes, recipients, roles, retention, policy versions).' },
  {
    name: 'OFFERS_CONSENT',
    default: 'opt-out',
    description:
      'How customers come to receive offers and site news (the `offers` purpose): opt-out (every customer until they opt out, reminded once a year) or opt-in (only customers who turned them on, at sign-up, checkout or in the privacy centre; no record means no). The privacy policy and the published data map say which applies (decision 0080).',
  },
  {
    name: 'SMTP_URL',
    default: '(none: mail is written to DATA_DIR/mail/*.eml)',
    description: 'smtp:// (STARTTLS when offered) or smtps:// (TLS) URL of the mail server, with user:password@ if it needs them.',
  },
  { name: 'MAIL_FROM', default: 'Custodian Demo Shop <shop@localhost>', description: 'Sender of every mail the shop sends: an address, optionally with a name, as in `Shop <shop@example.com>`.' },
  {
    name: 'MAIL_BOUNCE_SECRET',
    default: '(none: the bounce webhook is closed)',
    description:
      'Shared secret, at least 32 characters, that your mail provider sends as `Authorization: Bearer …` when it posts a bounce to /mail/bounces (JSON: messageId, code such as 5.1.1). Three hard bounces stop marketing mail to that address.',
  },
  {
    name: 'MAIL_INBOUND_SECRET',
    default: '(none: the inbound mail webhook is closed)',
    description:
      'Shared secret, at least 32 characters, different from MAIL_BOUNCE_SECRET, that your mail provider sends as `Authorization: Bearer …` when it posts a parsed reply to a support mail to /mail/inbound (JSON: from, to, subject, text).',
  },
  { name: 'STAFF_NETWORKS', default: '(any)', description: 'Comma-separated networks in CIDR form (e.g. 203.0.113.0/24, 2001:db8::/48) allowed to reach /staff and /api/staff; others get 403.' },
  { name: 'STAFF_PASSWORD_MAX_AGE_DAYS', default: '90', description: 'Staff passwords older than this many days (1–3650) must be changed before the staff console opens.' },
  {
    name: 'LOGIN_LOCK_ACCOUNT_FAILURES',
    default: '5',
    description: 'Failed sign-ins (or second-factor codes) for one email, within LOGIN_LOCK_WINDOW_MINUTES, that lock it (3–100). Unknown emails lock the same way.',
  },
  { name: 'LOGIN_LOCK_SOURCE_FAILURES', default: '20', description: 'Failed sign-ins from one network (an IPv4 address, an IPv6 /64), within LOGIN_LOCK_WINDOW_MINUTES, that lock it (5–10000).' },
  { name: 'LOGIN_LOCK_WINDOW_MINUTES', default: '15', description: 'The window in which failed sign-ins are counted (1–1440).' },
  { name: 'LOGIN_LOCK_MINUTES', default: '15', description: 'How long a locked email or network stays locked (1–1440); owners and DPOs are mailed when a lock starts.' },
  { name: 'CHECKOUT_REQUIRE_PHONES', default: 'false', description: 'Ask every buyer at checkout for a home and a business phone number (stored through the privacy kernel with the order).' },
  {
    name: 'VENDOR_WEBHOOK_LOOPBACK',
    default: 'false',
    description:
      'Let vendors point their webhook at http://127.0.0.1 (tests and local development only). Off: a webhook URL must be https:// and reach a public address (never this machine or a private network).',
  },
  {
    name: 'CHECKOUT_INVOICE_RECIPIENT',
    default: '(none: no invoice)',
    description: 'Offer "invoice on account": orders wait on hold for a credit approval disclosed (ledgered, DPO-approved) to this data-map recipient, e.g. credit-agency.',
  },
  {
    name: 'CHECKOUT_COUNTRIES',
    default: '(every country)',
    description: 'Comma-separated ISO 3166-1 alpha-2 codes (e.g. US,CA,GB,DE) of the countries checkout offers for delivery and billing addresses.',
  },
  {
    name: 'PAYMENT_PROCESSOR',
    default: 'sandbox',
    description: 'Who takes card and bank payments: sandbox (the test processor bundled with Custodian; no real money) or stripe (Stripe Checkout; needs STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET).',
  },
  {
    name: 'SANDBOX_PROCESSOR_URL',
    default: '(none: npm start runs it)',
    description:
      'Base URL of a sandbox processor started separately (`npm run sandbox-processor`); unset, `npm start` runs one itself on SANDBOX_PROCESSOR_PORT. Buyers type their card on its page, so when PUBLIC_URL is https:// it must be https:// too (plain http only on loopback: localhost, 127.0.0.1, ::1).',
  },
  { name: 'SANDBOX_PROCESSOR_PORT', default: '3100', description: 'Port of the sandbox processor that `npm start` or `npm run sandbox-processor` runs (0 picks a free port).' },
  {
    name: 'SANDBOX_PROCESSOR_SECRET',
    default: '(generated into DATA_DIR)',
    description:
      'Secret key shared by the shop and the sandbox processor (API key and webhook signing), at least 32 characters. Unset: one is generated and kept in DATA_DIR/sandbox-processor-secret.',
  },
  { name: 'STRIPE_SECRET_KEY', default: '(none)', description: 'Stripe secret or restricted key (sk_test_…, sk_live_…, rk_…); required when PAYMENT_PROCESSOR is stripe.' },
  {
    name: 'STRIPE_WEBHOOK_SECRET',
    default: '(none)',
    description: 'Signing secret of the Stripe webhook endpoint (whsec_…) pointed at PUBLIC_URL/payments/webhook/stripe; required when PAYMENT_PROCESSOR is stripe.',
  },
  {
    name: 'RIGHTS_DEADLINE_DAYS',
    default: '30',
    description: 'Days the shop has to answer a data-subject request (access, correction, deletion, opt-out) from the day it arrives (1–90); staff are reminded before, the DPO alerted after.',
  },
  { name: 'BACKUP_RETENTION_DAYS', default: '30', description: 'Days the operator keeps database backups (1–3650); the privacy policy states it. Keep the keyring out of those backups.' },
  {
    name: 'POLICY_NOTICE_DAYS',
    default: '30',
    description: 'Days every page shows a notice of a new privacy-policy version, from the day it takes effect (1–365).',
  },
  {
    name: 'BLIND_INDEX_ROTATION_DAYS',
    default: '7',
    description: 'Days between replacements of the blind-index key (1–365): a database backup older than this can no longer confirm any email address, erased people included.',
  },
  {
    name: 'DOWNLOAD_LINK_DAYS',
    default: '7',
    description: 'Days a download link of a digital product works (1–90), from when it is mailed or the buyer opens the order page (each visit makes a fresh one).',
  },
  { name: 'DOWNLOAD_MAX_MB', default: '25', description: 'The largest downloadable file staff or a vendor may upload for a digital product, in megabytes (1–200).' },
  {
    name: 'ANALYTICS_MIN_COUNT',
    default: '5',
    description:
      'The smallest count (1–1000) a row of the staff site-use report (a referring website, browser, platform or page) must have in the chosen days to be shown by name; smaller rows are summed into one "Others" row (decision 0084). The privacy policy states it.',
  },
  { name: 'SHUTDOWN_GRACE_MS', default: '10000', description: 'On SIGTERM, how long in-flight requests and jobs may take to finish.' },
  {
    name: 'SELFCHECK_INTERVAL_HOURS',
    default: '24',
    description: 'Hours between scheduled runs of the security self-check (1–720); new high or medium findings are mailed to owners and privacy officers.',
  },
  {
    name: 'BACKUP_DIR',
    default: '(none: no scheduled backups)',
    description:
      'Folder the worker writes encrypted backups to (database, product pictures, download files; never the keyring), every BACKUP_INTERVAL_HOURS; files older than BACKUP_RETENTION_DAYS are deleted. Not inside DATA_DIR/media or DATA_DIR/downloads.',
  },
  { name: 'BACKUP_INTERVAL_HOURS', default: '24', description: 'Hours between scheduled backups (1–720), when BACKUP_DIR is set.' },
  {
    name: 'BACKUP_COPY_COMMAND',
    default: '(none: backups stay on this machine)',
    description:
      'A shell command run after each backup (scheduled or `custodian backup`) to copy it off the machine, e.g. `rclone copy "$CUSTODIAN_BACKUP_FILE" remote:shop-backups`. The file\'s path is only in the environment variable CUSTODIAN_BACKUP_FILE, never put into the text; the shop\'s own settings are not in its environment; its output is not logged. One line, at most 1000 characters. Never sends the keyring.',
  },
  { name: 'BACKUP_COPY_TIMEOUT_MINUTES', default: '60', description: 'Minutes BACKUP_COPY_COMMAND may run (1–1440) before it is killed and the copy is recorded as failed.' },
  {
    name: 'TLS_CERT_PATH',
    default: '(none: plain HTTP)',
    description:
      'PEM file of the certificate (with its chain, e.g. Let’s Encrypt’s fullchain.pem) the shop serves HTTPS with, TLS 1.2 or newer, sending Strict-Transport-Security; set together with TLS_KEY_PATH. Leave unset behind a reverse proxy that ends TLS (then PUBLIC_URL https://).',
  },
  { name: 'TLS_KEY_PATH', default: '(none)', description: 'PEM file of the private key of TLS_CERT_PATH (e.g. privkey.pem); set together with TLS_CERT_PATH.' },
  {
    name: 'TLS_RELOAD_CHECK_SECONDS',
    default: '600',
    description:
      'With TLS: seconds between looks at the two files for a renewed certificate, which then serves new connections without a restart (0: only on SIGHUP, e.g. certbot’s deploy hook). A pair that does not load (key of another certificate, expired) is refused and logged; the one in use stays.',
  },
  {
    name: 'HTTP_REDIRECT_PORT',
    default: '(none)',
    description: 'With TLS: a port (e.g. 80) of a plain-HTTP listener that answers every request with a 308 redirect to the same host and path over https:// and nothing else.',
  },
  {
    name: 'DATABASE_DIRECT_URL',
    default: '(none: DATABASE_URL)',
    description:
      'postgres:// URL straight to the PostgreSQL server when DATABASE_URL goes through a pooler such as PgBouncer in transaction mode: LISTEN uses it, queries use DATABASE_URL and run unprepared (decision 0067).',
  },
];

const known = new Set(settingDocs.map((s) => s.name));

function readConfigFile(path: string): Env {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError('CUSTODIAN_CONFIG', `cannot read ${path} as JSON (${(err as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError('CUSTODIAN_CONFIG', `${path} must hold a JSON object of settings`);
  }
  const out: Env = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!known.has(key)) throw new ConfigError(key, `unknown setting in ${path}`);
    out[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return out;
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^-?\d+$/.test(raw.trim())) throw new ConfigError(name, `must be a whole number (got "${raw}")`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max} (got ${n})`);
  return n;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = raw.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  throw new ConfigError(name, `must be true or false (got "${raw}")`);
}

function oneOf<T extends string>(env: Env, name: string, fallback: T, allowed: readonly T[]): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')} (got "${raw}")`);
  }
  return raw as T;
}

function url(env: Env, name: string, protocols: string[]): string | null {
  const raw = env[name];
  if (raw === undefined || raw === '') return null;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'must be a URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
  }
  return raw;
}

function smtpUrl(env: Env): string | null {
  const value = url(env, 'SMTP_URL', ['smtp:', 'smtps:']);
  // The value may hold a password: messages describe it, never repeat it.
  if (value !== null && new URL(value).hostname === '') throw new ConfigError('SMTP_URL', 'must name the mail server, as in smtp://mail.example.com:587');
  return value;
}

// The address part: no spaces, quotes, angle brackets or line breaks; a host name after the @.
const MAIL_ADDRESS = /^[^\s@<>()",;:\\[\]]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

function mailFrom(env: Env): MailAddress {
  const raw = env.MAIL_FROM?.trim() || 'Custodian Demo Shop <shop@localhost>';
  const bad = (): never => {
    throw new ConfigError('MAIL_FROM', `must be an address such as shop@example.com or Shop <shop@example.com> (got "${raw.replace(/[\r\n]/g, ' ')}")`);
  };
  if (/[\r\n\0]/.test(raw) || raw.length > 300) bad();
  if (MAIL_ADDRESS.test(raw)) return { name: '', address: raw };
  const named = /^(?:"([^"\\]*)"|([^<>"@]*?))\s*<([^<>]*)>$/.exec(raw);
  const address = named?.[3] ?? '';
  if (!named || !MAIL_ADDRESS.test(address)) return bad();
  return { name: (named[1] ?? named[2] ?? '').trim(), address };
}

function keyringPath(env: Env, dataDir: string): string {
  const path = resolve(env.KEYRING_PATH?.trim() || join(dataDir, 'keyring.json'));
  if (env.KEYRING_PATH?.trim().endsWith('/') || (existsSync(path) && statSync(path).isDirectory())) {
    throw new ConfigError('KEYRING_PATH', `must name a file, not a folder (got "${env.KEYRING_PATH}")`);
  }
  return path;
}

function datamapDir(env: Env): string {
  const dir = resolve(env.DATAMAP_DIR?.trim() || fileURLToPath(new URL('../../datamap/', import.meta.url)));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new ConfigError('DATAMAP_DIR', `must name an existing folder of data map files (got "${env.DATAMAP_DIR ?? dir}")`);
  }
  return dir;
}

function recipientId(env: Env, name: string): string | null {
  const raw = env[name]?.trim();
  if (!raw) return null;
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(raw) || raw.length > 100) throw new ConfigError(name, `must be a recipient id of the data map such as credit-agency (got "${raw}")`);
  return raw;
}

function countryCodes(env: Env, name: string): string[] | null {
  const raw = env[name]?.trim();
  if (!raw) return null;
  const codes = [...new Set(raw.split(',').map((c) => c.trim().toUpperCase()))];
  const bad = codes.filter((c) => !/^[A-Z]{2}$/.test(c));
  if (bad.length) throw new ConfigError(name, `must be comma-separated two-letter country codes such as US,DE (not ${bad.join(', ')})`);
  return codes;
}

function staffNetworks(env: Env): string[] {
  const raw = env.STAFF_NETWORKS?.trim();
  if (!raw) return [];
  return raw.split(',').map((part) => {
    const cidr = part.trim();
    const m = /^([0-9a-fA-F:.]+)\/(\d{1,3})$/.exec(cidr);
    const kind = m ? isIP(m[1]!) : 0;
    if (!m || kind === 0 || Number(m[2]) > (kind === 4 ? 32 : 128)) {
      throw new ConfigError('STAFF_NETWORKS', `must be networks in CIDR form such as 203.0.113.0/24, separated by commas (got "${cidr.replace(/[\r\n]/g, ' ')}")`);
    }
    return cidr;
  });
}

/** localhost, 127.0.0.0/8 and ::1: addresses that never leave this machine. */
function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

function paymentSettings(env: Env, publicUrl: string): PaymentSettings {
  const processor = oneOf(env, 'PAYMENT_PROCESSOR', 'sandbox', ['sandbox', 'stripe'] as const);
  const sandboxSecret = env.SANDBOX_PROCESSOR_SECRET?.trim() || null;
  if (sandboxSecret !== null && sandboxSecret.length < 32) throw new ConfigError('SANDBOX_PROCESSOR_SECRET', 'must be at least 32 characters');
  // Secrets are described, never repeated, in messages.
  const stripeSecretKey = env.STRIPE_SECRET_KEY?.trim() || null;
  if (stripeSecretKey !== null && !/^(sk|rk)_(test|live)_[A-Za-z0-9]{8,}$/.test(stripeSecretKey))
    throw new ConfigError('STRIPE_SECRET_KEY', 'must be a Stripe secret key (sk_test_…, sk_live_…) or restricted key (rk_…), not a publishable key');
  const stripeWebhookSecret = env.STRIPE_WEBHOOK_SECRET?.trim() || null;
  if (stripeWebhookSecret !== null && !/^whsec_[A-Za-z0-9+/=_-]{8,}$/.test(stripeWebhookSecret)) throw new ConfigError('STRIPE_WEBHOOK_SECRET', "must be the endpoint's signing secret (whsec_…)");
  if (processor === 'stripe' && stripeSecretKey === null) throw new ConfigError('STRIPE_SECRET_KEY', 'must be set when PAYMENT_PROCESSOR is stripe');
  if (processor === 'stripe' && stripeWebhookSecret === null) throw new ConfigError('STRIPE_WEBHOOK_SECRET', 'must be set when PAYMENT_PROCESSOR is stripe');
  const sandboxUrl = url(env, 'SANDBOX_PROCESSOR_URL', ['http:', 'https:'])?.replace(/\/+$/, '') ?? null;
  // Buyers type their card on the processor's page (P002-15): a shop served over TLS sends them to
  // a TLS page. Plain http is left to a processor on this machine's loopback (trying the shop out,
  // the bundled sandbox), which no card crosses a network to reach.
  if (sandboxUrl !== null && publicUrl.startsWith('https:') && sandboxUrl.startsWith('http:') && !isLoopbackHost(new URL(sandboxUrl).hostname)) {
    throw new ConfigError('SANDBOX_PROCESSOR_URL', 'must start with https:// when PUBLIC_URL does (buyers type their card on its page); plain http is allowed only on loopback (localhost, 127.0.0.1)');
  }
  return { processor, sandboxUrl, sandboxPort: int(env, 'SANDBOX_PROCESSOR_PORT', 3100, 0, 65535), sandboxSecret, stripeSecretKey, stripeWebhookSecret };
}

export function loadConfig(processEnv: Env = process.env): Config {
  const file = processEnv.CUSTODIAN_CONFIG ? readConfigFile(processEnv.CUSTODIAN_CONFIG) : {};
  const env: Env = { ...file };
  for (const [k, v] of Object.entries(processEnv)) if (v !== undefined) env[k] = v;

  const port = int(env, 'PORT', 3000, 0, 65535);
  const host = env.HOST?.trim() || '127.0.0.1';
  const tls = tlsSettings(env, port);
  const publicUrl = (url(env, 'PUBLIC_URL', ['http:', 'https:']) ?? `${tls.tlsCertPath ? 'https' : 'http'}://localhost:${port}`).replace(/\/+$/, '');
  if (tls.tlsCertPath !== null && !publicUrl.startsWith('https:')) throw new ConfigError('PUBLIC_URL', 'must start with https:// when the shop serves TLS (TLS_CERT_PATH)');
  const currency = (env.CURRENCY ?? 'USD').trim();
  if (!/^[A-Z]{3}$/.test(currency)) throw new ConfigError('CURRENCY', `must be a three-letter ISO 4217 code such as USD (got "${currency}")`);
  const staffApiToken = env.STAFF_API_TOKEN?.trim() || null;
  if (staffApiToken !== null && staffApiToken.length < 32) {
    throw new ConfigError('STAFF_API_TOKEN', 'must be at least 32 characters');
  }
  const mailBounceSecret = env.MAIL_BOUNCE_SECRET?.trim() || null;
  if (mailBounceSecret !== null && mailBounceSecret.length < 32) throw new ConfigError('MAIL_BOUNCE_SECRET', 'must be at least 32 characters');
  const mailInboundSecret = env.MAIL_INBOUND_SECRET?.trim() || null;
  if (mailInboundSecret !== null && mailInboundSecret.length < 32) throw new ConfigError('MAIL_INBOUND_SECRET', 'must be at least 32 characters');
  // Whoever may report a bounce must not thereby be able to write into a customer's support thread.
  if (mailInboundSecret !== null && mailInboundSecret === mailBounceSecret) throw new ConfigError('MAIL_INBOUND_SECRET', 'must differ from MAIL_BOUNCE_SECRET');
  const shopName = (env.SHOP_NAME ?? 'Custodian Demo Shop').trim();
  if (shopName.length === 0 || shopName.length > 100) throw new ConfigError('SHOP_NAME', 'must be 1 to 100 characters');

  const dataDir = resolve(env.DATA_DIR?.trim() || './data');
  const dataRegion = env.DATA_REGION?.trim() || null;
  if (dataRegion !== null && !/^[a-z]{2}(-[a-z0-9]+)*$/.test(dataRegion)) {
    throw new ConfigError('DATA_REGION', `must be a lower-case region code such as us or eu-west (got "${dataRegion}")`);
  }

  return {
    host,
    port,
    publicUrl,
    dataDir,
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    logLevel: oneOf(env, 'LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
    runWorker: bool(env, 'RUN_WORKER', true),
    workerConcurrency: int(env, 'WORKER_CONCURRENCY', 4, 1, 64),
    workerPollMs: int(env, 'WORKER_POLL_MS', 1000, 50, 60000),
    demoData: bool(env, 'DEMO_DATA', true),
    rateLimitPerMinute: int(env, 'RATE_LIMIT_PER_MINUTE', 600, 0, 1_000_000),
    trustProxy: bool(env, 'TRUST_PROXY', false),
    staffApiToken,
    shopName,
    currency,
    taxRateBasisPoints: int(env, 'SHOP_TAX_RATE', 0, 0, 10_000),
    shippingFlatMinor: int(env, 'SHIPPING_FLAT_MINOR', 500, 0, 100_000_000),
    shippingPerItemMinor: int(env, 'SHIPPING_PER_ITEM_MINOR', 0, 0, 100_000_000),
    shippingFreeFromMinor: int(env, 'SHIPPING_FREE_FROM_MINOR', 0, 0, 2_000_000_000),
    shutdownGraceMs: int(env, 'SHUTDOWN_GRACE_MS', 10000, 0, 600000),
    keyringPath: keyringPath(env, dataDir),
    dataRegion,
    datamapDir: datamapDir(env),
    offersConsent: oneOf(env, 'OFFERS_CONSENT', 'opt-out', ['opt-in', 'opt-out'] as const),
    smtpUrl: smtpUrl(env),
    mailFrom: mailFrom(env),
    mailBounceSecret,
    mailInboundSecret,
    staffNetworks: staffNetworks(env),
    staffPasswordMaxAgeDays: int(env, 'STAFF_PASSWORD_MAX_AGE_DAYS', 90, 1, 3650),
    loginLockout: {
      accountFailures: int(env, 'LOGIN_LOCK_ACCOUNT_FAILURES', 5, 3, 100),
      sourceFailures: int(env, 'LOGIN_LOCK_SOURCE_FAILURES', 20, 5, 10_000),
      windowMinutes: int(env, 'LOGIN_LOCK_WINDOW_MINUTES', 15, 1, 1440),
      lockMinutes: int(env, 'LOGIN_LOCK_MINUTES', 15, 1, 1440),
    },
    payments: paymentSettings(env, publicUrl),
    checkoutRequirePhones: bool(env, 'CHECKOUT_REQUIRE_PHONES', false),
    vendorWebhookLoopback: bool(env, 'VENDOR_WEBHOOK_LOOPBACK', false),
    checkoutInvoiceRecipient: recipientId(env, 'CHECKOUT_INVOICE_RECIPIENT'),
    checkoutCountries: countryCodes(env, 'CHECKOUT_COUNTRIES'),
    rights: {
      deadlineDays: int(env, 'RIGHTS_DEADLINE_DAYS', 30, 1, 90),
      backupRetentionDays: int(env, 'BACKUP_RETENTION_DAYS', 30, 1, 3650),
      blindIndexRotationDays: int(env, 'BLIND_INDEX_ROTATION_DAYS', 7, 1, 365),
      policyNoticeDays: int(env, 'POLICY_NOTICE_DAYS', 30, 1, 365),
    },
    downloads: { linkDays: int(env, 'DOWNLOAD_LINK_DAYS', 7, 1, 90), maxBytes: int(env, 'DOWNLOAD_MAX_MB', 25, 1, 200) * 1024 * 1024 },
    selfcheckIntervalHours: int(env, 'SELFCHECK_INTERVAL_HOURS', 24, 1, 720),
    analyticsMinCount: int(env, 'ANALYTICS_MIN_COUNT', 5, 1, 1000),
    backups: backupSettings(env, dataDir, keyringPath(env, dataDir)),
    ...tls,
    databaseDirectUrl: databaseDirectUrl(env),
    databaseReplicaUrl: replicaUrl(env),
  };
}

function backupSettings(env: Env, dataDir: string, keyring: string): BackupSettings {
  const raw = env.BACKUP_DIR?.trim();
  const intervalHours = int(env, 'BACKUP_INTERVAL_HOURS', 24, 1, 720);
  const copyTimeoutMinutes = int(env, 'BACKUP_COPY_TIMEOUT_MINUTES', 60, 1, 1440);
  const copyCommand = backupCopyCommand(env);
  if (!raw) return { dir: null, intervalHours, copyCommand, copyTimeoutMinutes };
  const dir = resolve(raw);
  const inside = (folder: string) => dir === folder || dir.startsWith(`${folder}/`);
  if (dir === dataDir || inside(join(dataDir, 'media')) || inside(join(dataDir, 'downloads')) || inside(join(dataDir, 'pglite'))) {
    throw new ConfigError('BACKUP_DIR', `must be a folder of its own, not DATA_DIR or a folder a backup carries (got "${raw}")`);
  }
  // A folder of backups may be copied off whole (rclone sync, a mounted bucket): the keyring must not be in it (decision 0063).
  if (keyring.startsWith(`${dir}/`)) throw new ConfigError('BACKUP_DIR', `must not hold the keyring (KEYRING_PATH): keep the keyring apart from the backups (got "${raw}")`);
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new ConfigError('BACKUP_DIR', `must name a folder, not a file (got "${raw}")`);
  return { dir, intervalHours, copyCommand, copyTimeoutMinutes };
}

/** BACKUP_COPY_COMMAND: one line of shell, run as it is written (the file's path comes in its environment). */
function backupCopyCommand(env: Env): string | null {
  const raw = env.BACKUP_COPY_COMMAND?.trim();
  if (!raw) return null;
  if (/[\u0000-\u001f\u007f]/.test(raw)) throw new ConfigError('BACKUP_COPY_COMMAND', 'must be one line without control characters');
  if (raw.length > 1000) throw new ConfigError('BACKUP_COPY_COMMAND', `must be at most 1000 characters (got ${raw.length})`);
  return raw;
}

/** A PEM file's path, resolved, when it can be read and holds a PEM block of `kind`. */
function pemPath(env: Env, name: string, kind: RegExp): string {
  const path = resolve(env[name]!.trim());
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(name, `cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (!kind.test(text)) throw new ConfigError(name, `${path} holds no PEM ${name === 'TLS_KEY_PATH' ? 'private key' : 'certificate'}`);
  return path;
}

/** TLS_CERT_PATH and TLS_KEY_PATH (both or neither, each a readable PEM file) and HTTP_REDIRECT_PORT (only with them). */
function tlsSettings(env: Env, port: number): Pick<Config, 'tlsCertPath' | 'tlsKeyPath' | 'httpRedirectPort' | 'tlsReloadCheckSeconds'> {
  const tlsCertPath = env.TLS_CERT_PATH?.trim() ? pemPath(env, 'TLS_CERT_PATH', /-----BEGIN CERTIFICATE-----/) : null;
  const tlsKeyPath = env.TLS_KEY_PATH?.trim() ? pemPath(env, 'TLS_KEY_PATH', /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/) : null;
  if (tlsCertPath !== null && tlsKeyPath === null) throw new ConfigError('TLS_KEY_PATH', 'must be set when TLS_CERT_PATH is (the private key of the certificate)');
  if (tlsKeyPath !== null && tlsCertPath === null) throw new ConfigError('TLS_CERT_PATH', 'must be set when TLS_KEY_PATH is (the certificate of the key)');
  const httpRedirectPort = env.HTTP_REDIRECT_PORT?.trim() ? int(env, 'HTTP_REDIRECT_PORT', 0, 0, 65535) : null;
  if (httpRedirectPort !== null && tlsCertPath === null) throw new ConfigError('HTTP_REDIRECT_PORT', 'needs TLS_CERT_PATH and TLS_KEY_PATH: it redirects to the shop’s https:// address');
  if (httpRedirectPort !== null && httpRedirectPort !== 0 && httpRedirectPort === port) throw new ConfigError('HTTP_REDIRECT_PORT', 'must differ from PORT');
  const tlsReloadCheckSeconds = int(env, 'TLS_RELOAD_CHECK_SECONDS', 600, 0, 86_400);
  return { tlsCertPath, tlsKeyPath, httpRedirectPort, tlsReloadCheckSeconds };
}

function databaseDirectUrl(env: Env): string | null {
  const direct = url(env, 'DATABASE_DIRECT_URL', ['postgres:', 'postgresql:']);
  if (direct !== null && !url(env, 'DATABASE_URL', ['postgres:', 'postgresql:'])) throw new ConfigError('DATABASE_DIRECT_URL', 'needs DATABASE_URL (the pooled connection) as well');
  return direct;
}

function replicaUrl(env: Env): string | null {
  const value = url(env, 'DATABASE_REPLICA_URL', ['postgres:', 'postgresql:']);
  if (value === null) return null;
  // The URL may hold a password: messages describe it, never repeat it.
  if (!env.DATABASE_URL?.trim()) throw new ConfigError('DATABASE_REPLICA_URL', 'needs DATABASE_URL: a read replica copies a PostgreSQL primary, and the embedded database (PGlite) has none');
  if (value === env.DATABASE_URL.trim()) throw new ConfigError('DATABASE_REPLICA_URL', 'must name the replica, not the same server and database as DATABASE_URL');
  return value;
}
