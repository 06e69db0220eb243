// Check 7: the audit chain, verified as `custodian audit verify` does (every link, the anchor).
import { anchorPathFor, verifyAuditLog } from '../../privacy/index.ts';
import type { Check, Finding } from '../findings.ts';

const ID = 'audit';

export const auditCheck: Check = {
  id: ID,
  title: 'The audit chain verifies (every link, and its head against the anchor file)',
  async run({ config, db, now }) {
    const report = await verifyAuditLog(db, now, { anchorPath: anchorPathFor(config.keyringPath) });
    const out: Finding[] = [];
    if (report.firstBroken) {
      const b = report.firstBroken;
      out.push({
        check: ID,
        severity: 'high',
        title: 'The audit chain is broken',
        detail: `${b.seq !== null ? `At link ${b.seq}` : 'At an unsealed entry'}${b.entryId !== null ? ` (entry ${b.entryId})` : ''}: ${b.problem}.`,
        fix: 'Treat it as an incident: run `custodian audit verify`, find out who changed the log, and have the privacy officer re-anchor only after the investigation.',
      });
    }
    if (report.sealLagAlert)
      out.push({
        check: ID,
        severity: 'medium',
        title: 'Audit entries wait too long to be sealed',
        detail: `${report.pending} entries are not sealed, the oldest for ${report.oldestPendingSeconds} seconds.`,
        fix: 'Check that a worker runs (RUN_WORKER or `npm run worker`) and that the privacy.seal job is not dead (`custodian jobs dead`).',
      });
    return out;
  },
};
