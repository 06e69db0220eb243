// The keyring file (KEYRING_PATH, default DATA_DIR/keyring.json): the secrets that live outside
// the database. It holds the master keys (which wrap every subject's data key), the versioned
// blind-index keys (blind-index-keys.ts), and the shredder (see shredder.ts) whose punctures make
// erasure reach old backups too.
//
// Created on first start with 0600 permissions; start refuses when others can read it. Every
// change (erasure, key rotation) is a locked read-modify-write followed by an atomic
// rename, so several processes sharing the file never lose each other's changes, and a process
// notices another's change (a new mtime) before it derives a subject's secret.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, statSync, writeSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomically, withFileLock } from '../files.ts';
import { PrivacySetupError } from '../refusals.ts';
import { activeBlindIndexKey, destroyBlindIndexKey, newBlindIndexKeys, parseBlindIndexKeys, rotateBlindIndexKeys, serialiseBlindIndexKeys, type BlindIndexKey } from './blind-index-keys.ts';
import { open, seal } from './envelope.ts';
import { isPunctured, leafSecret, newShredder, parseShredder, puncture, puncturedLeaves, serialiseShredder, SHRED_DEPTH, type ShredNodes } from './shredder.ts';

// Format 1 held a single blind-index key; it is read as version 1 and written back as format 2 on
// the next change.
const FORMAT = 'custodian-keyring/2';
const FORMAT_1 = 'custodian-keyring/1';

/**
 * Wraps and unwraps data keys with a master key. The keyring file implements it; a KMS adapter
 * (the master key never leaves the KMS) implements the same port.
 */
export interface MasterKeyProvider {
  activeKeyId(): string;
  wrap(plaintext: Buffer, aad: Buffer): Promise<{ keyId: string; blob: Buffer }>;
  unwrap(keyId: string, blob: Buffer, aad: Buffer): Promise<Buffer>;
  /** Makes a new master key the active one; older ones stay for unwrapping until dropped. */
  rotate(): Promise<string>;
  /** Forgets a retired master key (after every data key was re-wrapped). */
  drop(keyId: string): Promise<void>;
  /** The master keys that are no longer active but can still unwrap (until dropped). */
  retiredKeyIds(): string[];
}

interface MasterKey {
  id: string;
  key: Buffer;
  createdAt: string;
  state: 'active' | 'retired';
}

interface KeyringState {
  createdAt: string;
  masterKeys: MasterKey[];
  blindIndexKeys: BlindIndexKey[];
  /** The root of the keyed digests modules keep (keyed-digest.ts); added on start to older keyrings. */
  digestKey: Buffer | null;
  shredder: ShredNodes;
  erasures: number;
}

const newKeyId = (prefix: string) => `${prefix}_${new Date().toISOString().slice(0, 10).replaceAll('-', '')}_${randomBytes(4).toString('hex')}`;

function freshState(): KeyringState {
  const now = new Date().toISOString();
  return {
    createdAt: now,
    masterKeys: [{ id: newKeyId('mk'), key: randomBytes(32), createdAt: now, state: 'active' }],
    blindIndexKeys: newBlindIndexKeys(now),
    digestKey: randomBytes(32),
    shredder: newShredder(),
    erasures: 0,
  };
}

function serialise(state: KeyringState): string {
  return `${JSON.stringify(
    {
      format: FORMAT,
      created_at: state.createdAt,
      master_keys: state.masterKeys.map((k) => ({ id: k.id, key: k.key.toString('base64'), created_at: k.createdAt, state: k.state })),
      blind_index_keys: serialiseBlindIndexKeys(state.blindIndexKeys),
      ...(state.digestKey ? { keyed_digest_key: state.digestKey.toString('base64') } : {}),
      shredder: { depth: SHRED_DEPTH, erasures: state.erasures, nodes: serialiseShredder(state.shredder) },
    },
    null,
    1,
  )}\n`;
}

function parse(text: string, path: string): KeyringState {
  try {
    const raw = JSON.parse(text) as Record<string, any>;
    if (raw.format !== FORMAT && raw.format !== FORMAT_1) throw new Error(`unknown format ${String(raw.format)}`);
    if (raw.shredder?.depth !== SHRED_DEPTH) throw new Error('shredder depth differs');
    const masterKeys: MasterKey[] = (raw.master_keys as any[]).map((k) => {
      const key = Buffer.from(String(k.key), 'base64');
      if (key.length !== 32 || typeof k.id !== 'string' || !['active', 'retired'].includes(k.state)) throw new Error('bad master key entry');
      return { id: k.id, key, createdAt: String(k.created_at), state: k.state };
    });
    if (masterKeys.filter((k) => k.state === 'active').length !== 1) throw new Error('exactly one master key must be active');
    const blindIndexKeys = parseBlindIndexKeys(raw.format === FORMAT_1 ? [{ version: 1, key: raw.blind_index_key, created_at: raw.created_at, state: 'active' }] : raw.blind_index_keys);
    const digestKey = raw.keyed_digest_key === undefined ? null : Buffer.from(String(raw.keyed_digest_key), 'base64');
    if (digestKey && digestKey.length !== 32) throw new Error('bad keyed digest key');
    return { createdAt: String(raw.created_at), masterKeys, blindIndexKeys, digestKey, shredder: parseShredder(raw.shredder.nodes), erasures: Number(raw.shredder.erasures) || 0 };
  } catch (err) {
    throw new PrivacySetupError(`The keyring ${path} cannot be read (${(err as Error).message}).`);
  }
}

const sameFile = (a: Stats | null, b: Stats) => a !== null && a.ino === b.ino && a.mtimeMs === b.mtimeMs && a.size === b.size;

export class FileKeyring implements MasterKeyProvider {
  readonly path: string;
  #state: KeyringState;
  #seen: Stats | null = null;

  private constructor(path: string, state: KeyringState, seen: Stats) {
    this.path = path;
    this.#state = state;
    this.#seen = seen;
  }

  /** Opens the keyring, creating it (0600) when it does not exist; refuses loose permissions. */
  static open(path: string): FileKeyring {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    try {
      const fd = openSync(path, 'wx', 0o600);
      try {
        writeSync(fd, serialise(freshState()));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new PrivacySetupError(`Cannot create the keyring ${path} (${(err as Error).message}).`);
    }
    const stats = FileKeyring.#checkedStats(path);
    return new FileKeyring(path, parse(readFileSync(path, 'utf8'), path), stats);
  }

  static #checkedStats(path: string): Stats {
    const stats = statSync(path);
    if (process.platform !== 'win32' && (stats.mode & 0o077) !== 0) {
      throw new PrivacySetupError(`The keyring ${path} can be read by other users (mode ${(stats.mode & 0o777).toString(8)}); run chmod 600 on it. Custodian will not start with it.`);
    }
    return stats;
  }

  /** Re-reads the file when another process changed it. */
  refresh(): void {
    const stats = statSync(this.path);
    if (sameFile(this.#seen, stats)) return;
    this.#replace(parse(readFileSync(this.path, 'utf8'), this.path));
    this.#seen = stats;
  }

  /** Takes a newer state; the old state's blind-index key bytes are zeroed, so a destroyed version leaves no copy in memory. */
  #replace(state: KeyringState): void {
    const old = this.#state;
    this.#state = state;
    for (const k of old.blindIndexKeys) k.key.fill(0);
    old.digestKey?.fill(0);
  }

  /** Runs a change under the keyring lock on the freshest state, then writes it atomically. */
  async #mutate<T>(change: (state: KeyringState) => T): Promise<T> {
    return withFileLock(`${this.path}.lock`, () => {
      const state = parse(readFileSync(this.path, 'utf8'), this.path);
      const result = change(state);
      writeFileAtomically(this.path, serialise(state));
      this.#replace(state);
      this.#seen = statSync(this.path);
      return result;
    });
  }

  activeKeyId(): string {
    return this.#active().id;
  }

  #active(): MasterKey {
    return this.#state.masterKeys.find((k) => k.state === 'active')!;
  }

  async wrap(plaintext: Buffer, aad: Buffer): Promise<{ keyId: string; blob: Buffer }> {
    const key = this.#active();
    return { keyId: key.id, blob: seal(key.key, plaintext, aad) };
  }

  async unwrap(keyId: string, blob: Buffer, aad: Buffer): Promise<Buffer> {
    let key = this.#state.masterKeys.find((k) => k.id === keyId);
    if (!key) {
      this.refresh();
      key = this.#state.masterKeys.find((k) => k.id === keyId);
    }
    if (!key) throw new Error(`master key ${keyId} is not in the keyring`);
    return open(key.key, blob, aad);
  }

  rotate(): Promise<string> {
    return this.#mutate((state) => {
      for (const k of state.masterKeys) k.state = 'retired';
      const id = newKeyId('mk');
      state.masterKeys.push({ id, key: randomBytes(32), createdAt: new Date().toISOString(), state: 'active' });
      return id;
    });
  }

  drop(keyId: string): Promise<void> {
    return this.#mutate((state) => {
      const key = state.masterKeys.find((k) => k.id === keyId);
      if (!key) return;
      if (key.state === 'active') throw new Error('the active master key cannot be dropped');
      key.key.fill(0);
      state.masterKeys = state.masterKeys.filter((k) => k.id !== keyId);
    });
  }

  retiredKeyIds(): string[] {
    this.refresh();
    return this.#state.masterKeys.filter((k) => k.state === 'retired').map((k) => k.id);
  }

  masterKeyIds(): { id: string; state: 'active' | 'retired' }[] {
    return this.#state.masterKeys.map((k) => ({ id: k.id, state: k.state }));
  }

  /**
   * The blind-index keys as the keyring file says now (active, and a retiring one during a
   * rotation). Copies of the key bytes must not outlive the call: they are zeroed when the file
   * changes, and a destroyed version must leave nothing behind.
   */
  blindIndexKeys(): readonly Readonly<BlindIndexKey>[] {
    this.refresh();
    return this.#state.blindIndexKeys;
  }

  activeBlindIndexVersion(): { version: number; createdAt: Date } {
    this.refresh();
    const active = activeBlindIndexKey(this.#state.blindIndexKeys);
    return { version: active.version, createdAt: new Date(active.createdAt) };
  }

  /**
   * Makes a new blind-index key active; the active one becomes retiring. Returns the new version,
   * or null when `expectedActive` is no longer active (another process rotated first). Throws
   * BlindIndexRotationRefused while a retiring version remains.
   */
  rotateBlindIndexKey(now: Date, expectedActive?: number): Promise<number | null> {
    return this.#mutate((state) => rotateBlindIndexKeys(state.blindIndexKeys, now.toISOString(), expectedActive));
  }

  /** Zeroes and forgets a retiring blind-index key. Returns false when it was already gone. */
  destroyBlindIndexKey(version: number): Promise<boolean> {
    return this.#mutate((state) => destroyBlindIndexKey(state.blindIndexKeys, version));
  }

  /** Adds the keyed-digest root key to a keyring made before it existed (once; a no-op after). */
  async ensureDigestKey(): Promise<void> {
    this.refresh();
    if (this.#state.digestKey) return;
    await this.#mutate((state) => {
      state.digestKey ??= randomBytes(32);
    });
  }

  /**
   * The keyed-digest root key as the file says now. Like the blind-index keys, the bytes must not
   * outlive the call: they are zeroed when the file changes.
   */
  digestKey(): Buffer {
    this.refresh();
    const key = this.#state.digestKey;
    if (!key) throw new PrivacySetupError(`The keyring ${this.path} has no keyed-digest key; start the kernel once to add it.`);
    return key;
  }

  /** The subject's shredder secret; null once the leaf was punctured (the subject was erased). */
  leafSecret(leaf: number): Buffer | null {
    this.refresh();
    return leafSecret(this.#state.shredder, leaf);
  }

  /** Whether the leaf was punctured (its subject erased), as the keyring file says now. */
  isPunctured(leaf: number): boolean {
    this.refresh();
    return isPunctured(this.#state.shredder, leaf);
  }

  /** Every punctured leaf, as the keyring file says now. */
  puncturedLeaves(): number[] {
    this.refresh();
    return puncturedLeaves(this.#state.shredder);
  }

  /** Forgets a leaf for good. Returns false when it was already forgotten. */
  puncture(leaf: number): Promise<boolean> {
    return this.#mutate((state) => {
      const done = puncture(state.shredder, leaf);
      if (done) state.erasures++;
      return done;
    });
  }

  stats(): { masterKeys: number; erasures: number; shredderNodes: number } {
    return { masterKeys: this.#state.masterKeys.length, erasures: this.#state.erasures, shredderNodes: this.#state.shredder.size };
  }
}
