// Choices a shop makes about its data map at start, without editing the map (decision 0080). The
// seeds disagree on offers: one sends them until the customer opts out, another only with consent.
// The map declares the purpose as it stands by default (legitimate interest with an opt-out); a
// shop whose policy wants consent names the purpose here (OFFERS_CONSENT=opt-in names `offers`)
// and the kernel runs on a map where that purpose needs a current grant: no ledger entry is a no.
// Everything reads this one map (reads, audiences, the privacy centre, the published policy and
// the fides document), so what the shop does and what it says cannot disagree.
import { PrivacySetupError } from '../refusals.ts';
import type { DataMap, Purpose } from './types.ts';

/** The map with each named opt-out purpose turned into a consent purpose. */
export function withConsentRequired(map: DataMap, purposes: readonly string[]): DataMap {
  if (purposes.length === 0) return map;
  const changed = new Map<string, Purpose>(map.purposes);
  for (const id of purposes) {
    const p = map.purposes.get(id);
    if (!p) throw new PrivacySetupError(`The data map declares no purpose ${id} to run on consent.`);
    if (p.legalBasis !== 'legitimate_interest' || !p.optOut) {
      throw new PrivacySetupError(`The purpose ${id} is not a legitimate-interest purpose with an opt-out, so it cannot be switched to consent.`);
    }
    // Data held from before the purpose's `since` needs a grant too: the opt-out window is for opt-out purposes only.
    changed.set(id, { ...p, legalBasis: 'consent', optOut: false, priorData: { choice: 'consent' } });
  }
  return { ...map, purposes: changed };
}
