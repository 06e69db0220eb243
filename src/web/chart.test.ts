// The report charts: accessible images drawn from the figures, escaped, scaled to a round top.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { axisTop, barChart, lineChart } from './chart.ts';

test('a bar chart is an image named by its title and description, one bar per point, scaled to a round top', () => {
  const svg = barChart({
    id: 'c1',
    title: 'Requests by hour',
    desc: 'Most at 10:00 <UTC>',
    points: [
      { label: '09', value: 3 },
      { label: '10', value: 7 },
      { label: '11', value: 0 },
    ],
  }).value;
  assert.match(svg, /<svg [^>]*role="img" aria-labelledby="c1-title c1-desc"/);
  assert.match(svg, /<title id="c1-title">Requests by hour<\/title>/);
  assert.match(svg, /<desc id="c1-desc">Most at 10:00 &lt;UTC&gt;<\/desc>/, 'text is escaped');
  assert.equal(svg.match(/<rect class="chart-bar"/g)?.length, 3);
  assert.match(svg, />10<\/text>/, 'the axis top is 10 for a largest value of 7');
  assert.doesNotMatch(svg, /style=|<script/, 'no inline style or script (strict CSP)');
});

test('a line chart draws a polyline through every point; empty and single series do not break', () => {
  const svg = lineChart({
    id: 'c2',
    title: 'Visits by day',
    desc: 'd',
    points: [
      { label: '2026-01-01', value: 2 },
      { label: '2026-01-02', value: 5 },
    ],
  }).value;
  assert.match(svg, /<polyline class="chart-line" points="[\d.]+,[\d.]+ [\d.]+,[\d.]+"/);
  assert.equal(svg.match(/<circle /g)?.length, 2);
  assert.match(lineChart({ id: 'c3', title: 't', desc: 'd', points: [] }).value, /<svg /);
  assert.match(barChart({ id: 'c4', title: 't', desc: 'd', points: [{ label: 'x', value: 0 }] }).value, /height="0"/);
  assert.deepEqual([axisTop(0), axisTop(1), axisTop(3), axisTop(12), axisTop(100), axisTop(101)], [1, 1, 5, 20, 100, 200]);
});
