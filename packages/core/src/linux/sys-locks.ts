import { fstatSync } from 'node:fs';
import { E, fail } from './errno.js';
import type { OpenFile } from './fd-table.js';
import { type FileLocks, type LockRequest, type LockType, OFFSET_MAX } from './file-locks.js';
import { int, type LinuxKernel } from './kernel.js';
import { SYS } from './numbers.js';

/** fcntl's record lock commands (64-bit: F_GETLK64 and friends are the same numbers). */
export const F_LOCK_COMMANDS = {
  F_GETLK: 5,
  F_SETLK: 6,
  F_SETLKW: 7,
  F_OFD_GETLK: 36,
  F_OFD_SETLK: 37,
  F_OFD_SETLKW: 38,
} as const;

const F_RDLCK = 0;
const F_WRLCK = 1;
const F_UNLCK = 2;
const LOCK_SH = 1;
const LOCK_EX = 2;
const LOCK_NB = 4;
const LOCK_UN = 8;
const O_ACCMODE = 3;

/**
 * struct flock on a 64-bit kernel: short l_type, short l_whence, (4 bytes of padding),
 * off_t l_start, off_t l_len, pid_t l_pid: 32 bytes.
 */
interface GuestFlock {
  type: number;
  whence: number;
  start: bigint;
  len: bigint;
  pid: number;
}

function readFlock(k: LinuxKernel, addr: number): GuestFlock {
  const bytes = k.memory.readBytes(addr, 32);
  const v = new DataView(bytes.buffer, bytes.byteOffset, 32);
  return {
    type: v.getInt16(0, true),
    whence: v.getInt16(2, true),
    start: v.getBigInt64(8, true),
    len: v.getBigInt64(16, true),
    pid: v.getInt32(24, true),
  };
}

function writeFlock(k: LinuxKernel, addr: number, f: GuestFlock): void {
  const bytes = k.memory.readBytes(addr, 32);
  const v = new DataView(bytes.buffer, bytes.byteOffset, 32);
  v.setInt16(0, f.type, true);
  v.setInt16(2, f.whence, true);
  v.setBigInt64(8, f.start, true);
  v.setBigInt64(16, f.len, true);
  v.setInt32(24, f.pid, true);
  k.memory.writeBytes(addr, bytes);
}

/** The lock table of `k`'s run (a kernel without a system keeps its own). */
function locksOf(k: LinuxKernel): FileLocks {
  return k.fileLocks;
}

/** The byte range a struct flock names, as the kernel's flock_to_posix_lock computes it. */
function rangeOf(file: OpenFile, f: GuestFlock): { start: bigint; end: bigint } {
  let base: bigint;
  if (f.whence === 0) base = 0n;
  else if (f.whence === 1) base = BigInt(file.position ?? 0);
  else if (f.whence === 2) base = file.hostFd >= 0 ? fstatSync(file.hostFd, { bigint: true }).size : 0n;
  else fail(E.EINVAL);
  let start = base + f.start;
  if (start < 0n) fail(E.EINVAL);
  let end: bigint;
  if (f.len > 0n) {
    if (f.len - 1n > OFFSET_MAX - start) fail(E.EOVERFLOW);
    end = start + f.len - 1n;
  } else if (f.len < 0n) {
    if (start + f.len < 0n) fail(E.EINVAL);
    end = start - 1n;
    start += f.len;
  } else {
    end = OFFSET_MAX;
  }
  return { start, end };
}

function lockTypeOf(type: number): LockType | null {
  if (type === F_RDLCK) return 'read';
  if (type === F_WRLCK) return 'write';
  if (type === F_UNLCK) return null;
  fail(E.EINVAL);
}

/** fcntl's F_GETLK, F_SETLK, F_SETLKW and their OFD forms. */
export function fcntlLock(k: LinuxKernel, file: OpenFile, cmd: number, addr: number): number {
  const ofd = cmd >= F_LOCK_COMMANDS.F_OFD_GETLK;
  const f = readFlock(k, addr);
  if (ofd && f.pid !== 0) fail(E.EINVAL);
  const type = lockTypeOf(f.type);
  const { start, end } = rangeOf(file, f);
  const locks = locksOf(k);
  const key = locks.keyOf(file);
  const owner = ofd ? file : k;
  const pid = ofd ? -1 : k.pid;
  if (cmd === F_LOCK_COMMANDS.F_GETLK || cmd === F_LOCK_COMMANDS.F_OFD_GETLK) {
    if (type === null) fail(E.EINVAL);
    const held = locks.conflict(key, { owner, pid, type, start, end });
    if (!held) {
      writeFlock(k, addr, { ...f, type: F_UNLCK });
      return 0;
    }
    writeFlock(k, addr, {
      type: held.type === 'write' ? F_WRLCK : F_RDLCK,
      whence: 0,
      start: held.start,
      len: held.end === OFFSET_MAX ? 0n : held.end - held.start + 1n,
      pid: held.pid,
    });
    return 0;
  }
  const mode = file.statusFlags & O_ACCMODE;
  if ((type === 'read' && mode === 1) || (type === 'write' && mode === 0)) fail(E.EBADF);
  locks.setWaiting(k.thread, null);
  if (type !== null) {
    const request: LockRequest = { owner, pid, type, start, end };
    const held = locks.conflict(key, request);
    if (held) {
      if (cmd !== F_LOCK_COMMANDS.F_SETLKW && cmd !== F_LOCK_COMMANDS.F_OFD_SETLKW) fail(E.EAGAIN);
      if (!ofd && held.pid !== -1 && locks.wouldDeadlock(owner, held)) fail(E.EDEADLK);
      if (!ofd) locks.setWaiting(k.thread, { owner, key, request });
      const outcome = k.block(null, 'fcntl(F_SETLKW) on a lock nobody releases', k.signals.mask, () => {
        return locks.conflict(key, request) === undefined;
      });
      locks.setWaiting(k.thread, null);
      if (outcome === 'interrupted') fail(E.ERESTARTSYS);
    }
  }
  locks.set(key, { owner, pid, type, start, end });
  if (ofd) file.lockTable = locks;
  return 0;
}

/** flock(2): whole-file locks that belong to the open file description. */
function flock(k: LinuxKernel, fd: number, operation: number): number {
  const file = k.fds.get(fd);
  const op = operation & ~LOCK_NB;
  let type: LockType | null;
  if (op === LOCK_SH) type = 'read';
  else if (op === LOCK_EX) type = 'write';
  else if (op === LOCK_UN) type = null;
  else fail(E.EINVAL);
  const locks = locksOf(k);
  const key = locks.keyOf(file);
  file.lockTable = locks;
  if (locks.flock(key, file, type, k.pid)) return 0;
  if (operation & LOCK_NB) fail(E.EAGAIN); // EWOULDBLOCK
  const wanted = type as LockType;
  const outcome = k.block(null, 'flock on a lock nobody releases', k.signals.mask, () => {
    return !locks.flockBlocked(key, file, wanted);
  });
  if (outcome === 'interrupted') fail(E.ERESTARTSYS);
  return 0;
}

/**
 * A process closed a descriptor of `file`: as on Linux, its POSIX record locks on that file
 * are gone, whichever descriptor took them.
 */
export function releasePosixLocksOnClose(k: LinuxKernel, file: OpenFile): void {
  const locks = locksOf(k);
  if (!locks.holdsAny(k)) return;
  let key: unknown;
  try {
    key = locks.keyOf(file);
  } catch {
    return; // a descriptor the host no longer answers for held no lock we know of
  }
  locks.releaseOwner(k, key);
}

export function registerLockSyscalls(k: LinuxKernel): void {
  k.register(SYS.flock, (k, a) => flock(k, int(a[0]), int(a[1])));
}
