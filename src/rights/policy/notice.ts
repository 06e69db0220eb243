// The site-wide notice of a policy change (P003-23, P004-19, P004-23): for POLICY_NOTICE_DAYS from
// a version's effective date, every page's layout says the policy changed, when and how, and links
// it. Computed from the loaded data map and the clock: no query per page.
import type { DataMap } from '../../privacy/index.ts';
import type { SiteNotice } from '../../web/layout.ts';
import { publishedVersions } from './edition.ts';

const DAY_MS = 86_400_000;

/** The notice to show at `now`: the newest published version while it is within `days` of its date. */
export function policyNotice(map: DataMap, now: Date, days: number): SiteNotice | undefined {
  const current = publishedVersions(map, now).at(-1);
  if (!current || now.getTime() - current.effective.getTime() >= days * DAY_MS) return undefined;
  return { lead: 'Our privacy policy changed on', day: current.effective, summary: current.summary, href: '/privacy#changes', link: 'read it' };
}
