// What the self-check reports and what every check is given. A finding names a check, a severity,
// what is wrong and how to fix it; its detail names settings, paths, roles and package names, never
// a secret's value or anything about a person.
import type { Config } from '../platform/config.ts';
import type { Db } from '../platform/db/database.ts';
import type { PrivacyKernel } from '../privacy/index.ts';

export const SEVERITIES = ['high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface Finding {
  check: string;
  severity: Severity;
  /** Stable for the same problem from one run to the next (new findings are told apart by check and title). */
  title: string;
  detail: string;
  fix: string;
}

/** One page of the shop as the check saw it. */
export interface FetchedPage {
  path: string;
  status: number;
  /** Lower-case names; repeated headers joined with ", " (Set-Cookie kept apart in `setCookies`). */
  headers: Record<string, string>;
  setCookies: string[];
  body: string;
}

export type PageFetcher = (path: string) => Promise<FetchedPage>;

/** The app's in-process request (`app.inject`), as the web process hands it to its worker. */
export type Injector = (request: { method: 'GET'; url: string; headers: Record<string, string> }) => Promise<{ statusCode: number; headers: Record<string, unknown>; body: string }>;

/** Runs `npm audit --json --omit=dev`: its standard output, or why it could not (tests inject their own). */
export type AuditRunner = () => Promise<{ stdout: string; error: string | null }>;

export interface CheckContext {
  config: Config;
  db: Db;
  now: Date;
  /** The kernel (started on first use by the CLI); the staff check reads second factors through it. */
  kernel: () => Promise<PrivacyKernel>;
  /** The shop's pages (home, a product, the two sign-in pages), fetched once per run; null: no shop to ask. */
  pages: () => Promise<{ via: 'http' | 'in-process'; pages: FetchedPage[] } | null>;
  audit: AuditRunner | null;
}

export interface Check {
  id: string;
  /** What it looks at, for the page and the README. */
  title: string;
  run(ctx: CheckContext): Promise<Finding[]>;
}

export const isLocalUrl = (url: string): boolean => {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\./.test(host);
};
