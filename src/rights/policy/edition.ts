// Which policy versions are published, and what one of them covers. A version is published once
// its effective date has come; before that it is neither shown nor listed. Purposes record the
// version that introduced them (`since`), so an older version covers only the purposes, the
// recipients serving them and the retention rules about them that existed then.
import type { DataMap, PolicyVersion, Purpose, Recipient, RetentionRule } from '../../privacy/index.ts';

export interface PolicyEdition {
  /** The version this text is. */
  version: PolicyVersion;
  /** The version in force now. */
  current: PolicyVersion;
  /** The version that replaced this one; null when this one is in force. */
  supersededBy: PolicyVersion | null;
  /** Published versions up to and including this one, oldest first. */
  history: readonly PolicyVersion[];
  /** The map's first version: purposes since then need no "added in" note. */
  first: PolicyVersion;
  purposes: readonly Purpose[];
  recipients: readonly Recipient[];
  retentionRules: readonly RetentionRule[];
}

/** Versions whose effective date has come, oldest first. */
export function publishedVersions(map: DataMap, now: Date): PolicyVersion[] {
  return map.policyVersions.filter((v) => v.effective <= now);
}

/** The policy as `version` stated it (default: the version in force); null when that is not published. */
export function policyEdition(map: DataMap, now: Date, version?: string): PolicyEdition | null {
  const published = publishedVersions(map, now);
  const index = version === undefined ? published.length - 1 : published.findIndex((v) => v.version === version);
  const shown = published[index];
  if (!shown) return null;
  const inForce = new Set(published.slice(0, index + 1).map((v) => v.version));
  const purposes = [...map.purposes.values()].filter((p) => inForce.has(p.since));
  const purposeIds = new Set(purposes.map((p) => p.id));
  return {
    version: shown,
    current: published.at(-1)!,
    supersededBy: published[index + 1] ?? null,
    history: published.slice(0, index + 1),
    first: map.policyVersions[0]!,
    purposes,
    recipients: [...map.recipients.values()].filter((r) => [...r.purposes].some((p) => purposeIds.has(p))),
    retentionRules: map.retention.rules.filter((r) => r.purpose === '*' || purposeIds.has(r.purpose)),
  };
}
