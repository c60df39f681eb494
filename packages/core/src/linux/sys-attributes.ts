import {
  chownSync,
  fchmodSync,
  fchownSync,
  fstatSync,
  futimesSync,
  lchownSync,
  lstatSync,
  lutimesSync,
  statSync,
  utimesSync,
} from 'node:fs';
import { E, fail } from './errno.js';
import { fileEvent, pathEvent } from './fs-events.js';
import { readPathArgument } from './guest-paths.js';
import { IN } from './inotify.js';
import { int, type LinuxKernel, ptr } from './kernel.js';
import { SYS } from './numbers.js';

const AT_SYMLINK_NOFOLLOW = 0x100;
const AT_EMPTY_PATH = 0x1000;
const UTIME_NOW = (1 << 30) - 1;
const UTIME_OMIT = (1 << 30) - 2;
/** chown's "leave this id as it is" ((uid_t)-1). */
const UNCHANGED = 0xffffffff;

/** What a *at call acts on: an open file's host descriptor, or a host path (its final link followed or not). */
type Target = { fd: number } | { path: Buffer; follow: boolean };

/** The host descriptor behind guest fd `fd`; kernel objects (pipes, eventfds) have none to change. */
function hostFd(k: LinuxKernel, fd: number): number {
  const file = k.fds.get(fd);
  if (file.pipe || file.special) fail(E.EPERM);
  return file.hostFd;
}

/** dirfd + path + AT_* flags, resolved inside the sysroot as every path call is. */
function targetAt(k: LinuxKernel, dirfd: number, pathAddr: bigint, flags: number): Target {
  const raw = pathAddr === 0n ? '' : readPathArgument(k.memory, ptr(pathAddr));
  if (raw === '') {
    if (!(flags & AT_EMPTY_PATH)) fail(E.ENOENT);
    if (dirfd === -100) return { path: Buffer.from(k.paths.toHost(k.cwd)), follow: true };
    return { fd: hostFd(k, dirfd) };
  }
  const follow = !(flags & AT_SYMLINK_NOFOLLOW);
  return { path: k.hostPath(dirfd, pathAddr, follow).host, follow };
}

function chown(target: Target, uid: number, gid: number): number {
  const u = uid === UNCHANGED ? -1 : uid;
  const g = gid === UNCHANGED ? -1 : gid;
  if ('fd' in target) fchownSync(target.fd, u, g);
  else if (target.follow) chownSync(target.path, u, g);
  else lchownSync(target.path, u, g);
  return 0;
}

/**
 * Whole microseconds as the seconds Node's utimes takes. libuv truncates the double to a
 * microsecond; the half microsecond added keeps the double's rounding error (a tenth of a
 * microsecond at today's dates) from taking it one microsecond lower.
 */
function secondsOfMicros(micros: bigint): number {
  const seconds = micros / 1_000_000n;
  return Number(seconds) + (Number(micros - seconds * 1_000_000n) + 0.5) / 1e6;
}

/**
 * One of utimensat's two timespecs as Node's utimes takes it (seconds). Node (libuv) keeps
 * microseconds: the nanoseconds below a microsecond are dropped, the one difference from the kernel.
 */
function secondsOf(k: LinuxKernel, addr: number, current: bigint): number | 'invalid' {
  const sec = BigInt.asIntN(64, k.memory.read64(addr));
  const nsec = Number(BigInt.asIntN(64, k.memory.read64(addr + 8)));
  if (nsec === UTIME_NOW) return Date.now() / 1000;
  if (nsec === UTIME_OMIT) return secondsOfMicros(current / 1000n);
  if (nsec < 0 || nsec >= 1e9) return 'invalid';
  return secondsOfMicros(sec * 1_000_000n + BigInt(Math.floor(nsec / 1000)));
}

function utimensat(
  k: LinuxKernel,
  dirfd: number,
  pathAddr: bigint,
  timesAddr: bigint,
  flags: number,
): number {
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) fail(E.EINVAL);
  let target: Target;
  if (pathAddr === 0n && dirfd !== -100) {
    // futimens: glibc passes a null path and the descriptor.
    if (flags !== 0) fail(E.EINVAL);
    target = { fd: hostFd(k, dirfd) };
  } else {
    target = targetAt(k, dirfd, pathAddr, flags);
  }
  const st =
    'fd' in target
      ? fstatSync(target.fd, { bigint: true })
      : target.follow
        ? statSync(target.path, { bigint: true })
        : lstatSync(target.path, { bigint: true });
  let atime = Date.now() / 1000;
  let mtime = atime;
  if (timesAddr !== 0n) {
    const a = secondsOf(k, ptr(timesAddr), st.atimeNs);
    const m = secondsOf(k, ptr(timesAddr) + 16, st.mtimeNs);
    if (a === 'invalid' || m === 'invalid') fail(E.EINVAL);
    atime = a;
    mtime = m;
  }
  if ('fd' in target) futimesSync(target.fd, atime, mtime);
  else if (target.follow) utimesSync(target.path, atime, mtime);
  else lutimesSync(target.path, atime, mtime);
  attributesChanged(k, target, dirfd);
  return 0;
}

/** IN_ATTRIB for what a call changed: the path, or the open file guest descriptor `fd` is. */
function attributesChanged(k: LinuxKernel, target: Target, fd: number): void {
  if (!k.fsWatchers.active) return;
  if ('path' in target) pathEvent(k, target.path, IN.ATTRIB, target.follow);
  else fileEvent(k, k.fds.get(fd), IN.ATTRIB);
}

/** Registers the calls that change a file's owner, mode and times through a descriptor or a path. */
export function registerAttributeSyscalls(k: LinuxKernel): void {
  k.register(SYS.fchmod, (k, a) => {
    fchmodSync(hostFd(k, int(a[0])), int(a[1]) & 0o7777);
    attributesChanged(k, { fd: -1 }, int(a[0]));
    return 0;
  });
  k.register(SYS.fchown, (k, a) => {
    chown({ fd: hostFd(k, int(a[0])) }, Number(a[1] & 0xffffffffn), Number(a[2] & 0xffffffffn));
    attributesChanged(k, { fd: -1 }, int(a[0]));
    return 0;
  });
  k.register(SYS.fchownat, (k, a) => {
    const flags = int(a[4]);
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) fail(E.EINVAL);
    const target = targetAt(k, int(a[0]), a[1], flags);
    chown(target, Number(a[2] & 0xffffffffn), Number(a[3] & 0xffffffffn));
    attributesChanged(k, target, int(a[0]));
    return 0;
  });
  k.register(SYS.utimensat, (k, a) => utimensat(k, int(a[0]), a[1], a[2], int(a[3])));
}
