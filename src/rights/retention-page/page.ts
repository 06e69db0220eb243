// What the retention engine purges, for the privacy officer (/staff/dpo/retention, decision 0065):
// every store the modules declare with its data-map category and purpose, the period the map gives
// it and the map's reason, and the engine's latest runs with what each purged per store.
import { type DataMap, KERNEL_ITEMS, type NamedRetentionStore, RETENTION_JOB, type RetentionRun, retentionDays, ruleOf } from '../../privacy/index.ts';
import type { Page } from '../../web/page.ts';
import { table } from '../../web/table.ts';
import { html, type SafeHtml } from '../../web/template.ts';
import { categoryLabel, daysInWords } from '../policy/plain-words.ts';

const time = (at: Date): SafeHtml => html`<time datetime="${at.toISOString()}">${at.toISOString().slice(0, 16).replace('T', ' ')} UTC</time>`;

function storeRow(map: DataMap, store: NamedRetentionStore): (SafeHtml | string)[] {
  const category = map.categories.get(store.category);
  const purpose = map.purposes.get(store.purpose);
  const period = retentionDays(map, store.category, store.purpose);
  const reason = ruleOf(map, store) === 'rule' ? period.reason : html`The map’s default: ${period.reason} ${store.defaultReason ?? ''}`;
  return [
    html`<code>${store.name}</code><br>${store.description}`,
    html`${category ? categoryLabel(category) : store.category} <code>${store.category}</code>`,
    html`${purpose ? purpose.name : store.purpose} <code>${store.purpose}</code>`,
    html`${daysInWords(period.days)}${store.action === 'anonymise' ? ', then anonymised' : ''}`,
    reason,
  ];
}

function runRow(run: RetentionRun): (SafeHtml | string)[] {
  const done = run.stores.filter((s) => s.rows > 0);
  return [
    html`Run ${run.id}`,
    time(run.startedAt),
    run.finishedAt ? `${Math.max(0, run.finishedAt.getTime() - run.startedAt.getTime()).toLocaleString('en-US')} ms` : 'running',
    run.outcome === 'failed'
      ? html`<strong>failed</strong>: ${run.stores
          .filter((s) => s.failed)
          .map((s) => s.store)
          .join(', ')}`
      : run.outcome,
    done.length
      ? html`<ul class="policy-list">${done.map((s) => html`<li><code>${s.store}</code>: ${s.rows.toLocaleString('en-US')} ${s.action === 'anonymise' ? 'anonymised' : 'purged'} in ${s.batches.toLocaleString('en-US')} batches</li>`)}</ul>`
      : 'nothing was due',
  ];
}

export function retentionPage(map: DataMap, stores: readonly NamedRetentionStore[], runs: readonly RetentionRun[]): Page {
  return {
    audience: 'dpo',
    title: 'Retention',
    body: html`<article class="officer">
<header>
<h1>Retention</h1>
<p>One job, <code>${RETENTION_JOB}</code>, every five minutes, deletes what the data map says is past its time: every store below, with the period the map gives its category and purpose, and the kernel’s encrypted items (<code>${KERNEL_ITEMS}</code>), each of which carries its own end, set from the map when it was written. It works in batches, each its own short transaction, so checkout never waits behind it.</p>
<p class="no-print"><a href="/staff/dpo/datamap">The data map</a> · <a href="/staff/dpo">Privacy officer’s console</a></p>
</header>
<section aria-labelledby="stores-title"><h2 id="stores-title">What is kept, and for how long</h2>
${table({
  caption: 'Stores the modules declare',
  columns: [{ label: 'Store' }, { label: 'Category' }, { label: 'Purpose' }, { label: 'Kept' }, { label: 'Why' }],
  rows: stores.map((s) => storeRow(map, s)),
  empty: 'No module declares a store.',
})}
</section>
<section aria-labelledby="runs-title"><h2 id="runs-title">Latest runs</h2>
${table({
  caption: 'Runs of the retention engine, newest first',
  columns: [{ label: 'Run' }, { label: 'Started' }, { label: 'Took' }, { label: 'Outcome' }, { label: 'Purged' }],
  rows: runs.map(runRow),
  empty: 'The engine has not run yet.',
})}
</section>
</article>`,
  };
}
