// Where image bytes live: a small port, so an object store can replace the file store without the
// pipeline or the routes changing (decision 0036). Keys are `<image id>/<file>`, never user input.
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { randomBytes } from 'node:crypto';

export interface MediaStorage {
  /** Writes `data` under `key`, replacing what was there; whole or not at all. */
  put(key: string, data: Buffer): Promise<void>;
  /** The bytes under `key`, or null when there are none. */
  get(key: string): Promise<Buffer | null>;
  /** Removes every file of one image. */
  removeImage(imageId: string): Promise<void>;
  /** Every image that has files, with when they were last written (for the sweep of unused ones). */
  listImages(): Promise<{ id: string; writtenAt: Date }[]>;
}

const KEY = /^[0-9a-f-]{36}\/[a-z0-9.]{1,40}$/;

/** Files under `root` (DATA_DIR/media): directories 0700, files 0600, like the rest of the data dir. */
export function fileStorage(root: string): MediaStorage {
  const base = resolve(root);
  const pathOf = (key: string) => {
    if (!KEY.test(key)) throw new Error('media: bad storage key');
    const path = join(base, key);
    if (!path.startsWith(base + sep)) throw new Error('media: bad storage key');
    return path;
  };
  return {
    async put(key, data) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      // Written beside and renamed: a reader never sees half a file.
      const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
      const file = await open(temp, 'wx', 0o600);
      try {
        await file.writeFile(data);
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temp, path);
    },
    async get(key) {
      try {
        return await readFile(pathOf(key));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
    },
    async removeImage(imageId) {
      if (!/^[0-9a-f-]{36}$/.test(imageId)) return;
      await rm(join(base, imageId), { recursive: true, force: true });
    },
    async listImages() {
      let names: string[];
      try {
        names = await readdir(base);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw err;
      }
      const found: { id: string; writtenAt: Date }[] = [];
      for (const name of names.filter((n) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(n))) {
        // The directory's time moves when a file is added or renamed into it: the last write.
        const info = await stat(join(base, name)).catch(() => null);
        if (info?.isDirectory()) found.push({ id: name, writtenAt: info.mtime });
      }
      return found;
    },
  };
}
