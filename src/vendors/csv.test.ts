import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csvCell, csvRow } from './csv.ts';

test('csv cells are quoted, quotes doubled, and a cell a spreadsheet would run as a formula stays text', () => {
  assert.equal(csvCell('Grace Hopper'), '"Grace Hopper"');
  assert.equal(csvCell('say "hi", then go'), '"say ""hi"", then go"');
  for (const formula of ['=HYPERLINK("http://evil.example","x")', '+1 212 555 0142', '-2+3', '@SUM(A1)', '\t=1', '\r=1']) {
    const cell = csvCell(formula);
    assert.ok(cell.startsWith(`"'`), `${JSON.stringify(formula)} becomes ${cell}`);
  }
  assert.equal(csvCell(12900), '"12900"');
  assert.equal(csvCell(null), '""');
  assert.equal(csvRow(['a', 'b\nc']), '"a","b\nc"\r\n');
});
