// Check 5: the kernel's master keyring. Readable by anyone but its owner (mode other than 0600) is
// high; kept inside DATA_DIR is medium: a copy or backup of DATA_DIR then holds the keys with the
// data, and an erasure (which destroys a person's key) is undone by restoring it (decision 0010).
import { existsSync, statSync } from 'node:fs';
import { relative, isAbsolute } from 'node:path';
import type { Check, Finding } from '../findings.ts';

const ID = 'keyring';

export const keyringCheck: Check = {
  id: ID,
  title: "The keyring's file permissions and where it is kept",
  async run({ config }) {
    const path = config.keyringPath;
    if (!existsSync(path)) return [{ check: ID, severity: 'info', title: 'No keyring yet', detail: `${path} does not exist: the shop makes it on first start.`, fix: 'Nothing to do.' }];
    const out: Finding[] = [];
    const mode = statSync(path).mode & 0o777;
    if (mode !== 0o600)
      out.push({ check: ID, severity: 'high', title: 'The keyring file is not private (mode other than 0600)', detail: `${path} has mode ${mode.toString(8)}.`, fix: `chmod 600 ${path}` });
    const inside = relative(config.dataDir, path);
    if (!inside.startsWith('..') && !isAbsolute(inside))
      out.push({
        check: ID,
        severity: 'medium',
        title: 'The keyring is kept inside DATA_DIR',
        detail: `${path} is inside DATA_DIR (${config.dataDir}): copying DATA_DIR or backing it up together undoes erasures; keep the keyring apart.`,
        fix: 'Move the keyring out of DATA_DIR (KEYRING_PATH), keep it out of the data backups, and back it up apart (README "Where data lives").',
      });
    return out;
  },
};
