// Blind indexes: exact lookup of a declared field (email, phone, bank account) without storing
// it. The digest is HMAC-SHA256 under a per-category key derived from the keyring's blind-index
// key, which is separate from the encryption keys. Without that key a digest cannot be tested
// against guesses; no plain hash and no global salt are used.
import { createHmac } from 'node:crypto';
import type { BlindIndexNormaliser } from '../datamap/types.ts';

export function normalise(kind: BlindIndexNormaliser, value: string): string {
  const v = value.normalize('NFKC').trim();
  switch (kind) {
    case 'email':
      return v.toLowerCase();
    case 'phone': {
      const digits = v.replace(/\D/g, '');
      return v.startsWith('+') ? `+${digits}` : digits;
    }
    case 'bank_account':
      return v.replace(/[\s-]/g, '').toUpperCase();
    case 'exact':
      return v;
  }
}

export class BlindIndexer {
  readonly #key: Buffer;
  readonly #categoryKeys = new Map<string, Buffer>();

  constructor(key: Buffer) {
    this.#key = key;
  }

  digest(category: string, kind: BlindIndexNormaliser, value: string): Buffer {
    let categoryKey = this.#categoryKeys.get(category);
    if (!categoryKey) {
      categoryKey = createHmac('sha256', this.#key).update(`custodian/blind-index/v1/${category}`).digest();
      this.#categoryKeys.set(category, categoryKey);
    }
    return createHmac('sha256', categoryKey).update(normalise(kind, value), 'utf8').digest();
  }
}
