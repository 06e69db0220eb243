// Questions about the data map that several parts of the kernel ask.
import type { DataMap, PolicyVersion } from './types.ts';

/** The policy version in force at `at` (the latest one whose effective date has come). */
export function policyVersionAt(map: DataMap, at: Date): PolicyVersion | null {
  let found: PolicyVersion | null = null;
  for (const v of map.policyVersions) if (v.effective <= at) found = v;
  return found;
}

/** Position of a version in publication order (0 = oldest); -1 when unknown. */
export function policyOrder(map: DataMap, version: string): number {
  return map.policyVersions.findIndex((v) => v.version === version);
}

/** How many days an item of `category` collected for `purpose` is kept (most specific rule wins). */
export function retentionDays(map: DataMap, category: string, purpose: string): { days: number; reason: string } {
  const rules = map.retention.rules;
  const rule =
    rules.find((r) => r.category === category && r.purpose === purpose) ??
    rules.find((r) => r.category === '*' && r.purpose === purpose) ??
    rules.find((r) => r.category === category && r.purpose === '*');
  return rule ? { days: rule.days, reason: rule.reason } : { days: map.retention.defaultDays, reason: map.retention.defaultReason };
}
