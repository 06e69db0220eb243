// The owner's backups page: server-rendered, no JavaScript.
import type { Page } from '../web/page.ts';
import { table } from '../web/table.ts';
import { html } from '../web/template.ts';
import { COPY_ATTEMPTS, nextCopyTry, type RunRow } from './runs.ts';

const utc = (d: Date | null) => (d ? `${new Date(d).toISOString().slice(0, 16).replace('T', ' ')} UTC` : '—');
const size = (bytes: number | null) => (bytes === null ? '—' : bytes >= 1_048_576 ? `${(Number(bytes) / 1_048_576).toFixed(1)} MB` : `${Math.max(1, Math.round(Number(bytes) / 1024))} KB`);

export interface BackupsView {
  dir: string | null;
  intervalHours: number;
  retentionDays: number;
  /** Whether BACKUP_COPY_COMMAND is set (its text is never shown: it may hold credentials). */
  copies: boolean;
  lastGood: RunRow | null;
  runs: readonly RunRow[];
}

const copyCell = (r: RunRow) =>
  r.copy_outcome === 'copied'
    ? `Copied ${utc(r.copied_at)}`
    : r.copy_outcome === 'failed'
      ? `Copy failed (${r.copy_error_code ?? 'COPY_FAILED'})${r.copy_attempts > 1 ? `, ${r.copy_attempts} tries` : ''}`
      : r.copy_outcome === 'pending'
        ? 'Copying (no result yet)'
        : r.outcome === 'ok'
          ? 'Not copied: no BACKUP_COPY_COMMAND'
          : '—';

/** What happens next to a failed copy: the schedule's next try, or that it stopped trying. */
function copyRetryText(r: RunRow, copies: boolean): string {
  if (!copies) return '';
  const next = nextCopyTry(r.copy_attempts, new Date(r.copy_tried_at ?? r.finished_at));
  return next
    ? `The worker tries again from ${utc(next)} (try ${r.copy_attempts + 1} of ${COPY_ATTEMPTS}).`
    : `It was tried ${r.copy_attempts} times and is not tried again; the next backup is copied as usual.`;
}

export function backupsPage(v: BackupsView): Page {
  const latest = v.runs[0];
  const failing = latest && latest.outcome === 'failed' ? latest : null;
  const notCopied = latest && latest.outcome === 'ok' && latest.copy_outcome === 'failed' ? latest : null;
  return {
    audience: 'staff',
    title: 'Backups',
    body: html`<h1>Backups</h1>
${
  v.dir
    ? html`<p>The worker writes an encrypted backup every ${v.intervalHours} h to <code>${v.dir}</code> and deletes backups older than ${v.retentionDays} days.</p>`
    : html`<p class="notice" role="status">Scheduled backups are off: set <code>BACKUP_DIR</code> to a folder of its own. <code>custodian backup</code> takes one by hand.</p>`
}
${failing ? html`<p class="notice" role="alert"><strong>The last backup failed</strong> at ${utc(failing.started_at)} (${failing.error_code ?? 'BACKUP_FAILED'}); see the shop's log.</p>` : ''}
${notCopied ? html`<p class="notice" role="alert"><strong>The last backup was not copied off this machine</strong>: BACKUP_COPY_COMMAND failed at ${utc(notCopied.copy_tried_at ?? notCopied.finished_at)} (${notCopied.copy_error_code ?? 'COPY_FAILED'}). ${copyRetryText(notCopied, v.copies)} The backup itself is good and stays in its folder; nothing was deleted. The command's output is not logged: run it by hand with <code>CUSTODIAN_BACKUP_FILE</code> set to that file to see why.</p>` : ''}
<h2 id="off-machine">Copies off this machine</h2>
${
  v.copies
    ? html`<p>After each backup, scheduled or by hand, the shop runs <code>BACKUP_COPY_COMMAND</code> to copy the file elsewhere. That is safe: the file is encrypted and holds no key, so whoever stores it cannot read it. The keyring is never sent by that command; keep its copy in another place. The copies there are not deleted by the shop: delete them after ${v.retentionDays} days too (the privacy policy states that period).</p>`
    : html`<p class="notice" role="status">Backups stay on this machine, and are lost with its disk. Set <code>BACKUP_COPY_COMMAND</code> (for example <code>rclone copy "$CUSTODIAN_BACKUP_FILE" remote:shop-backups</code>) to copy each one elsewhere: the file is encrypted and holds no key, so that is safe.</p>`
}
<h2 id="last-good">Last good backup</h2>
${
  v.lastGood
    ? html`<p>${utc(v.lastGood.finished_at)} (${v.lastGood.origin === 'by_hand' ? 'by hand' : 'scheduled'}): <code>${v.lastGood.folder ? `${v.lastGood.folder}/` : ''}${v.lastGood.file_name ?? ''}</code>, ${size(v.lastGood.bytes)}, SHA-256 of its contents <code class="digest">${(v.lastGood.sha256 ?? '').slice(0, 16)}…</code>; ${copyCell(v.lastGood).replace(/^./, (c) => c.toLowerCase())}.</p>`
    : html`<p>None yet.</p>`
}
<p>A backup holds the database, the product pictures and the download files, encrypted with a key from the keyring. It never holds the keyring: keep a copy of the keyring apart from the backups (<code>custodian backup keyring --to FILE</code>), and replace that copy after people's data is erased.</p>
<h2 id="runs">Recent runs</h2>
${table({
  caption: 'Recent backup runs',
  hideCaption: true,
  columns: [
    { label: 'Started' },
    { label: 'Taken' },
    { label: 'Outcome' },
    { label: 'File' },
    { label: 'Size', numeric: true },
    { label: 'Copy off this machine' },
    { label: 'Old files deleted', numeric: true },
  ],
  rows: v.runs.map((r) => [
    utc(r.started_at),
    r.origin === 'by_hand' ? 'By hand (custodian backup)' : 'Scheduled',
    r.outcome === 'ok' ? 'Good' : `Failed (${r.error_code ?? 'BACKUP_FAILED'})`,
    r.file_name ? html`<code>${r.folder ? `${r.folder}/` : ''}${r.file_name}</code>` : '—',
    size(r.bytes),
    copyCell(r),
    r.pruned,
  ]),
  empty: 'No backup has run yet.',
})}`,
  };
}
