// The owner's backups page: server-rendered, no JavaScript.
import type { Page } from '../web/page.ts';
import { table } from '../web/table.ts';
import { html } from '../web/template.ts';
import type { RunRow } from './runs.ts';

const utc = (d: Date | null) => (d ? `${new Date(d).toISOString().slice(0, 16).replace('T', ' ')} UTC` : '—');
const size = (bytes: number | null) => (bytes === null ? '—' : bytes >= 1_048_576 ? `${(Number(bytes) / 1_048_576).toFixed(1)} MB` : `${Math.max(1, Math.round(Number(bytes) / 1024))} KB`);

export interface BackupsView {
  dir: string | null;
  intervalHours: number;
  retentionDays: number;
  lastGood: RunRow | null;
  runs: readonly RunRow[];
}

export function backupsPage(v: BackupsView): Page {
  const latest = v.runs[0];
  const failing = latest && latest.outcome === 'failed' ? latest : null;
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
<h2 id="last-good">Last good backup</h2>
${
  v.lastGood
    ? html`<p>${utc(v.lastGood.finished_at)}: <code>${v.lastGood.file_name ?? ''}</code>, ${size(v.lastGood.bytes)}, SHA-256 of its contents <code class="digest">${(v.lastGood.sha256 ?? '').slice(0, 16)}…</code></p>`
    : html`<p>None yet.</p>`
}
<p>A backup holds the database, the product pictures and the download files, encrypted with a key from the keyring. It never holds the keyring: keep a copy of the keyring apart from the backups (<code>custodian backup keyring --to FILE</code>), and replace that copy after people's data is erased.</p>
<h2 id="runs">Recent runs</h2>
${table({
  caption: 'Recent backup runs',
  hideCaption: true,
  columns: [{ label: 'Started' }, { label: 'Outcome' }, { label: 'File' }, { label: 'Size', numeric: true }, { label: 'Old files deleted', numeric: true }],
  rows: v.runs.map((r) => [utc(r.started_at), r.outcome === 'ok' ? 'Good' : `Failed (${r.error_code ?? 'BACKUP_FAILED'})`, r.file_name ?? '—', size(r.bytes), r.pruned]),
  empty: 'No scheduled backup has run yet.',
})}`,
  };
}
