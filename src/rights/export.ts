// The export (P001-10, P003-25): everything the shop holds about a person, from every module's
// holder, as one document with a documented schema (docs/export-schema.json): the kernel's items
// (decrypted), consents, disclosures, notices and access log, the account, orders, payments,
// saved lists, mail sent and requests. The same document renders as a page to read.
import type { Db } from '../platform/db/database.ts';
import { type Actor, type ExportSection, policyVersionAt } from '../privacy/index.ts';
import { holderContext, type RightsDeps } from './deps.ts';

export const EXPORT_FORMAT = 'custodian-export/1';

export interface ExportDocument {
  format: typeof EXPORT_FORMAT;
  generated_at: string;
  shop: { name: string; url: string; organization: string; policy_url: string; policy_version: string | null };
  sections: (ExportSection & { module: string })[];
}

export async function buildExport(deps: RightsDeps, db: Db, subject: string, actor: Actor): Promise<ExportDocument> {
  const ctx = holderContext(deps, db, actor);
  const sections: ExportDocument['sections'] = [];
  for (const holder of deps.holders()) {
    if (!holder.export) continue;
    for (const section of await holder.export(ctx, subject)) sections.push({ ...section, module: holder.module });
  }
  const map = deps.kernel.map;
  return {
    format: EXPORT_FORMAT,
    generated_at: deps.now().toISOString(),
    shop: {
      name: deps.config.shopName,
      url: deps.config.publicUrl,
      organization: map.organization.legalName,
      policy_url: `${deps.config.publicUrl}/privacy`,
      policy_version: policyVersionAt(map, deps.now())?.version ?? null,
    },
    sections,
  };
}

/** The file name of a download: the shop and the date, nothing about the person. */
export function exportFileName(doc: ExportDocument): string {
  return `${
    doc.shop.name
      .replace(/[^A-Za-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .toLowerCase() || 'shop'
  }-your-data-${doc.generated_at.slice(0, 10)}.json`;
}
