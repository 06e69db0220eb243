// "Changes to this policy": the published versions up to this one, newest first.
import { html } from '../../../web/template.ts';
import type { PolicyVersion } from '../../../privacy/index.ts';
import { dateTag } from '../plain-words.ts';
import type { PolicyContext, PolicySection } from '../section.ts';

/** Where a version is read: the policy page itself for the version in force. */
export function versionHref(version: PolicyVersion, current: PolicyVersion): string {
  return version.version === current.version ? '/privacy' : `/privacy/versions/${encodeURIComponent(version.version)}`;
}

export function changesSection({ edition }: PolicyContext): PolicySection {
  return {
    id: 'changes',
    title: 'Changes to this policy',
    body: html`<p>Every change is published as a new version with the date it takes effect; a published version is never edited. A new use of data you gave us earlier needs your agreement first.</p>
<ol class="policy-list" reversed>${[...edition.history]
      .reverse()
      .map(
        (v) =>
          html`<li><a href="${versionHref(v, edition.current)}">Version ${v.version}</a>, in force from ${dateTag(v.effective)}: ${v.summary}${v.material ? ' (A material change: announced by email to those who receive our site news.)' : ''}</li>`,
      )}</ol>
<p><a href="/privacy/versions">All versions</a></p>`,
  };
}
