// Privacy kernel commands: the data map as a fides document, the audit chain check, master-key
// rotation. The kernel code lives in src/privacy; these only call it.
import { writeFileSync } from 'node:fs';
import { systemActor } from '../../privacy/actors.ts';
import { sealAuditLog } from '../../privacy/audit/seal.ts';
import { verifyAuditLog } from '../../privacy/audit/verify.ts';
import { fidesYaml } from '../../privacy/datamap/fides-export.ts';
import { loadDataMap } from '../../privacy/datamap/load.ts';
import { startKernel } from '../../privacy/kernel.ts';
import { validationError } from '../../platform/errors.ts';
import type { CliCommand } from '../command.ts';

export const privacyCommands: CliCommand[] = [
  {
    path: ['datamap', 'export'],
    summary: 'Write the data map as a fideslang system/dataset document (YAML)',
    flags: {
      format: { type: 'string', description: 'Output format; only fides', value: '<format>', required: true },
      out: { type: 'string', description: 'File to write; default: print it', value: '<file>' },
    },
    fieldNames: { format: '--format' },
    async run(ctx, args) {
      if (args.flags.format !== 'fides') throw validationError('format', 'must be fides');
      const yaml = fidesYaml(loadDataMap(ctx.config.datamapDir));
      const out = args.flags.out;
      if (typeof out === 'string') {
        writeFileSync(out, yaml);
        return { data: { written: out }, text: `Wrote the fides declaration to ${out}.` };
      }
      return { data: { yaml }, text: yaml.trimEnd() };
    },
  },
  {
    path: ['audit', 'verify'],
    summary: 'Check every link of the audit chain and report the first broken one (exit 1 if broken)',
    flags: { seal: { type: 'boolean', description: 'Seal waiting entries first (as the sealer job does)' } },
    async run(ctx, args) {
      if (args.flags.seal) await sealAuditLog(ctx.db);
      const report = await verifyAuditLog(ctx.db);
      const lines = [
        `Sealed entries: ${report.sealed}${report.head ? ` (head ${report.head.seq}: ${report.head.hash})` : ''}`,
        `Waiting to be sealed: ${report.pending}${report.oldestPendingSeconds !== null ? `, oldest ${report.oldestPendingSeconds}s` : ''}`,
      ];
      if (report.sealLagAlert) lines.push('WARNING: entries have waited too long; is the worker (sealer job) running?');
      if (report.firstBroken) {
        const b = report.firstBroken;
        throw new Error(`the audit chain is BROKEN at ${b.seq !== null ? `link ${b.seq}` : 'an unsealed entry'}${b.entryId !== null ? ` (entry ${b.entryId})` : ''}: ${b.problem}\n${lines.join('\n')}`);
      }
      lines.push('The audit chain verifies: every link and entry is intact.');
      return { data: report, text: lines.join('\n') };
    },
  },
  {
    path: ['keyring', 'rotate'],
    summary: 'Make a new master key active and re-wrap every data key under it (data is not touched)',
    async run(ctx) {
      const kernel = await startKernel({ db: ctx.db, datamapDir: ctx.config.datamapDir, keyringPath: ctx.config.keyringPath, region: ctx.config.dataRegion });
      const result = await kernel.rotateMasterKey(ctx.db, systemActor('cli.keyring-rotate'));
      return { data: result, text: `Master key ${result.keyId} is active; ${result.rewrapped} data key(s) re-wrapped.` };
    },
  },
];
