// What every part of the policy page is given, and what it gives back.
import type { RightsSettings } from '../../platform/config.ts';
import type { DataMap } from '../../privacy/index.ts';
import type { SafeHtml } from '../../web/template.ts';
import type { CookieDeclaration } from '../../web/cookies.ts';
import type { PolicyEdition } from './edition.ts';

export interface PolicyContext {
  map: DataMap;
  edition: PolicyEdition;
  rights: RightsSettings;
  /** The cookie inventory: every cookie the shop sets (app.wiring.cookies). */
  cookies: readonly CookieDeclaration[];
  /** ANALYTICS_MIN_COUNT: the site-use report names no value counted fewer times (decision 0084). */
  analyticsMinCount: number;
}

/** One numbered part of the policy: its anchor, its heading and its text. */
export interface PolicySection {
  id: string;
  title: string;
  body: SafeHtml;
}
