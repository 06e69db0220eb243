// What every page's layout says above its content (src/web/page.ts reads `app.siteNotices()`):
// a recent privacy-policy change (decision 0052) and a planned sale of the shop until its date
// (decision 0053). The policy notice comes from the loaded data map; the sale is a row, read at
// most once a minute per process by a hook (a page is rendered synchronously), so a newly planned
// sale shows everywhere within a minute, as cached storefront pages do anyway.
import type { FastifyPluginAsync } from 'fastify';
import type { Db } from '../platform/db/database.ts';
import type { SiteNotice } from '../web/layout.ts';
import { policyNotice } from './policy/notice.ts';
import { currentTransfer, type Transfer } from './transfer/transfer.ts';

const REREAD_MS = 60_000;

/** The sale's notice while it is ahead (the day itself included), else none. */
export function saleNotice(t: Transfer | null, shopName: string, now: Date): SiteNotice | undefined {
  if (!t || t.transfer_on < now.toISOString().slice(0, 10)) return undefined;
  return {
    lead: `${shopName} passes to ${t.acquirer} on`,
    day: new Date(`${t.transfer_on}T00:00:00Z`),
    summary: t.new_use ? `${t.acquirer} will use customer records differently, and you can choose that yours do not pass` : 'you can choose that your customer record does not pass',
    href: '/privacy#sale-of-the-shop',
    link: 'read more',
  };
}

/** Where the sale's notice is kept between reads: one per app, made by the module's routes. */
export interface SaleNoticeCache {
  notice: SiteNotice | undefined;
  readAt: number;
}

export const saleNoticeCache = (): SaleNoticeCache => ({ notice: undefined, readAt: Number.NEGATIVE_INFINITY });

/** After a sale is planned in this process, the next request reads it again. */
export function forgetSaleNotice(cache: SaleNoticeCache): void {
  cache.readAt = Number.NEGATIVE_INFINITY;
}

export function siteNotices(db: Db, sale: SaleNoticeCache): FastifyPluginAsync {
  const plugin: FastifyPluginAsync = async (app) => {
    const map = app.privacy.map;
    const days = app.config.rights.policyNoticeDays;
    app.addHook('onRequest', (request, _reply, done) => {
      if (Date.now() - sale.readAt < REREAD_MS) return done();
      const readAt = Date.now();
      sale.readAt = readAt;
      currentTransfer(db).then(
        (t) => {
          if (sale.readAt === readAt) sale.notice = saleNotice(t, app.config.shopName, new Date());
          done();
        },
        // A page is still worth showing without the sale's notice; the next minute reads again.
        (err: unknown) => {
          request.log.warn({ err }, 'could not read the planned sale of the shop for the site notice');
          done();
        },
      );
    });
    app.decorate('siteNotices', () => {
      const now = new Date();
      return [policyNotice(map, now, days), sale.notice].filter((n): n is SiteNotice => n !== undefined);
    });
  };
  (plugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
  return plugin;
}
