import { lstatSync, readlinkSync } from 'node:fs';
import { posix } from 'node:path';
import { E, fail } from './errno.js';

const MAX_SYMLINKS = 40;

/**
 * Maps guest paths to host paths. Without a sysroot a guest path is a host path (relative ones
 * against the guest's cwd). With a sysroot (like `qemu -L`), "/" is the sysroot directory and
 * the walk resolves every symlink itself, re-rooting absolute targets and clamping "..", so no
 * guest path — symlinks included — reaches outside the sysroot.
 */
export class PathResolver {
  constructor(readonly sysroot: string | null) {}

  /** Host path for an absolute, normalised guest path. `followFinal` follows a final symlink. */
  toHost(guestAbsolute: string, followFinal = true): string {
    if (this.sysroot === null) return guestAbsolute;
    return posix.join(this.sysroot, this.resolveInside(guestAbsolute, followFinal));
  }

  /** Guest path (absolute, symlink-free except maybe the final part) of `guestAbsolute` inside the sysroot. */
  private resolveInside(guestAbsolute: string, followFinal: boolean): string {
    const root = this.sysroot as string;
    let pending = guestAbsolute.split('/').filter((p) => p.length > 0);
    const done: string[] = [];
    let links = 0;
    while (pending.length > 0) {
      const part = pending.shift() as string;
      if (part === '.') continue;
      if (part === '..') {
        done.pop();
        continue;
      }
      const candidate = [...done, part];
      const isFinal = pending.length === 0;
      if (isFinal && !followFinal) {
        done.push(part);
        break;
      }
      let target: string | null = null;
      try {
        if (lstatSync(posix.join(root, ...candidate)).isSymbolicLink()) {
          target = readlinkSync(posix.join(root, ...candidate), 'utf8');
        }
      } catch {
        // A missing component: keep it; the host call that follows reports ENOENT.
      }
      if (target === null) {
        done.push(part);
        continue;
      }
      if (++links > MAX_SYMLINKS) fail(E.ELOOP);
      const rest = target.split('/').filter((p) => p.length > 0);
      if (target.startsWith('/')) done.length = 0;
      pending = [...rest, ...pending];
    }
    return `/${done.join('/')}`;
  }

  /** The guest path a host path inside the sysroot stands for (for getcwd/readlink results). */
  toGuest(hostPath: string): string {
    if (this.sysroot === null) return hostPath;
    const rel = posix.relative(this.sysroot, hostPath);
    return rel === '' ? '/' : `/${rel}`;
  }
}

/** Joins a guest path onto a guest directory, giving an absolute normalised guest path. */
export function guestJoin(dir: string, path: string): string {
  return posix.resolve(dir, path);
}
