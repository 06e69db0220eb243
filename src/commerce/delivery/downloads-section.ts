// The downloads of an order as an `orderPage` section: to the buyer a fresh signed link per line
// each time the page is shown (their order page, checkout's confirmation page); to staff how many
// units may download and how many were revoked, never a link.
import type { Db } from '../../platform/db/database.ts';
import type { SafeHtml } from '../../web/template.ts';
import { linesOf, type OrderSectionContext } from '../orders/index.ts';
import { downloadPath, downloadsOfOrder, linkExpiry } from './downloads.ts';
import { filesOfVariants } from './files.ts';
import { buyerDownloadsSection, type DownloadLine, staffDownloadsSection } from './pages.ts';

export async function downloadsSection(db: Db, order: { id: string }, context: OrderSectionContext): Promise<SafeHtml | null> {
  const downloads = await downloadsOfOrder(db, order.id);
  if (downloads.length === 0) return null;
  const names = new Map((await linesOf(db, order.id)).map((l) => [l.position, l.name]));
  const files = await filesOfVariants(
    db,
    downloads.map((d) => d.variantId),
  );
  const expires = linkExpiry(new Date(), context.config.downloads.linkDays);
  const byLine = new Map<number, DownloadLine>();
  for (const d of downloads) {
    const line = byLine.get(d.linePosition) ?? { item: names.get(d.linePosition) ?? '', file: files.get(d.variantId) ?? null, valid: 0, revoked: 0, href: null };
    if (d.state === 'valid') {
      line.valid++;
      if (line.href === null && context.reader === 'buyer') line.href = downloadPath(context.kernel, d.id, expires);
    } else line.revoked++;
    byLine.set(d.linePosition, line);
  }
  const lines = [...byLine.values()];
  return context.reader === 'buyer' ? buyerDownloadsSection({ lines, expires }) : staffDownloadsSection({ lines });
}
