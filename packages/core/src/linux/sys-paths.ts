import {
  accessSync,
  chmodSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readlinkSync,
  renameSync,
  rmdirSync,
  statfsSync,
  statSync,
  symlinkSync,
  truncateSync,
  unlinkSync,
} from 'node:fs';
import { E, fail } from './errno.js';
import { linkedEvent, movedEvent, pathEvent, removedEvent, subjectAt } from './fs-events.js';
import { directoryPath, readPathArgument } from './guest-paths.js';
import { withGuestUmask } from './guest-umask.js';
import { IN } from './inotify.js';
import { AT_FDCWD, int, type LinuxKernel, long, ptr } from './kernel.js';
import { SYS } from './numbers.js';
import { hostBytes, lastComponent } from './paths.js';
import { encodeStatfs } from './stat.js';
import { accessSynthetic, nodeAt, readlinkSynthetic } from './synthetic/files.js';
import { syntheticStatfs } from './synthetic/statfs.js';

const AT_SYMLINK_NOFOLLOW = 0x100;
const AT_REMOVEDIR = 0x200;
const AT_SYMLINK_FOLLOW = 0x400;
const AT_EACCESS = 0x200;
const AT_EMPTY_PATH = 0x1000;
const RENAME_NOREPLACE = 1;
const RENAME_EXCHANGE = 2;
const RENAME_WHITEOUT = 4;

/**
 * access(2) and friends. With AT_SYMLINK_NOFOLLOW a final symlink is checked itself, never the
 * file it names (which, under a sysroot, the host would look up outside it): a symlink's own
 * permissions are rwxrwxrwx, so it passes every check.
 */
function faccessat(k: LinuxKernel, dirfd: number, pathAddr: bigint, mode: number, flags: number): number {
  if (mode & ~7 || flags & ~(AT_SYMLINK_NOFOLLOW | AT_EACCESS | AT_EMPTY_PATH)) fail(E.EINVAL);
  const raw = readPathArgument(k.memory, ptr(pathAddr));
  if (raw === '') {
    // An empty path names the descriptor itself only when asked to.
    if (!(flags & AT_EMPTY_PATH)) fail(E.ENOENT);
    accessSync(descriptorPath(k, dirfd), mode);
    return 0;
  }
  const follow = !(flags & AT_SYMLINK_NOFOLLOW);
  const at = k.paths.locate(k.guestPath(dirfd, raw), follow);
  if ('synthetic' in at) {
    accessSynthetic(k, at.synthetic, mode);
    return 0;
  }
  const host = at.host;
  if (!follow && lstatSync(host).isSymbolicLink()) return 0;
  accessSync(host, mode);
  return 0;
}

/**
 * A host path that reaches what `dirfd` refers to (AT_FDCWD: the working directory): the host's
 * /proc/self/fd link for a host descriptor. In-process pipes and kernel objects are checked as
 * the kernel's anonymous inodes are, mode 0600 and owned by the caller: /dev/null stands in.
 */
function descriptorPath(k: LinuxKernel, dirfd: number): string | Buffer {
  if (dirfd === AT_FDCWD) return k.paths.toHost(k.cwd);
  const file = k.fds.get(dirfd);
  if (file.pipe || file.special) return '/dev/null';
  return `/proc/self/fd/${file.hostFd}`;
}

/**
 * unlinkat: the kernel refuses the root, "." and ".." by name before looking at any file
 * (rmdir: EBUSY, EINVAL, ENOTEMPTY; unlink: EISDIR), so a sysroot's own directory is never removed.
 */
function unlinkat(k: LinuxKernel, dirfd: number, pathAddr: bigint, flags: number): number {
  if (flags & ~AT_REMOVEDIR) fail(E.EINVAL);
  const raw = readPathArgument(k.memory, ptr(pathAddr));
  const kind = lastComponent(raw);
  if (flags & AT_REMOVEDIR) {
    if (kind === 'root') fail(E.EBUSY);
    if (kind === 'dot') fail(E.EINVAL);
    if (kind === 'dotdot') fail(E.ENOTEMPTY);
  } else if (kind !== 'normal') fail(E.EISDIR);
  const { guest, host } = k.hostPath(dirfd, pathAddr, false);
  if (k.paths.resolve(guest, false) === '/') fail(E.EBUSY);
  const removed = subjectAt(k, host);
  if (flags & AT_REMOVEDIR) rmdirSync(host);
  else unlinkSync(host);
  removedEvent(k, removed);
  return 0;
}

/** The host path of one side of a rename or link: never the root, ".", or "..". */
function renameSide(k: LinuxKernel, dirfd: number, pathAddr: bigint): Buffer {
  const raw = readPathArgument(k.memory, ptr(pathAddr));
  if (lastComponent(raw) !== 'normal') fail(E.EBUSY);
  const { guest, host } = k.hostPath(dirfd, pathAddr, false);
  if (k.paths.resolve(guest, false) === '/') fail(E.EBUSY);
  return host;
}

/**
 * renameat2. RENAME_EXCHANGE swaps the two names (both must exist); RENAME_NOREPLACE refuses an
 * existing target; the two together, RENAME_WHITEOUT with RENAME_EXCHANGE, and unknown bits are
 * EINVAL, checked before any lookup as the kernel does. RENAME_WHITEOUT alone would leave a
 * whiteout (a 0:0 character device) that Node cannot make: EINVAL, the answer of a file system
 * without whiteout support (the kernel's tmpfs and ext4 have it, so this one call differs).
 */
function renameat(k: LinuxKernel, a: readonly bigint[], flags: number): number {
  if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)) fail(E.EINVAL);
  if (flags & RENAME_EXCHANGE && flags & (RENAME_NOREPLACE | RENAME_WHITEOUT)) fail(E.EINVAL);
  if (flags & RENAME_WHITEOUT) fail(E.EINVAL);
  const from = renameSide(k, int(a[0]), a[1]);
  const to = renameSide(k, int(a[2]), a[3]);
  if (flags & RENAME_EXCHANGE) return exchange(from, to);
  if (flags & RENAME_NOREPLACE) {
    // Checked, then renamed: a race with another process is possible, as with any host rename.
    try {
      lstatSync(to);
      fail(E.EEXIST);
    } catch (error) {
      if ((error as { code?: string }).code !== 'ENOENT') throw error;
    }
  }
  const moved = subjectAt(k, from);
  const replaced = subjectAt(k, to);
  renameSync(from, to);
  movedEvent(k, moved, to, replaced);
  return 0;
}

/**
 * RENAME_EXCHANGE through three host renames (Node has no renameat2): `from` moves to a fresh
 * name beside it, `to` takes its place, and it takes `to`'s; a failed step puts back what moved.
 * Guest threads never see it half done (system calls run one at a time); another host process
 * could.
 */
function exchange(from: Buffer, to: Buffer): number {
  const a = lstatSync(from, { bigint: true });
  const b = lstatSync(to, { bigint: true });
  if (a.ino === b.ino && a.dev === b.dev) return 0; // the same file: nothing to swap
  const aside = Buffer.concat([from, Buffer.from(`.exchange-${process.pid}-${exchanges++}`)]);
  renameSync(from, aside);
  try {
    renameSync(to, from);
  } catch (error) {
    renameSync(aside, from);
    throw error;
  }
  try {
    renameSync(aside, to);
  } catch (error) {
    renameSync(from, to);
    renameSync(aside, from);
    throw error;
  }
  return 0;
}
let exchanges = 0;

/** linkat: both names are guest paths; AT_SYMLINK_FOLLOW links the file a final symlink names. */
function linkat(k: LinuxKernel, a: readonly bigint[]): number {
  const flags = int(a[4]);
  if (flags & ~AT_SYMLINK_FOLLOW) fail(E.EINVAL);
  const { host: from } = k.hostPath(int(a[0]), a[1], (flags & AT_SYMLINK_FOLLOW) !== 0);
  const { host: to } = k.hostPath(int(a[2]), a[3], false);
  linkSync(from, to);
  linkedEvent(k, to);
  return 0;
}

/**
 * symlinkat: the target is stored as given; it means a guest path whenever it is followed
 * (the walk re-roots and clamps it), so a link "to" a host file reaches nothing outside.
 */
function symlinkat(k: LinuxKernel, targetAddr: bigint, dirfd: number, pathAddr: bigint): number {
  const target = readPathArgument(k.memory, ptr(targetAddr));
  if (target.length === 0) fail(E.ENOENT);
  const { host } = k.hostPath(dirfd, pathAddr, false);
  symlinkSync(hostBytes(target), host);
  pathEvent(k, host, IN.CREATE);
  return 0;
}

function readlinkat(k: LinuxKernel, dirfd: number, pathAddr: bigint, buf: number, size: number): number {
  if (size <= 0) fail(E.EINVAL);
  const raw = readPathArgument(k.memory, ptr(pathAddr));
  if (raw === '') fail(E.ENOENT);
  const at = k.paths.locate(k.guestPath(dirfd, raw), false);
  const target =
    'synthetic' in at
      ? hostBytes(readlinkSynthetic(k, at.synthetic))
      : readlinkSync(at.host, { encoding: 'buffer' });
  const bytes = target.subarray(0, size);
  k.memory.writeBytes(buf, bytes);
  return bytes.length;
}

/** Registers the calls that act on paths rather than descriptors (the sysroot's walk applies). */
export function registerPathSyscalls(k: LinuxKernel): void {
  k.register(SYS.readlinkat, (k, a) => readlinkat(k, int(a[0]), a[1], ptr(a[2]), int(a[3])));
  k.register(SYS.faccessat, (k, a) => faccessat(k, int(a[0]), a[1], int(a[2]), 0));
  k.register(SYS.faccessat2, (k, a) => faccessat(k, int(a[0]), a[1], int(a[2]), int(a[3])));
  k.register(SYS.mkdirat, (k, a) => {
    const { host } = k.hostPath(int(a[0]), a[1], false);
    withGuestUmask(() => mkdirSync(host, int(a[2]) & ~k.umask & 0o7777));
    pathEvent(k, host, IN.CREATE);
    return 0;
  });
  k.register(SYS.unlinkat, (k, a) => unlinkat(k, int(a[0]), a[1], int(a[2])));
  k.register(SYS.renameat, (k, a) => renameat(k, a, 0));
  k.register(SYS.renameat2, (k, a) => renameat(k, a, int(a[4])));
  k.register(SYS.linkat, (k, a) => linkat(k, a));
  k.register(SYS.symlinkat, (k, a) => symlinkat(k, a[0], int(a[1]), a[2]));
  k.register(SYS.fchmodat, (k, a) => {
    const { host } = k.hostPath(int(a[0]), a[1]);
    chmodSync(host, int(a[2]) & 0o7777);
    pathEvent(k, host, IN.ATTRIB, true);
    return 0;
  });
  k.register(SYS.truncate, (k, a) => {
    const { host } = k.hostPath(AT_FDCWD, a[0]);
    truncateSync(host, long(a[1]));
    pathEvent(k, host, IN.MODIFY, true);
    return 0;
  });
  k.register(SYS.getcwd, (k, a) => {
    const bytes = hostBytes(`${k.cwd}\0`);
    if (ptr(a[1]) < bytes.length) fail(E.ERANGE);
    k.memory.writeBytes(ptr(a[0]), bytes);
    return bytes.length;
  });
  // The working directory is kept as the kernel keeps it: symlinks resolved, so ".." from it
  // is the real parent and getcwd shows the physical path.
  k.register(SYS.chdir, (k, a) => {
    const guest = k.guestPath(AT_FDCWD, readPathArgument(k.memory, ptr(a[0])));
    const at = k.paths.locate(guest);
    const isDir =
      'synthetic' in at ? nodeAt(k, at.synthetic).kind === 'dir' : statSync(at.host).isDirectory();
    if (!isDir) fail(E.ENOTDIR);
    k.cwd = k.paths.resolve(guest);
    return 0;
  });
  k.register(SYS.fchdir, (k, a) => {
    k.cwd = directoryPath(k, k.fds.get(int(a[0])));
    return 0;
  });
  k.register(SYS.statfs, (k, a) => {
    const raw = readPathArgument(k.memory, ptr(a[0]));
    if (raw.length === 0) fail(E.ENOENT);
    const at = k.paths.locate(k.guestPath(AT_FDCWD, raw));
    if ('synthetic' in at) {
      const { fs, dev } = syntheticStatfs(k, at.synthetic);
      k.memory.writeBytes(ptr(a[1]), encodeStatfs(fs, dev));
      return 0;
    }
    k.memory.writeBytes(
      ptr(a[1]),
      encodeStatfs(statfsSync(at.host, { bigint: true }), statSync(at.host, { bigint: true }).dev),
    );
    return 0;
  });
}
