// Privacy kernel commands: the data map as a fides document, the audit chain check (against the
// anchor outside the database), master-key rotation, and finishing erasures after a restore. The
// kernel code lives in src/privacy; these only call it.
import { writeFileSync } from 'node:fs';
import { privacyOfficerActor } from '../../accounts/index.ts';
import { systemActor, anchorPathFor, reanchorReasons, sealAuditLog, verifyAuditLog, type VerifyReport, fidesYaml, kernelSettings, loadShopDataMap, startKernel } from '../../privacy/index.ts';
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
    // The map is the shop's files and settings, not its database: it exports while a PGlite shop
    // holds its data folder.
    needsDatabase: false,
    needsSettings: true,
    async run(ctx, args) {
      if (args.flags.format !== 'fides') throw validationError('format', 'must be fides');
      const yaml = fidesYaml(loadShopDataMap(ctx.config));
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
    summary: 'Check every link of the audit chain, and its head against the anchor outside the database; report the first broken one (exit 1 if broken)',
    flags: {
      seal: { type: 'boolean', description: 'Seal waiting entries first (as the sealer job does)' },
      're-anchor': {
        type: 'boolean',
        description: 'The privacy officer accepts the chain as it stands (after a restore, a lost anchor, an investigated incident): recorded in the chain, then anchored',
      },
      dpo: { type: 'string', value: '<email>', description: 'With --re-anchor: the sign-in email of the privacy officer (staff role dpo) doing it' },
      code: { type: 'string', value: '<code>', description: "With --re-anchor: a code from the privacy officer's authenticator app (or one of their recovery codes)" },
      reason: { type: 'string', value: '<reason>', description: `With --re-anchor: one of ${reanchorReasons.join(', ')}` },
      case: { type: 'string', value: '<reference>', description: 'With --re-anchor: the case or ticket reference (required for an incident)' },
    },
    fieldNames: { reason: '--reason', case: '--case', dpo: '--dpo', code: '--code' },
    async run(ctx, args) {
      const anchorPath = anchorPathFor(ctx.config.keyringPath);
      if (args.flags.seal) await sealAuditLog(ctx.db, { anchorPath });
      if (args.flags['re-anchor']) {
        const { dpo, reason } = args.flags;
        if (typeof dpo !== 'string' || !dpo) throw validationError('dpo', "is required with --re-anchor: re-anchoring is the privacy officer's act");
        if (typeof reason !== 'string' || !reason) throw validationError('reason', `is required with --re-anchor: one of ${reanchorReasons.join(', ')}`);
        const code = args.flags.code;
        if (typeof code !== 'string' || !code) throw validationError('code', "is required with --re-anchor: a code from the privacy officer's authenticator app (or a recovery code)");
        const kernel = await startKernel({ db: ctx.db, ...kernelSettings(ctx.config) });
        const actor = await ctx.db.transaction().execute((trx) => privacyOfficerActor(kernel, trx, { email: dpo, code, now: new Date() }));
        const done = await kernel.reanchorAudit(ctx.db, {
          actor,
          reason,
          ...(typeof args.flags.case === 'string' ? { caseRef: args.flags.case } : {}),
        });
        await kernel.flush();
        const old = done.previous;
        return {
          data: done,
          text: [
            `Recorded in the audit chain (${reason}; the anchor was ${done.situation}) and anchored at link ${done.head.seq}: ${done.head.hash}.`,
            old ? `The previous anchor (link ${old.seq}: ${old.hash}, recorded ${old.anchoredAt}) is replaced.` : 'There was no anchor before.',
          ].join('\n'),
        };
      }
      const report = await verifyAuditLog(ctx.db, new Date(), { anchorPath });
      const lines = chainLines(report);
      lines.push(
        report.anchor
          ? `Anchor ${report.anchor.path}: link ${report.anchor.seq} recorded ${report.anchor.anchoredAt}${report.anchor.matches ? ', matches the database' : ''}`
          : report.sealed
            ? `Anchor ${anchorPath}: MISSING`
            : `Anchor ${anchorPath}: none yet (the sealer writes it when it seals the first link)`,
      );
      if (report.firstBroken) throw brokenError(report, lines);
      lines.push('The audit chain verifies: every link and entry is intact.');
      return { data: report, text: lines.join('\n') };
    },
  },
  {
    path: ['erasures', 'reconcile'],
    summary: 'After restoring a database backup: finish the erasures the keyring made after that backup was taken',
    async run(ctx) {
      // Starting the kernel already reconciles; say how many it finished.
      const kernel = await startKernel({
        db: ctx.db,
        ...kernelSettings(ctx.config),
        reconcileErasures: false,
      });
      const completed = await kernel.reconcileErasures(ctx.db);
      return {
        data: { completed },
        text: completed ? `Completed ${completed} erasure(s) the restored database predated.` : 'Nothing to do: the database agrees with the keyring.',
      };
    },
  },
  {
    path: ['keyring', 'rotate'],
    summary: 'Make a new master key active and re-wrap every data key under it (data is not touched)',
    async run(ctx) {
      const kernel = await startKernel({ db: ctx.db, ...kernelSettings(ctx.config) });
      const result = await kernel.rotateMasterKey(ctx.db, systemActor('cli.keyring-rotate'));
      return { data: result, text: `Master key ${result.keyId} is active; ${result.rewrapped} data key(s) re-wrapped.` };
    },
  },
  {
    path: ['keyring', 'rewrap'],
    summary: 'Finish an interrupted rotation: re-wrap every data key still under a retired master key',
    async run(ctx) {
      const kernel = await startKernel({ db: ctx.db, ...kernelSettings(ctx.config) });
      const result = await kernel.rewrapDataKeys(ctx.db, systemActor('cli.keyring-rewrap'));
      return { data: result, text: `${result.rewrapped} data key(s) re-wrapped under master key ${result.keyId}.` };
    },
  },
  ...['keyring', 'keys'].map(
    (word): CliCommand => ({
      path: [word, 'drop'],
      summary: 'After a rotation has completed: zero and forget the retired master keys (backups made before it can no longer be read)',
      async run(ctx) {
        const kernel = await startKernel({ db: ctx.db, ...kernelSettings(ctx.config) });
        const { dropped } = await kernel.dropRetiredMasterKeys(ctx.db, systemActor('cli.keyring-drop'));
        await kernel.close();
        return {
          data: { dropped },
          text: dropped.length ? `Dropped ${dropped.length} retired master key(s): ${dropped.join(', ')}.` : 'Nothing to drop: no master key is retired.',
        };
      },
    }),
  ),
];

function chainLines(report: VerifyReport): string[] {
  const lines = [
    `Sealed entries: ${report.sealed}${report.head ? ` (head ${report.head.seq}: ${report.head.hash})` : ''}`,
    `Waiting to be sealed: ${report.pending}${report.oldestPendingSeconds !== null ? `, oldest ${report.oldestPendingSeconds}s` : ''}`,
  ];
  if (report.sealLagAlert) lines.push('WARNING: entries have waited too long; is the worker (sealer job) running?');
  return lines;
}

function brokenError(report: VerifyReport, lines: string[]): Error {
  const b = report.firstBroken!;
  const where = b.seq !== null ? ` at link ${b.seq}` : b.entryId !== null ? ' at an unsealed entry' : '';
  return new Error(`the audit chain is BROKEN${where}${b.entryId !== null ? ` (entry ${b.entryId})` : ''}: ${b.problem}\n${lines.join('\n')}`);
}
