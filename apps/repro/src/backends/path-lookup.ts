import { accessSync, constants, statSync } from 'node:fs';
import { join } from 'node:path';

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * The first regular, executable file called `name` in `pathEnv`, as a shell's exec and
 * ccache's find_executable both pick it, inside the tree rooted at `root` (a chroot's
 * directory, or `/`). Returns the path as seen inside that tree, or null.
 */
export function lookupInPath(root: string, pathEnv: string, name: string): string | null {
  for (const dir of pathEnv.split(':')) {
    if (dir === '') continue;
    const guestPath = `${dir.replace(/\/+$/, '')}/${name}`;
    const hostPath = join(root, guestPath);
    try {
      accessSync(hostPath, constants.X_OK);
      if (statSync(hostPath).isFile()) return guestPath;
    } catch {}
  }
  return null;
}
