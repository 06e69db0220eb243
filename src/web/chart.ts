// Simple inline SVG charts for reports: a bar chart and a line chart, drawn on the server (no
// script, nothing loaded, strict CSP: presentation by classes in app.css, no style attributes).
// Each is an image with a <title> and a <desc> (role="img", aria-labelledby); the page shows the
// same figures as a table beside it, which is the accessible version.
import { html, type SafeHtml } from './template.ts';

export interface ChartPoint {
  label: string;
  value: number;
}

export interface ChartSpec {
  /** A unique id on the page (for the title and description ids). */
  id: string;
  title: string;
  /** What the chart shows, in words (read by screen readers with the title). */
  desc: string;
  points: readonly ChartPoint[];
}

const WIDTH = 640;
const HEIGHT = 220;
const PAD = { top: 12, right: 8, bottom: 28, left: 40 };
const round = (n: number) => Math.round(n * 10) / 10;
/** A label under the axis, cut with an ellipsis past 16 characters (the table has it whole). */
const short = (label: string) => (label.length > 16 ? `${label.slice(0, 15)}…` : label);

/** A "nice" top of the axis: 1, 2 or 5 times a power of ten at or above `max`. */
export function axisTop(max: number): number {
  if (max <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * power >= max) return step * power;
  return 10 * power;
}

function frame(spec: ChartSpec, kind: string, top: number, marks: SafeHtml, labels: SafeHtml): SafeHtml {
  const plotBottom = HEIGHT - PAD.bottom;
  return html`<figure class="chart chart-${kind}"><svg class="chart-svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="${spec.id}-title ${spec.id}-desc" preserveAspectRatio="xMinYMin meet">
<title id="${spec.id}-title">${spec.title}</title>
<desc id="${spec.id}-desc">${spec.desc}</desc>
<line class="chart-axis" x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${plotBottom}"></line>
<line class="chart-axis" x1="${PAD.left}" y1="${plotBottom}" x2="${WIDTH - PAD.right}" y2="${plotBottom}"></line>
<text class="chart-tick" x="${PAD.left - 4}" y="${PAD.top + 4}" text-anchor="end">${top}</text>
<text class="chart-tick" x="${PAD.left - 4}" y="${plotBottom}" text-anchor="end">0</text>
${marks}${labels}</svg></figure>`;
}

/** Which labels fit under the axis: about every n-th so no more than `most` show. */
const shownLabel = (i: number, count: number, most = 12) => count <= most || i % Math.ceil(count / most) === 0;

/** Bars, one per point, left to right. */
export function barChart(spec: ChartSpec): SafeHtml {
  const top = axisTop(Math.max(0, ...spec.points.map((p) => p.value)));
  const n = Math.max(1, spec.points.length);
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotW / n;
  const bars = spec.points.map((p, i) => {
    const h = round((Math.max(0, p.value) / top) * plotH);
    return html`<rect class="chart-bar" x="${round(PAD.left + i * slot + slot * 0.15)}" y="${round(HEIGHT - PAD.bottom - h)}" width="${round(slot * 0.7)}" height="${h}"></rect>`;
  });
  const labels = spec.points.map((p, i) =>
    shownLabel(i, n) ? html`<text class="chart-tick" x="${round(PAD.left + i * slot + slot / 2)}" y="${HEIGHT - PAD.bottom + 16}" text-anchor="middle">${short(p.label)}</text>` : '',
  );
  return frame(spec, 'bar', top, html`${bars}`, html`${labels}`);
}

/** A line through the points, left to right (a series over days). */
export function lineChart(spec: ChartSpec): SafeHtml {
  const top = axisTop(Math.max(0, ...spec.points.map((p) => p.value)));
  const n = spec.points.length;
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const x = (i: number) => round(PAD.left + (n <= 1 ? plotW / 2 : (i / (n - 1)) * plotW));
  const y = (v: number) => round(HEIGHT - PAD.bottom - (Math.max(0, v) / top) * plotH);
  const points = spec.points.map((p, i) => `${x(i)},${y(p.value)}`).join(' ');
  const dots = spec.points.map((p, i) => html`<circle class="chart-dot" cx="${x(i)}" cy="${y(p.value)}" r="3"></circle>`);
  const labels = spec.points.map((p, i) => (shownLabel(i, n, 6) ? html`<text class="chart-tick" x="${x(i)}" y="${HEIGHT - PAD.bottom + 16}" text-anchor="middle">${short(p.label)}</text>` : ''));
  return frame(spec, 'line', top, html`<polyline class="chart-line" points="${points}"></polyline>${dots}`, html`${labels}`);
}
