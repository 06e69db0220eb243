// The published privacy policy (one edition of it), the list of its versions, and the page shown
// while no version is in force yet.
import type { RightsSettings } from '../../platform/config.ts';
import type { DataMap, PolicyVersion } from '../../privacy/index.ts';
import type { Page } from '../../web/page.ts';
import { html } from '../../web/template.ts';
import type { PolicyEdition } from './edition.ts';
import type { CookieDeclaration } from '../../web/cookies.ts';
import { dateTag } from './plain-words.ts';
import type { PolicyContext, PolicySection } from './section.ts';
import { changesSection, versionHref } from './sections/changes.ts';
import { collectedSection } from './sections/collected.ts';
import { cookiesSection } from './sections/cookies.ts';
import { erasureSection } from './sections/erasure.ts';
import { otherSitesSection } from './sections/other-sites.ts';
import { purposesSection } from './sections/purposes.ts';
import { recipientsSection } from './sections/recipients.ts';
import { residencySection } from './sections/residency.ts';
import { retentionSection } from './sections/retention.ts';
import { rightsSection } from './sections/rights.ts';
import { signalsSection } from './sections/signals.ts';
import { siteUseSection } from './sections/site-use.ts';

function sections(context: PolicyContext): PolicySection[] {
  return [
    collectedSection(context),
    purposesSection(context),
    recipientsSection(context),
    retentionSection(context),
    residencySection(context),
    rightsSection(context),
    erasureSection(context),
    cookiesSection(context),
    signalsSection(context),
    siteUseSection(context),
    otherSitesSection(context),
    changesSection(context),
  ];
}

function supersededNotice(edition: PolicyEdition) {
  const next = edition.supersededBy;
  if (!next) return '';
  return html`<div class="notice">
<p>This is an earlier version of the policy. It was superseded on ${dateTag(next.effective)} by version ${next.version}. <a href="/privacy">Read the policy in force now</a>.</p>
<p>It lists the uses of data, recipients and retention rules as they stood under this version; the rest describes the shop as it is today.</p>
</div>`;
}

export function policyPage(map: DataMap, edition: PolicyEdition, rights: RightsSettings, cookies: readonly CookieDeclaration[], analyticsMinCount: number): Page {
  const parts = sections({ map, edition, rights, cookies, analyticsMinCount });
  const { version } = edition;
  return {
    audience: 'storefront',
    title: edition.supersededBy ? `Privacy policy, version ${version.version}` : 'Privacy policy',
    body: html`<article class="policy">
<header>
<h1>Privacy policy</h1>
<p class="policy-version">${map.organization.legalName} · Version ${version.version}, in force from ${dateTag(version.effective)}</p>
<p><a href="/privacy/versions">Older versions</a></p>
</header>
${supersededNotice(edition)}
<p>This policy says what personal data ${map.organization.legalName} collects through this shop, why, who receives it, how long it is kept, and what you can do about it. It is generated from the same description of the shop’s data that its software enforces, so it says what the shop actually does.</p>
<nav class="policy-contents" aria-label="Contents"><h2>Contents</h2>
<ol>${parts.map((s) => html`<li><a href="#${s.id}">${s.title}</a></li>`)}</ol></nav>
${parts.map(
  (s) => html`<section id="${s.id}"><h2>${s.title}</h2>
${s.body}</section>`,
)}
</article>`,
  };
}

function versionStatus(_v: PolicyVersion, next: PolicyVersion | undefined) {
  return next ? html`superseded on ${dateTag(next.effective)} by version ${next.version}` : 'in force now';
}

export function versionsPage(published: readonly PolicyVersion[]): Page {
  const current = published.at(-1);
  return {
    audience: 'storefront',
    title: 'Privacy policy versions',
    body: html`<article class="policy">
<h1>Privacy policy versions</h1>
<p>Every version of this shop’s privacy policy that has taken effect, newest first. A published version is never edited.</p>
<ol class="policy-list" reversed>${published
      .map((v, i) => html`<li><a href="${versionHref(v, current!)}">Version ${v.version}</a>, in force from ${dateTag(v.effective)}, ${versionStatus(v, published[i + 1])}: ${v.summary}</li>`)
      .reverse()}</ol>
<p><a href="/privacy">The policy in force now</a></p>
</article>`,
  };
}

/** Before the first version takes effect there is nothing to publish but the date it will. */
export function notYetInForcePage(map: DataMap): Page {
  const first = map.policyVersions[0]!;
  return {
    audience: 'storefront',
    title: 'Privacy policy',
    body: html`<article class="policy"><h1>Privacy policy</h1>
<p>The first version of ${map.organization.legalName}’s privacy policy takes effect on ${dateTag(first.effective)}.</p>
<p><a href="/privacy/contact">How to reach the privacy officer</a></p></article>`,
  };
}
