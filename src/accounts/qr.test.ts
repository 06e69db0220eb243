import assert from 'node:assert/strict';
import { test } from 'node:test';
import { qrModules, qrSvg } from './qr.ts';
import { otpauthUri } from './totp.ts';

/** The 15 format bits around the top-left finder (ISO/IEC 18004 §7.9), unmasked: EC level and mask. */
function formatOf(m: boolean[][]): { ecLevel: number; mask: number } {
  const cells: [number, number][] = [
    [8, 0],
    [8, 1],
    [8, 2],
    [8, 3],
    [8, 4],
    [8, 5],
    [8, 7],
    [8, 8],
    [7, 8],
    [5, 8],
    [4, 8],
    [3, 8],
    [2, 8],
    [1, 8],
    [0, 8],
  ];
  const bits = cells.reduce((n, [r, c]) => (n << 1) | (m[r]![c] ? 1 : 0), 0) ^ 0b101010000010010;
  return { ecLevel: bits >> 13, mask: (bits >> 10) & 7 };
}

test('the TOTP enrolment QR code is drawn from the encoder locally: finder patterns, size of its version, level M, an accessible SVG without style', async () => {
  const uri = otpauthUri('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', 'Custodian Demo Shop', 'staff-1234abcd');
  const m = await qrModules(uri);
  const version = (m.length - 17) / 4;
  assert.ok(Number.isInteger(version) && version >= 5 && version <= 10, `a ${m.length}-module code`);
  // The three finder patterns: a dark 7×7 ring with a dark 3×3 centre, at three corners.
  for (const [r0, c0] of [
    [0, 0],
    [0, m.length - 7],
    [m.length - 7, 0],
  ] as const) {
    for (let r = 0; r < 7; r++) {
      for (let c = 0; c < 7; c++) {
        const ring = r === 0 || r === 6 || c === 0 || c === 6;
        const centre = r >= 2 && r <= 4 && c >= 2 && c <= 4;
        assert.equal(m[r0 + r]![c0 + c], ring || centre, `finder at ${r0},${c0} cell ${r},${c}`);
      }
    }
  }
  assert.equal(formatOf(m).ecLevel, 0b00, 'error correction level M');
  // A known vector: "HELLO WORLD" (alphanumeric) at level M fits version 1, 21×21.
  assert.equal((await qrModules('HELLO WORLD')).length, 21);

  const svg = (await qrSvg(uri, 'QR code of your key')).value;
  assert.match(svg, /^<svg [^>]*role="img" aria-labelledby="qr-title"[^>]*><title id="qr-title">QR code of your key<\/title>/);
  assert.doesNotMatch(svg, /style=/);
  const drawn = (svg.match(/h1v1h-1z/g) ?? []).length;
  assert.equal(drawn, m.flat().filter(Boolean).length, 'one square per dark module');
});
