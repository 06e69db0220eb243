import assert from 'node:assert/strict';
import { test } from 'node:test';
import { base32Decode, base32Encode, digestRecoveryCode, matchTotp, newRecoveryCodes, totpCode } from './totp.ts';

test('TOTP codes match the RFC 6238 test vectors (SHA-1, last six digits)', () => {
  const secret = base32Encode(Buffer.from('12345678901234567890'));
  assert.equal(secret, 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
  assert.deepEqual(base32Decode(secret).toString(), '12345678901234567890');
  // Appendix B: 94287082, 07081804, 14050471, 89005924, 69279037, 65353130.
  for (const [time, code] of [
    [59, '287082'],
    [1111111109, '081804'],
    [1111111111, '050471'],
    [1234567890, '005924'],
    [2000000000, '279037'],
    [20000000000, '353130'],
  ] as const) {
    assert.equal(totpCode(secret, Math.floor(time / 30)), code, `T=${time}`);
  }
  const at = new Date(1234567890 * 1000);
  assert.equal(matchTotp(secret, '005924', at, -1), Math.floor(1234567890 / 30));
  assert.equal(matchTotp(secret, '005924', at, Math.floor(1234567890 / 30)), null, 'a used step is refused');
  assert.equal(matchTotp(secret, totpCode(secret, Math.floor(1234567890 / 30) - 2), at, -1), null, 'two steps back is too old');
  assert.equal(matchTotp(secret, '12345', at, -1), null);
  const codes = newRecoveryCodes();
  assert.equal(new Set(codes).size, 10);
  assert.equal(digestRecoveryCode(codes[0]!.toUpperCase().replace('-', ' ')), digestRecoveryCode(codes[0]!), 'typed in any case, with or without the dash');
});
