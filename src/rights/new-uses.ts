// Notices of a new use (P001-08, P004-21, decision 0053): a purpose a later policy version added
// reaches data collected before only after the person was told. This job tells each person once
// per purpose (the kernel picks them and records the date in the same statement: active people
// only, so a deactivated or deleted person is never told nor their data used) and mails them the
// choice: agree now, or turn it off, in the privacy centre. Not marketing: the mail goes under
// `account` and carries no unsubscribe link.
import type { Db } from '../platform/db/database.ts';
import type { PrivacyKernel } from '../privacy/index.ts';
import { systemActor } from '../privacy/index.ts';
import { queueRightsMail } from './mail.ts';

export const NEW_USES_JOB = 'rights.new-use-notices';
const ACTOR = systemActor(NEW_USES_JOB);
const PAGE = 200;

/** Tells every person not told yet of each purpose newer than some of their data; returns how many were told. */
export async function sendNewUseNotices(deps: { kernel: PrivacyKernel; publicUrl: string }, db: Db): Promise<number> {
  const map = deps.kernel.map;
  const first = map.policyVersions[0]?.version;
  let told = 0;
  for (const purpose of map.purposes.values()) {
    if (purpose.since === first) continue;
    const version = map.policyVersions.find((v) => v.version === purpose.since);
    const window = purpose.priorData.choice === 'opt-out-window' ? String(purpose.priorData.days) : '';
    for (;;) {
      const page = await db.transaction().execute(async (trx) => {
        const subjects = await deps.kernel.claimNewUseNotices(trx, { actor: ACTOR, purpose: purpose.id, limit: PAGE });
        for (const subject of subjects) {
          await queueRightsMail(trx, {
            template: 'rights.new-use',
            subject,
            purpose: 'account',
            params: {
              use: purpose.name,
              description: purpose.description,
              version: purpose.since,
              effective: version ? version.effective.toISOString().slice(0, 10) : '',
              window,
              choices: `${deps.publicUrl}/account/privacy#choices`,
              policy: `${deps.publicUrl}/privacy#purpose-${purpose.id}`,
            },
            idempotencyKey: `${NEW_USES_JOB}:${purpose.id}:${subject}`,
          });
        }
        return subjects.length;
      });
      told += page;
      if (page < PAGE) break;
    }
  }
  return told;
}
