// The backup file (decision 0063): one file, mode 0600, encrypted and authenticated in chunks.
//
//   bytes 0..1023   header: "CUSTODIAN-BACKUP/1\n" and one line of JSON (format, created-at, engine,
//                   salt, nonce prefix, key check, sha256 and size of the plaintext), padded with spaces
//   then chunks     [u32 length of ciphertext][ciphertext][16-byte GCM tag], AES-256-GCM under the
//                   file's key (HKDF from the keyring, src/privacy/crypto/backup-key.ts), nonce =
//                   7-byte random prefix ‖ u32 chunk number ‖ 1 byte "last chunk" (the STREAM
//                   construction: chunks cannot be reordered, dropped or cut off at the end), and the
//                   header's fixed fields as additional data (engine and date cannot be changed).
//
// The plaintext is a sequence of frames [type byte][u32 length][payload]: 'H' starts an entry (JSON:
// kind database or file, its path), 'D' is a piece of the current entry's bytes, 'E' ends the archive.
// Reading verifies every chunk before it yields it, and the whole file's digest at the end; a
// restore reads the file twice (verify, then write), so a changed byte writes nothing.
import { createCipheriv, createDecipheriv, createHash, randomBytes, type Hash } from 'node:crypto';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { AppError } from '../platform/errors.ts';
import { backupKey } from '../privacy/index.ts';

const MAGIC = 'CUSTODIAN-BACKUP/1\n';
const HEADER_BYTES = 1024;
const CHUNK_BYTES = 1 << 20;
const TAG_BYTES = 16;
export const BACKUP_FORMAT = 1;

export type BackupEngine = 'pglite' | 'postgres';

export interface BackupHeader {
  format: number;
  created_at: string;
  engine: BackupEngine;
  salt: string;
  nonce_prefix: string;
  key_check: string;
  sha256: string;
  plaintext_bytes: number;
}

/** A database entry's bytes are gzip-compressed before encryption (compressing ciphertext gains nothing). */
export type EntryHead = { kind: 'database'; engine: BackupEngine; compression: 'gzip' } | { kind: 'file'; path: string };

export const invalidBackup = (why: string) => new AppError('BACKUP_INVALID', `The backup cannot be used: ${why}. Nothing was restored.`);

const aadOf = (h: Pick<BackupHeader, 'format' | 'created_at' | 'engine' | 'salt' | 'nonce_prefix' | 'key_check'>) =>
  Buffer.from(`${MAGIC}${h.format}|${h.created_at}|${h.engine}|${h.salt}|${h.nonce_prefix}|${h.key_check}`);

function nonceOf(prefix: Buffer, counter: number, last: boolean): Buffer {
  const nonce = Buffer.alloc(12);
  prefix.copy(nonce, 0);
  nonce.writeUInt32BE(counter, 7);
  nonce[11] = last ? 1 : 0;
  return nonce;
}

/** Writes a backup file: frames in, encrypted chunks out; `finish` writes the header and renames the file into place. */
export class BackupWriter {
  readonly path: string;
  readonly #partial: string;
  readonly #file: FileHandle;
  readonly #key: Buffer;
  readonly #fixed: Omit<BackupHeader, 'sha256' | 'plaintext_bytes'>;
  readonly #prefix: Buffer;
  readonly #hash: Hash = createHash('sha256');
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #counter = 0;
  #position = HEADER_BYTES;
  #plaintextBytes = 0;

  private constructor(path: string, file: FileHandle, key: Buffer, fixed: Omit<BackupHeader, 'sha256' | 'plaintext_bytes'>) {
    this.path = path;
    this.#partial = `${path}.partial`;
    this.#file = file;
    this.#key = key;
    this.#fixed = fixed;
    this.#prefix = Buffer.from(fixed.nonce_prefix, 'base64');
  }

  static async create(path: string, options: { keyringPath: string; engine: BackupEngine; now: Date }): Promise<BackupWriter> {
    const salt = randomBytes(16);
    const { key, check } = backupKey(options.keyringPath, salt);
    const file = await open(`${path}.partial`, 'wx', 0o600);
    return new BackupWriter(path, file, key, {
      format: BACKUP_FORMAT,
      created_at: options.now.toISOString(),
      engine: options.engine,
      salt: salt.toString('base64'),
      nonce_prefix: randomBytes(7).toString('base64'),
      key_check: check,
    });
  }

  async #push(bytes: Buffer): Promise<void> {
    this.#hash.update(bytes);
    this.#plaintextBytes += bytes.length;
    this.#pending.push(bytes);
    this.#pendingBytes += bytes.length;
    while (this.#pendingBytes > CHUNK_BYTES) {
      const all = Buffer.concat(this.#pending);
      await this.#seal(all.subarray(0, CHUNK_BYTES), false);
      this.#pending = [all.subarray(CHUNK_BYTES)];
      this.#pendingBytes = all.length - CHUNK_BYTES;
    }
  }

  async #seal(plaintext: Buffer, last: boolean): Promise<void> {
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonceOf(this.#prefix, this.#counter++, last));
    cipher.setAAD(aadOf(this.#fixed));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(body.length);
    const out = Buffer.concat([length, body, cipher.getAuthTag()]);
    await this.#file.write(out, 0, out.length, this.#position);
    this.#position += out.length;
  }

  async #frame(type: 'H' | 'D' | 'E', payload: Buffer): Promise<void> {
    const head = Buffer.alloc(5);
    head.write(type, 0, 'latin1');
    head.writeUInt32BE(payload.length, 1);
    await this.#push(head);
    if (payload.length) await this.#push(payload);
  }

  /** Starts an entry; its bytes follow with `data`. */
  entry(head: EntryHead): Promise<void> {
    return this.#frame('H', Buffer.from(JSON.stringify(head)));
  }

  async data(bytes: Buffer): Promise<void> {
    for (let at = 0; at < bytes.length; at += CHUNK_BYTES) await this.#frame('D', bytes.subarray(at, at + CHUNK_BYTES));
  }

  /** Seals the last chunk, writes the header and moves the file into place (mode 0600). */
  async finish(): Promise<BackupHeader & { bytes: number }> {
    await this.#frame('E', Buffer.alloc(0));
    await this.#seal(Buffer.concat(this.#pending), true);
    const header: BackupHeader = { ...this.#fixed, sha256: this.#hash.digest('hex'), plaintext_bytes: this.#plaintextBytes };
    const text = `${MAGIC}${JSON.stringify(header)}`;
    const block = Buffer.alloc(HEADER_BYTES, ' ');
    block.write(text, 0, 'utf8');
    block[HEADER_BYTES - 1] = 0x0a;
    await this.#file.write(block, 0, HEADER_BYTES, 0);
    await this.#file.sync();
    await this.#file.close();
    this.#key.fill(0);
    await rename(this.#partial, this.path);
    return { ...header, bytes: this.#position };
  }

  /** Throws the half-written file away. */
  async abandon(): Promise<void> {
    this.#key.fill(0);
    await this.#file.close().catch(() => {});
    await unlink(this.#partial).catch(() => {});
  }
}

/** Reads and checks a backup file's header (not its contents). */
export async function readHeader(path: string): Promise<BackupHeader> {
  let file: FileHandle;
  try {
    file = await open(path, 'r');
  } catch (err) {
    throw invalidBackup(`${path} cannot be opened (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    const block = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await file.read(block, 0, HEADER_BYTES, 0);
    const text = block.subarray(0, bytesRead).toString('utf8');
    if (bytesRead < HEADER_BYTES || !text.startsWith(MAGIC)) throw invalidBackup(`${path} is not a Custodian backup`);
    let header: BackupHeader;
    try {
      header = JSON.parse(text.slice(MAGIC.length).trimEnd()) as BackupHeader;
    } catch {
      throw invalidBackup('its header is damaged');
    }
    if (header.format !== BACKUP_FORMAT) throw invalidBackup(`it has format ${String(header.format)}, this version reads format ${BACKUP_FORMAT}`);
    if (header.engine !== 'pglite' && header.engine !== 'postgres') throw invalidBackup('its header names no known database engine');
    return header;
  } finally {
    await file.close();
  }
}

/** The plaintext of a backup, chunk by chunk, each verified before it is yielded; throws BACKUP_INVALID on any change. */
export async function* plaintextOf(path: string, keyringPath: string): AsyncGenerator<Buffer> {
  const header = await readHeader(path);
  const { key, check } = backupKey(keyringPath, Buffer.from(header.salt, 'base64'));
  if (check !== header.key_check) {
    key.fill(0);
    throw invalidBackup('it was not made with this keyring (KEYRING_PATH): restoring needs the keyring of the shop that made it, kept apart from the backups');
  }
  const prefix = Buffer.from(header.nonce_prefix, 'base64');
  const aad = aadOf(header);
  const hash = createHash('sha256');
  const file = await open(path, 'r');
  try {
    const size = (await file.stat()).size;
    let position = HEADER_BYTES;
    let counter = 0;
    let total = 0;
    for (;;) {
      const lengthBytes = Buffer.alloc(4);
      if ((await file.read(lengthBytes, 0, 4, position)).bytesRead !== 4) throw invalidBackup('it was cut short');
      const length = lengthBytes.readUInt32BE();
      if (length > CHUNK_BYTES || position + 4 + length + TAG_BYTES > size) throw invalidBackup('it was cut short or changed');
      const body = Buffer.alloc(length + TAG_BYTES);
      await file.read(body, 0, body.length, position + 4);
      position += 4 + body.length;
      const last = position === size;
      const decipher = createDecipheriv('aes-256-gcm', key, nonceOf(prefix, counter++, last));
      decipher.setAAD(aad);
      decipher.setAuthTag(body.subarray(length));
      let plain: Buffer;
      try {
        plain = Buffer.concat([decipher.update(body.subarray(0, length)), decipher.final()]);
      } catch {
        throw invalidBackup('it was changed (a chunk fails its authentication check)');
      }
      hash.update(plain);
      total += plain.length;
      yield plain;
      if (last) break;
    }
    if (hash.digest('hex') !== header.sha256 || total !== header.plaintext_bytes) throw invalidBackup('its digest does not match its header');
  } finally {
    key.fill(0);
    await file.close();
  }
}

/** Reads frames from verified plaintext chunks. */
class FrameReader {
  readonly #chunks: AsyncGenerator<Buffer>;
  #buffer: Buffer = Buffer.alloc(0);

  constructor(chunks: AsyncGenerator<Buffer>) {
    this.#chunks = chunks;
  }

  async #take(n: number): Promise<Buffer> {
    while (this.#buffer.length < n) {
      const next = await this.#chunks.next();
      if (next.done) throw invalidBackup('its archive ends early');
      this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, next.value]) : next.value;
    }
    const out = this.#buffer.subarray(0, n);
    this.#buffer = this.#buffer.subarray(n);
    return out;
  }

  async next(): Promise<{ type: string; payload: Buffer }> {
    const head = await this.#take(5);
    const type = head.toString('latin1', 0, 1);
    const length = head.readUInt32BE(1);
    if (!['H', 'D', 'E'].includes(type) || length > CHUNK_BYTES) throw invalidBackup('its archive is damaged');
    return { type, payload: Buffer.from(await this.#take(length)) };
  }

  /** Drains the chunks, so the last one's digest is checked. */
  async end(): Promise<void> {
    for (;;) {
      const next = await this.#chunks.next();
      if (next.done) break;
      if (next.value.length) throw invalidBackup('it holds bytes after its end');
    }
    if (this.#buffer.length) throw invalidBackup('it holds bytes after its end');
  }
}

export interface ArchiveVisitor {
  entry(head: EntryHead): Promise<void>;
  data(bytes: Buffer): Promise<void>;
}

/** Walks the archive in a verified backup: entry heads and their bytes, in order. */
export async function readArchive(path: string, keyringPath: string, visitor: ArchiveVisitor): Promise<BackupHeader> {
  const header = await readHeader(path);
  const reader = new FrameReader(plaintextOf(path, keyringPath));
  let inEntry = false;
  for (;;) {
    const frame = await reader.next();
    if (frame.type === 'E') break;
    if (frame.type === 'H') {
      let head: EntryHead;
      try {
        head = JSON.parse(frame.payload.toString('utf8')) as EntryHead;
      } catch {
        throw invalidBackup('its archive is damaged');
      }
      inEntry = true;
      await visitor.entry(head);
    } else {
      if (!inEntry) throw invalidBackup('its archive is damaged');
      await visitor.data(frame.payload);
    }
  }
  await reader.end();
  return header;
}
