import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { posix } from 'node:path';
import { E, fail } from './errno.js';
import type { PrivateDirectory } from './private-directory.js';

const MAX_SYMLINKS = 40;

/**
 * What a layer above the host's files (the synthetic /proc, /sys and /dev) says of the path the
 * walk has reached: not its business ('host'), nothing there ('missing'), a file or directory of
 * its own ('entry'), or a link whose `follow` gives the guest path to go on at, or null for a link
 * to a kernel object (a pipe, a file outside the root) that ends the walk.
 */
export type OverlayEntry = 'host' | 'missing' | 'entry' | { readonly follow: () => string | null };
/** Asked for each path the walk reaches, as its components from "/". */
export type Overlay = (parts: readonly string[]) => OverlayEntry;
/** The kernel's PATH_MAX: a path argument, its NUL included, fits in this many bytes. */
export const PATH_MAX = 4096;

/**
 * Guest paths are byte strings: one character per byte (latin1), so names that are not valid
 * UTF-8 survive every split and join and reach the host as the same bytes. Host paths are
 * Buffers for the same reason. These two convert at the edges.
 */
export const hostBytes = (guestOrHost: string): Buffer => Buffer.from(guestOrHost, 'latin1');
/** A host (JavaScript, UTF-8) string as a byte string. */
export const byteStringOf = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');

/**
 * Maps guest paths to host paths. Without a sysroot a guest path is a host path (relative ones
 * against the guest's cwd) and the host kernel resolves it. With a sysroot (like `qemu -L`),
 * "/" is the sysroot directory and the walk resolves every component itself, as the kernel's
 * path walk does under chroot: a symlink is replaced by its target (absolute targets start again
 * at the guest's "/"), ".." steps back from where the walk really is (so from a link's target,
 * not from the link) and stops at "/". No guest path — symlinks included — reaches outside.
 */
export class PathResolver {
  /** The sysroot as a byte string, symlinks in it resolved (what /proc/self/fd shows of it). */
  private readonly root: string | null;

  constructor(
    readonly sysroot: string | null,
    /** Guest directories backed by a host directory of their own (a private /dev/shm); sysroot only. */
    readonly mounts: ReadonlyMap<string, PrivateDirectory> = new Map(),
    private readonly overlay: Overlay | null = null,
  ) {
    this.root = sysroot === null ? null : byteStringOf(realSysroot(sysroot));
  }

  /**
   * Host path for an absolute guest path (a byte string). `followFinal` follows a final symlink.
   * A path the overlay answers for has no host file: EACCES, or ENOENT when nothing is there.
   */
  toHost(guestAbsolute: string, followFinal = true): Buffer {
    const at = this.locate(guestAbsolute, followFinal);
    if ('synthetic' in at) fail(E.EACCES);
    return at.host;
  }

  /**
   * Where a guest path leads, in one walk: a host file, or a file of the overlay (by its
   * canonical guest path). Nothing at all in the overlay's trees is ENOENT.
   */
  locate(
    guestAbsolute: string,
    followFinal = true,
  ): { readonly host: Buffer } | { readonly synthetic: string } {
    if (this.root === null && !this.overlaid(guestAbsolute)) return { host: hostBytes(guestAbsolute) };
    const canonical = this.walk(guestAbsolute, followFinal);
    const entry = this.entryAt(canonical);
    if (entry === 'host') return { host: hostBytes(this.hostString(canonical)) };
    if (entry === 'missing') fail(E.ENOENT);
    return { synthetic: canonical };
  }

  /** The sysroot's host directory as a byte string (symlinks resolved), or null without one. */
  get hostRoot(): string | null {
    return this.root;
  }

  /** What the overlay says of a canonical guest path ('host' when there is no overlay). */
  entryAt(canonical: string): OverlayEntry {
    return this.overlay?.(canonical.split('/').filter((p) => p.length > 0)) ?? 'host';
  }

  /**
   * Whether the walk must look at a path itself, without a sysroot: the overlay's trees are
   * recognised by the path's first component, so host symlinks into them are the host's.
   */
  private overlaid(guestAbsolute: string): boolean {
    if (this.overlay === null) return false;
    const [first, second] = posix
      .normalize(guestAbsolute)
      .split('/')
      .filter((p) => p.length > 0);
    if (first === undefined) return false;
    return (
      this.overlay([first]) !== 'host' || (second !== undefined && this.overlay([first, second]) !== 'host')
    );
  }

  /**
   * The guest path `guestAbsolute` stands for, with every symlink resolved (but the last one
   * when `followFinal` is false) and no "." or ".." left: what getcwd reports after chdir.
   * Without a sysroot the host answers (realpath), so the path must exist.
   */
  resolve(guestAbsolute: string, followFinal = true): string {
    if (this.root === null && !this.overlaid(guestAbsolute)) {
      if (!followFinal) return posix.normalize(guestAbsolute);
      return realpathSync(hostBytes(guestAbsolute), { encoding: 'buffer' }).toString('latin1');
    }
    return this.walk(guestAbsolute, followFinal);
  }

  /** The component walk (the host's "/" without a sysroot), the overlay asked before the host. */
  private walk(guestAbsolute: string, followFinal: boolean): string {
    let pending = guestAbsolute.split('/').filter((p) => p.length > 0);
    const done: string[] = [];
    let links = 0;
    while (pending.length > 0) {
      const part = pending.shift() as string;
      if (part === '.') continue;
      if (part === '..') {
        // `done` never holds a symlink, so stepping back is stepping to the real parent.
        done.pop();
        continue;
      }
      if (pending.length === 0 && !followFinal) {
        done.push(part);
        break;
      }
      const entry = this.overlay?.([...done, part]) ?? 'host';
      let target: string | null;
      if (entry === 'host')
        target = symlinkTarget(hostBytes(this.hostString(`/${[...done, part].join('/')}`)));
      else if (typeof entry === 'string') target = null;
      else {
        target = entry.follow();
        // A link to a kernel object leads to no directory: nothing can follow it.
        if (target === null && pending.length > 0) fail(E.ENOTDIR);
      }
      if (target === null) {
        done.push(part);
        continue;
      }
      if (++links > MAX_SYMLINKS) fail(E.ELOOP);
      if (target.startsWith('/')) done.length = 0;
      pending = [...target.split('/').filter((p) => p.length > 0), ...pending];
    }
    return `/${done.join('/')}`;
  }

  /** Whether a host path (as the host names it, e.g. from /proc/self/fd) lies inside the sysroot. */
  contains(hostPath: string | Buffer): boolean {
    if (this.root === null) return true;
    const host = hostByteString(hostPath);
    if (this.mountOf(host) !== null) return true;
    return host === this.root || host.startsWith(this.root === '/' ? '/' : `${this.root}/`);
  }

  /** The mount a host path lies in, as [guest directory, host directory]. */
  private mountOf(host: string): [string, string] | null {
    for (const [guest, dir] of this.mounts) {
      const made = dir.made === null ? null : byteStringOf(dir.made);
      if (made !== null && (host === made || host.startsWith(`${made}/`))) return [guest, made];
    }
    return null;
  }

  /**
   * The guest path a host path inside the sysroot stands for (getcwd, readlink, directory fds).
   * Host paths outside it keep their host name: what the kernel shows for a file outside a
   * process's root (a program started from outside a chroot, for /proc/self/exe).
   */
  toGuest(hostPath: string | Buffer): string {
    const host = hostByteString(hostPath);
    if (this.root === null || !this.contains(hostPath)) return host;
    const mount = this.mountOf(host);
    if (mount !== null) return `${mount[0]}${host.slice(mount[1].length)}`;
    const rel = host.slice(this.root.length);
    return rel === '' ? '/' : this.root === '/' ? host : rel;
  }

  private hostString(guestCanonical: string): string {
    const root = this.root;
    if (root === null) return guestCanonical;
    for (const [guest, dir] of this.mounts) {
      if (guestCanonical === guest || guestCanonical.startsWith(`${guest}/`))
        return `${byteStringOf(dir.host)}${guestCanonical.slice(guest.length)}`;
    }
    if (root === '/') return guestCanonical;
    return guestCanonical === '/' ? root : `${root}${guestCanonical}`;
  }
}

/**
 * A host path as a byte string. A path given as text (by the caller, not read from the host) has
 * its symlinks resolved when it exists, so it compares with what the host reports.
 */
function hostByteString(hostPath: string | Buffer): string {
  if (typeof hostPath !== 'string') return hostPath.toString('latin1');
  try {
    return byteStringOf(realpathSync(hostPath));
  } catch {
    return byteStringOf(posix.resolve(hostPath));
  }
}

/** The sysroot with its own symlinks resolved; as given when it does not exist (yet). */
function realSysroot(sysroot: string): string {
  try {
    return realpathSync(sysroot);
  } catch {
    return posix.resolve(sysroot);
  }
}

/** The target of the symlink at `host` (a byte string), or null when it is not a symlink or missing. */
function symlinkTarget(host: Buffer): string | null {
  try {
    if (!lstatSync(host).isSymbolicLink()) return null;
    return readlinkSync(host, { encoding: 'buffer' }).toString('latin1');
  } catch {
    // A missing component: keep it; the host call that follows reports ENOENT.
    return null;
  }
}

/**
 * Joins a guest path onto a guest directory without touching "." or "..": those are resolved
 * component by component by the walk (or the host), where a symlink's target decides what ".."
 * means, as in the kernel.
 */
export function guestJoin(dir: string, path: string): string {
  if (path.startsWith('/')) return path;
  return dir.endsWith('/') ? `${dir}${path}` : `${dir}/${path}`;
}

/**
 * What the last component of a path argument is, as the kernel's namei sees it: rmdir, unlink
 * and rename refuse "/" (EBUSY), "." and ".." before looking at any file.
 */
export function lastComponent(raw: string): 'root' | 'dot' | 'dotdot' | 'normal' {
  const parts = raw.split('/').filter((p) => p.length > 0);
  if (parts.length === 0) return raw.startsWith('/') ? 'root' : 'normal';
  const last = parts[parts.length - 1];
  return last === '.' ? 'dot' : last === '..' ? 'dotdot' : 'normal';
}
