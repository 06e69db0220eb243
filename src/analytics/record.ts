// Recording site use: one small row per tracked request, queued after the response is sent and
// written in batches (hit-queue.ts), so a page is never slowed or lost to analytics (a failure is
// logged with its code only). A root hook (every module's routes; decision 0061) counts successful storefront page views and basket adds; the
// checkout's `orderPlaced` and the orders' `orderTransition` events count checkouts started and
// purchases. No cookie is set or read: a visit is an HMAC under the day's random key of the
// truncated client address and the browser and platform families, and the address and the
// User-Agent themselves are never kept.
import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import { browserOf, dayOf, type EventKind, externalReferrerHost, isBot, platformOf, visitHashFor } from './events.ts';
import { hitQueue } from './hit-queue.ts';
import { analyticsDb } from './tables.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Resolves when every analytics insert started so far has finished (tests wait on it). */
    analyticsSettled?: () => Promise<void>;
  }
}

/** Paths that are not storefront pages: the consoles, the API, files, the account's own pages. */
const UNTRACKED = /^\/(staff|vendor|api|static|account|media|\.well-known|healthz|readyz|openapi\.json|brand\.css|favicon|v1)(\/|$|\?|\.)/;
/** Route patterns whose real path is public catalogue (a product's or category's slug), kept as the page. */
const CATALOGUE = new Set(['/products/:slug', '/categories/:slug']);

/** The page a view is counted under: the route pattern, or a catalogue page's path; never a query. */
export function pageOf(request: FastifyRequest): string | null {
  const pattern = request.routeOptions.url;
  if (!pattern) return null;
  const page = CATALOGUE.has(pattern) ? request.url.split('?')[0]!.split('#')[0]!.toLowerCase() : pattern;
  return page.slice(0, 300);
}

/** What a request counts as, or null: a storefront page shown (GET 200 HTML) or an item put in the basket (the cart form's 303). */
export function kindOf(request: FastifyRequest, reply: FastifyReply): EventKind | null {
  if (UNTRACKED.test(request.url)) return null;
  if (request.method === 'GET' && reply.statusCode === 200 && String(reply.getHeader('content-type') ?? '').startsWith('text/html')) return 'page_view';
  if (request.method === 'POST' && request.routeOptions.url === '/cart/add' && reply.statusCode === 303) return 'basket_add';
  return null;
}

/** The day's key: created on the day's first request (any process), read once per process and day. */
function dayKeys(db: Db): (day: string) => Promise<Buffer> {
  let cached: { day: string; secret: Buffer } | null = null;
  return async (day) => {
    if (cached?.day === day) return cached.secret;
    const tables = analyticsDb(db);
    await tables
      .insertInto('analytics_day_keys')
      .values({ day, secret: randomBytes(32), created_at: new Date() })
      .onConflict((oc) => oc.column('day').doNothing())
      .execute();
    const row = await tables.selectFrom('analytics_day_keys').select('secret').where('day', '=', day).executeTakeFirstOrThrow();
    cached = { day, secret: Buffer.from(row.secret) };
    return cached.secret;
  };
}

/**
 * Records an event of checkout or orders inside their transaction. A failed insert never undoes the
 * order: the database function catches it in its own exception block (a savepoint, in one round trip).
 */
export async function recordEvent(db: Db, kind: 'checkout_start' | 'purchase', at = new Date()): Promise<void> {
  const run = sql`select analytics_record_event(${kind}, ${dayOf(at)}::date, ${at}::timestamptz, ${at.getUTCHours()}::smallint)`.execute(db);
  // Outside a transaction nothing is undone by a failure; it is still not the caller's to see.
  await (db.isTransaction ? run : run.catch(() => undefined));
}

export const analyticsHook: FastifyPluginAsync = async (app) => {
  const keyOf = dayKeys(app.db);
  const ownHosts = [new URL(app.config.publicUrl).hostname.toLowerCase()];
  // Day-key lookups in flight; the hits themselves wait in the queue (hit-queue.ts).
  const pending = new Set<Promise<void>>();
  const hits = hitQueue(app.db, app.log);

  const record = async (request: FastifyRequest, kind: EventKind): Promise<void> => {
    const at = new Date();
    const day = dayOf(at);
    const ua = String(request.headers['user-agent'] ?? '');
    const browser = browserOf(ua);
    const platform = platformOf(ua);
    const hash = visitHashFor(await keyOf(day), request.ip, browser, platform);
    const host = String(request.headers.host ?? '')
      .replace(/:\d+$/, '')
      .toLowerCase();
    const page = kind === 'page_view' ? pageOf(request) : null;
    if (kind === 'page_view' && page === null) return;
    hits.add({
      day,
      at,
      hour: at.getUTCHours(),
      kind,
      page,
      referrer_host: kind === 'page_view' ? externalReferrerHost(request.headers.referer, host ? [...ownHosts, host] : ownHosts) : null,
      browser,
      platform,
      visit_hash: hash,
    });
  };

  const settled = async () => {
    while (pending.size) await Promise.allSettled([...pending]);
    await hits.settled();
  };
  app.decorate('analyticsSettled', settled);
  // The hits still waiting are written before the database closes (it closes after the app).
  app.addHook('onClose', settled);

  app.addHook('onResponse', (request, reply, done) => {
    done();
    const kind = kindOf(request, reply);
    if (kind === null || isBot(String(request.headers['user-agent'] ?? ''))) return;
    const work = record(request, kind).catch((err: unknown) => {
      request.log.warn({ code: (err as { code?: string }).code ?? (err as Error).name }, 'could not record site use');
    });
    pending.add(work);
    void work.finally(() => pending.delete(work));
  });
};
(analyticsHook as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
