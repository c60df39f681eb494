import {
  closeSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  lstatSync,
  opendirSync,
  openSync,
  readFileSync,
  readlinkSync,
  readSync,
  statfsSync,
  statSync,
  writeSync,
} from 'node:fs';
import { PROT_WRITE } from '../memory/types.js';
import { E, errnoOf, fail } from './errno.js';
import { type DirEntry, OpenFile } from './fd-table.js';
import { fifoAt, openFifo } from './fifo.js';
import { closeEvent, fileEvent, pathEvent, subjectAt } from './fs-events.js';
import { readPathArgument } from './guest-paths.js';
import { withGuestUmask } from './guest-umask.js';
import { type HostStreamReader, hostStreamReader } from './host-pipe-reader.js';
import { IN } from './inotify.js';
import { AT_FDCWD, int, type LinuxKernel, long, ptr } from './kernel.js';
import { addSeals, checkSealedResize, checkSealedWrite, getSeals } from './memfd.js';
import { SYS } from './numbers.js';
import { guestOpenFlags, hostOpenFlags, O_ACCMODE, O_CLOEXEC } from './open-flags.js';
import { PIPE_BUF, type PipeBuffer, POLLIN, POLLOUT, pipeStat, readPipe, writePipe } from './pipe.js';
import { Blocked } from './scheduling.js';
import { flushSharedMappings, refreshSharedMappings } from './shared-objects.js';
import { isSocket, socketStat } from './socket.js';
import { anonymousStat, type SpecialFile } from './special-file.js';
import { direntType, encodeStat, encodeStatfs, encodeStatx } from './stat.js';
import {
  listSynthetic,
  nodeAt,
  openSynthetic,
  statNode,
  statSynthetic,
  withDevEntries,
} from './synthetic/files.js';
import { descriptorStatfs } from './synthetic/statfs.js';
import { DEV_NAMES } from './synthetic/tree.js';
import { registerAttributeSyscalls } from './sys-attributes.js';
import { registerCloseRangeSyscall } from './sys-close-range.js';
import { registerCopySyscalls } from './sys-copy.js';
import { registerEventSyscalls } from './sys-events.js';
import { registerFallocateSyscall } from './sys-fallocate.js';
import { registerInotifySyscalls } from './sys-inotify.js';
import { registerIoctlSyscalls } from './sys-ioctl.js';
import { F_LOCK_COMMANDS, fcntlLock, registerLockSyscalls } from './sys-locks.js';
import { registerMemfdSyscalls } from './sys-memfd.js';
import { registerMknodSyscall } from './sys-mknod.js';
import { registerMsgSyscalls } from './sys-msg.js';
import { registerPathSyscalls } from './sys-paths.js';
import { registerPipeSyscalls } from './sys-pipes.js';
import { registerSemSyscalls } from './sys-sem.js';
import { registerShmSyscalls } from './sys-shm.js';
import { receiveFrom, registerSocketSyscalls, sendTo } from './sys-sockets.js';
import { registerXattrSyscalls } from './sys-xattr.js';
import { now } from './timers.js';

const O_APPEND = 0o2000;
const O_NONBLOCK = 0o4000;
const AT_SYMLINK_NOFOLLOW = 0x100;
const AT_EMPTY_PATH = 0x1000;
const AT_NO_AUTOMOUNT = 0x800;
/** AT_STATX_FORCE_SYNC | AT_STATX_DONT_SYNC: at most one of them. */
const AT_STATX_SYNC_TYPE = 0x6000;
const STATX__RESERVED = 0x80000000 | 0;
const MAX_IO = 16 * 1024 * 1024;
/** The most one read of a host pipe asks for (its buffer is allocated whole). */
const HOST_READ_MAX = 1024 * 1024;

/** Blocking host I/O that tolerates descriptors the host made non-blocking. */
function retryingAgain<T>(op: () => T): T {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      return op();
    } catch (error) {
      if (errnoOf(error) !== E.EAGAIN) throw error;
      Atomics.wait(pause, 0, 0, 2);
    }
  }
}

/**
 * A read or write of a kernel object (eventfd, timerfd, signalfd): done now, EAGAIN when
 * non-blocking, or a wait until it polls ready for `event` (a timer's expiry included).
 */
function specialIo<T>(k: LinuxKernel, file: OpenFile, attempt: () => T | null, event: number): T {
  const special = file.special as SpecialFile;
  for (;;) {
    const done = attempt();
    if (done !== null) return done;
    if (file.statusFlags & O_NONBLOCK) fail(E.EAGAIN);
    const ready = () => special.poll(k, event) !== 0;
    const what = `a ${special.name} that nothing can make ready`;
    if (k.block(special.wakeAt?.() ?? null, what, k.signals.mask, ready) === 'interrupted')
      fail(E.ERESTARTSYS);
  }
}

function readInto(
  k: LinuxKernel,
  file: OpenFile,
  addr: number,
  count: number,
  position: number | null,
): number {
  if (file.kind === 'directory') fail(E.EISDIR);
  const n0 = Math.min(count, MAX_IO);
  if (n0 === 0) return 0;
  if (!k.memory.isMapped(addr, n0, PROT_WRITE)) fail(E.EFAULT);
  if (file.content) {
    const at = position ?? 0;
    const bytes = file.content.subarray(Math.min(at, file.content.length), at + n0);
    k.memory.writeBytes(addr, bytes);
    return bytes.length;
  }
  if (isSocket(file.special)) {
    const bytes = receiveFrom(k, file, file.special, n0, 0).data;
    k.memory.writeBytes(addr, bytes);
    return bytes.length;
  }
  if (file.special) {
    const bytes = specialIo(k, file, () => file.special?.read(k, n0) ?? null, POLLIN);
    k.memory.writeBytes(addr, bytes);
    return bytes.length;
  }
  if (file.pipe) {
    const bytes = readPipe(file.pipe.buffer, n0, (file.statusFlags & O_NONBLOCK) !== 0);
    if (bytes === null) {
      const pipe = file.pipe.buffer;
      k.block(
        null,
        'read from an empty pipe that nothing writes',
        k.signals.mask,
        () => pipe.size > 0 || pipe.writers === 0,
      );
      fail(E.ERESTARTSYS);
    }
    k.memory.writeBytes(addr, bytes);
    return bytes.length;
  }
  const pipe = position === null ? hostStreamReader(file, k.system?.host ?? null) : null;
  if (pipe !== null) return readFromHostPipe(k, file, pipe, addr, n0);
  flushSharedMappings(k); // the file has what the process stored through its shared mappings
  const buffer = Buffer.alloc(n0);
  const n = retryingAgain(() => readSync(file.hostFd, buffer, 0, n0, position));
  k.memory.writeBytes(addr, buffer.subarray(0, n));
  if (n > 0) fileEvent(k, file, IN.ACCESS);
  return n;
}

/**
 * read(2) of a host pipe or socket: what it has now, or a wait that blocks only this guest thread
 * (EAGAIN when the guest made the description non-blocking). The thread looks again after a
 * while, or as soon as the scheduler finds the stream readable.
 */
function readFromHostPipe(
  k: LinuxKernel,
  file: OpenFile,
  pipe: HostStreamReader,
  addr: number,
  count: number,
): number {
  for (;;) {
    const got = pipe.read(Math.min(count, HOST_READ_MAX));
    if (got === 0) return 0;
    if (got !== null) {
      k.memory.writeBytes(addr, got);
      return got.length;
    }
    if (file.statusFlags & O_NONBLOCK) fail(E.EAGAIN);
    // With a scheduler this throws, and the call runs again when the thread is woken; without
    // one it sleeps here until the look-again time.
    const outcome = k.block(
      pipe.nextLook(now()),
      'a read from a host pipe or socket',
      k.signals.mask,
      () => pipe.pollEvents() !== 0,
    );
    if (outcome === 'interrupted') fail(E.ERESTARTSYS);
  }
}

/**
 * write(2) to a pipe. A blocking write returns once all its bytes are in, as the kernel's
 * pipe_write does: they go in as room appears (a write larger than the pipe never fits at once),
 * and while the call waits and runs again, the thread remembers how far it got
 * (`pipeWrite`). A signal or the last reader going away ends it early with what went in.
 */
function writeToPipe(
  k: LinuxKernel,
  pipe: PipeBuffer,
  addr: number,
  bytes: Uint8Array,
  nonblocking: boolean,
): number {
  const thread = k.thread;
  const carried = thread.pipeWrite;
  thread.pipeWrite = null;
  const done =
    carried !== null && carried.pipe === pipe && carried.addr === addr && carried.count === bytes.length
      ? carried.done
      : 0;
  const n = writePipe(pipe, bytes.subarray(done), nonblocking);
  if (n === 'broken') {
    k.raise(13); // SIGPIPE, then EPIPE if the guest survives it and nothing went in
    if (done > 0) return done;
    fail(E.EPIPE);
  }
  const total = done + (n ?? 0);
  if (total === bytes.length || nonblocking) return total;
  const room = Math.min(bytes.length - total, PIPE_BUF);
  thread.pipeWrite = { pipe, addr, count: bytes.length, done: total };
  k.block(
    null,
    'write to a full pipe that nothing reads',
    k.signals.mask,
    () => pipe.readers === 0 || pipe.space >= room,
  );
  thread.pipeWrite = null; // interrupted by a signal
  if (total > 0) return total;
  fail(E.ERESTARTSYS);
}

function writeFrom(
  k: LinuxKernel,
  file: OpenFile,
  addr: number,
  count: number,
  position: number | null,
): number {
  const n0 = Math.min(count, MAX_IO);
  if (n0 === 0) return 0;
  const bytes = k.memory.readBytes(addr, n0);
  if (isSocket(file.special)) {
    return sendTo(k, file, file.special, { data: bytes, to: null, rights: null, credentials: null }, 0);
  }
  if (file.special) return specialIo(k, file, () => file.special?.write(k, bytes) ?? null, POLLOUT);
  if (file.pipe) return writeToPipe(k, file.pipe.buffer, addr, bytes, (file.statusFlags & O_NONBLOCK) !== 0);
  checkSealedWrite(file, position, n0);
  try {
    flushSharedMappings(k);
    const n = retryingAgain(() => writeSync(file.hostFd, bytes, 0, n0, position));
    refreshSharedMappings(k, file, position, n); // shared mappings of the file show what was written
    if (n > 0) fileEvent(k, file, IN.MODIFY);
    return n;
  } catch (error) {
    if (errnoOf(error) === E.EPIPE) k.raise(13); // SIGPIPE, acted on when the write returns
    throw error;
  }
}

function read(k: LinuxKernel, fd: number, addr: number, count: number): number {
  const file = k.fds.get(fd);
  if ((file.statusFlags & O_ACCMODE) === 1) fail(E.EBADF);
  const n = readInto(k, file, addr, count, file.position);
  if (file.position !== null) file.position += n;
  return n;
}

function write(k: LinuxKernel, fd: number, addr: number, count: number): number {
  const file = k.fds.get(fd);
  if ((file.statusFlags & O_ACCMODE) === 0) fail(E.EBADF);
  if (file.position !== null && file.statusFlags & O_APPEND) {
    const n = writeFrom(k, file, addr, count, null);
    file.position = Number(fstatSync(file.hostFd).size);
    return n;
  }
  const n = writeFrom(k, file, addr, count, file.position);
  if (file.position !== null) file.position += n;
  return n;
}

/** A read that had to wait (or, non-blocking, would have): blocked, EAGAIN, or interrupted. */
function wouldWait(error: unknown): boolean {
  if (error instanceof Blocked) return true;
  const errno = errnoOf(error);
  return errno === E.EAGAIN || errno === E.ERESTARTSYS || errno === E.EINTR;
}

function iovecs(k: LinuxKernel, addr: bigint, count: number): [number, number][] {
  if (count < 0 || count > 1024) fail(E.EINVAL);
  const out: [number, number][] = [];
  for (let i = 0; i < count; i++) {
    const at = ptr(addr) + i * 16;
    out.push([Number(k.memory.read64(at)), Number(k.memory.read64(at + 8))]);
  }
  return out;
}

export function statOf(k: LinuxKernel, dirfd: number, pathAddr: bigint, flags: number) {
  const raw = pathAddr === 0n ? '' : readPathArgument(k.memory, ptr(pathAddr));
  if (raw === '') {
    if (!(flags & AT_EMPTY_PATH)) fail(E.ENOENT);
    if (dirfd === AT_FDCWD) return statSync(k.paths.toHost(k.cwd), { bigint: true });
    return fstatOf(k, k.fds.get(dirfd));
  }
  const follow = !(flags & AT_SYMLINK_NOFOLLOW);
  const at = k.paths.locate(k.guestPath(dirfd, raw), follow);
  if ('synthetic' in at) return statSynthetic(k, at.synthetic, follow);
  return follow ? statSync(at.host, { bigint: true }) : lstatSync(at.host, { bigint: true });
}

/**
 * statx's checks before any lookup, as the kernel's: only the flags it knows (AT_SYMLINK_NOFOLLOW,
 * AT_NO_AUTOMOUNT, AT_EMPTY_PATH and one of the AT_STATX_SYNC_TYPE values), and no mask bit of
 * STATX__RESERVED; anything else is EINVAL.
 */
function checkStatxArguments(flags: number, mask: number): void {
  const known = AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE;
  if (flags & ~known || (flags & AT_STATX_SYNC_TYPE) === AT_STATX_SYNC_TYPE) fail(E.EINVAL);
  if (mask & STATX__RESERVED) fail(E.EINVAL);
}

/** fstat of an open file: the host's answer, or the pipe's own for in-process pipes. */
function fstatOf(k: LinuxKernel, file: OpenFile) {
  if (file.synthetic !== null) return statNode(k, file.synthetic, nodeAt(k, file.synthetic));
  if (isSocket(file.special)) return socketStat(file.special.inode);
  if (file.special) return file.special.stat?.() ?? anonymousStat();
  if (file.pipe)
    return file.hostPath !== null ? statSync(file.hostPath, { bigint: true }) : pipeStat(file.pipe.buffer);
  return fstatSync(file.hostFd, { bigint: true });
}

/** The host descriptor behind `file`, for calls that only make sense on host files. */
function hostFdOf(file: OpenFile, errnoForPipes: number): number {
  if (file.pipe || file.special) fail(errnoForPipes);
  return file.hostFd;
}

/**
 * The entries of an open directory, read through the descriptor's own /proc link so a renamed
 * directory still lists itself. Names stay bytes (not every name is UTF-8).
 */
function listDirectory(file: OpenFile): DirEntry[] {
  const host = `/proc/self/fd/${file.hostFd}`;
  const self = fstatSync(file.hostFd, { bigint: true });
  let parentIno = self.ino;
  try {
    // The file system's own "..", even at the sysroot's top: a chroot's listing shows the same.
    parentIno = lstatSync(`${host}/..`, { bigint: true }).ino;
  } catch {}
  const entries: DirEntry[] = [
    { ino: self.ino, type: 4, name: Buffer.from('.') },
    { ino: parentIno, type: 4, name: Buffer.from('..') },
  ];
  // opendir keeps the host's readdir order, as the guest would see it natively.
  // (Node returns Buffer names for encoding 'buffer' here too; its types only list text ones.)
  const dir = opendirSync(host, { encoding: 'buffer' as BufferEncoding });
  try {
    for (let d = dir.readSync(); d !== null; d = dir.readSync()) {
      const name = d.name as unknown as Buffer;
      try {
        const st = lstatSync(Buffer.concat([Buffer.from(`${host}/`), name]), { bigint: true });
        entries.push({ ino: st.ino, type: direntType(Number(st.mode)), name });
      } catch {}
    }
  } finally {
    dir.closeSync();
  }
  return entries;
}

function getdents64(k: LinuxKernel, fd: number, addr: number, count: number): number {
  const file = k.fds.get(fd);
  if (file.kind !== 'directory') fail(E.ENOTDIR);
  fileEvent(k, file, IN.ACCESS);
  if (file.dirEntries === null) {
    file.dirEntries = file.synthetic !== null ? listSynthetic(k, file.synthetic) : listDirectory(file);
    // A root's own /dev lists the devices the guest always has, too.
    if (file.guestPath !== null && k.paths.resolve(file.guestPath) === '/dev')
      file.dirEntries = withDevEntries(file.dirEntries, DEV_NAMES);
  }
  const out = new Uint8Array(Math.min(count, 1 << 20));
  const view = new DataView(out.buffer);
  let used = 0;
  while (file.dirCursor < file.dirEntries.length) {
    const entry = file.dirEntries[file.dirCursor];
    const name = entry.name;
    const reclen = Math.ceil((19 + name.length + 1) / 8) * 8;
    if (used + reclen > out.length) {
      if (used === 0) fail(E.EINVAL);
      break;
    }
    view.setBigUint64(used, entry.ino, true);
    view.setBigInt64(used + 8, BigInt(file.dirCursor + 1), true);
    view.setUint16(used + 16, reclen, true);
    out[used + 18] = entry.type;
    out.set(name, used + 19);
    used += reclen;
    file.dirCursor++;
  }
  k.memory.writeBytes(addr, out.subarray(0, used));
  return used;
}

const O_CREAT = 0o100;
const O_EXCL = 0o200;
const O_PATH = 0o10000000;
const O_TRUNC = 0o1000;

function openat(k: LinuxKernel, dirfd: number, pathAddr: bigint, flags: number, mode: number): number {
  const guestFlags = guestOpenFlags(k.arch);
  const raw = readPathArgument(k.memory, ptr(pathAddr));
  if (raw === '') fail(E.ENOENT);
  const guest = k.guestPath(dirfd, raw);
  const follow = !(flags & guestFlags.nofollow);
  const at = k.paths.locate(guest, follow);
  if ('synthetic' in at)
    return k.fds.install(openSynthetic(k, at.synthetic, flags, follow), (flags & O_CLOEXEC) !== 0);
  const host = at.host;
  // A FIFO's other end is another guest: the run's own pipe joins them (see fifo.ts).
  // (An O_PATH descriptor only names the FIFO: the host's open of it does not wait.)
  const fifo = flags & O_CREAT && flags & O_EXCL ? null : flags & O_PATH ? null : fifoAt(host);
  if (fifo !== null)
    return k.fds.install(openFifo(k, guest, host, fifo, flags & ~O_CLOEXEC), (flags & O_CLOEXEC) !== 0);
  const open = () => openSync(host, hostOpenFlags(k.arch, flags), mode & ~k.umask);
  // Whether this open makes the file (inotify's IN_CREATE), looked at only while a watch exists.
  const creates = (flags & O_CREAT) !== 0 && k.fsWatchers.active && subjectAt(k, host) === null;
  const hostFd = flags & O_CREAT ? withGuestUmask(open) : open();
  refuseEscapes(k, hostFd, flags);
  let kind: 'file' | 'directory' | 'stream' = 'stream';
  try {
    const st = fstatSync(hostFd);
    kind = st.isDirectory() ? 'directory' : st.isFile() ? 'file' : 'stream';
  } catch {}
  const file = new OpenFile(hostFd, guest, host, flags & ~O_CLOEXEC & ~guestFlags.directory, kind, true);
  if (!(flags & O_PATH)) openedEvents(k, file, creates, (flags & O_TRUNC) !== 0 && kind === 'file');
  return k.fds.install(file, (flags & O_CLOEXEC) !== 0);
}

/**
 * What inotify sees of an open: IN_CREATE in the directory when it made the file, IN_OPEN, and
 * IN_MODIFY when O_TRUNC cut an existing file; its close is reported when its last descriptor goes.
 */
function openedEvents(k: LinuxKernel, file: OpenFile, created: boolean, truncated: boolean): void {
  file.onRelease = (f) => closeEvent(k, f);
  if (!k.fsWatchers.active) return;
  if (created && file.hostPath !== null) pathEvent(k, file.hostPath, IN.CREATE);
  fileEvent(k, file, IN.OPEN);
  if (truncated && !created && (file.statusFlags & O_ACCMODE) !== 0) fileEvent(k, file, IN.MODIFY);
}

/**
 * The walk resolved every symlink inside the sysroot, but another host process may swap one
 * between the walk and the open: what was opened is checked by where the host says it is.
 */
function refuseEscapes(k: LinuxKernel, hostFd: number, flags: number): void {
  if (k.paths.sysroot === null) return;
  let where: Buffer;
  try {
    where = readlinkSync(`/proc/self/fd/${hostFd}`, { encoding: 'buffer' });
  } catch {
    return; // no procfs on this host
  }
  // Sockets, pipes and anonymous files show "type:[inode]", not a path.
  if (where[0] !== 0x2f || k.paths.contains(where)) return;
  closeSync(hostFd);
  fail(flags & O_CREAT ? E.EACCES : E.ENOENT);
}

/** Memory devices (/dev/null, zero, full, random, urandom: major 1) seek nowhere and say 0. */
const MEM_MAJOR = 1;

/** The host's offset of host descriptor `fd` (/proc/self/fdinfo), or null if it does not say. */
function hostOffset(fd: number): number | null {
  try {
    const pos = /^pos:\s+(\d+)/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'latin1'));
    return pos === null ? null : Number(pos[1]);
  } catch {
    return null;
  }
}

/**
 * A description whose offset the host keeps (stdio, devices), as lseek finds it: a memory device
 * answers 0, as the kernel's; a regular file given as stdio answers the host's offset; anything
 * else (pipe, socket, terminal) cannot seek.
 */
function hostTrackedOffset(file: OpenFile): 'device' | number {
  if (file.pipe || file.special || file.hostFd < 0) fail(E.ESPIPE);
  const st = fstatSync(file.hostFd);
  if (st.isCharacterDevice() && Math.floor(st.rdev / 256) % 4096 === MEM_MAJOR) return 'device';
  if (!st.isFile()) fail(E.ESPIPE);
  const at = hostOffset(file.hostFd);
  if (at === null) fail(E.ESPIPE);
  return at;
}

/** pread and pwrite on a description the host keeps the offset of: files and devices, not streams. */
function positionedIoAllowed(file: OpenFile): void {
  if (file.pipe || file.special || file.hostFd < 0) fail(E.ESPIPE);
  const st = fstatSync(file.hostFd);
  if (!st.isFile() && !(st.isCharacterDevice() && Math.floor(st.rdev / 256) % 4096 === MEM_MAJOR))
    fail(E.ESPIPE);
}

const SEEK_DATA = 3;
const SEEK_HOLE = 4;

function lseek(k: LinuxKernel, fd: number, offset: number, whence: number): number {
  const file = k.fds.get(fd);
  if (file.kind === 'directory') {
    if (whence !== 0 || offset < 0) fail(E.EINVAL);
    file.dirCursor = offset;
    return offset;
  }
  const hostTracked = file.position === null;
  const position = hostTracked ? hostTrackedOffset(file) : (file.position as number);
  if (position === 'device') return 0;
  const size = () => (file.content ? file.content.length : Number(fstatSync(file.hostFd).size));
  let target: number;
  if (whence === 0) target = offset;
  else if (whence === 1) target = position + offset;
  else if (whence === 2) target = size() + offset;
  else if (whence === SEEK_DATA || whence === SEEK_HOLE) {
    // As a file system that keeps no holes: all data up to the end, one hole from there.
    const end = size();
    if (offset < 0 || offset >= end) fail(E.ENXIO);
    target = whence === SEEK_DATA ? offset : end;
  } else fail(E.EINVAL);
  if (target < 0) fail(E.EINVAL);
  // Node cannot move a host offset. A seek that leaves it where it is (perl and others ask
  // `lseek(1, 0, SEEK_CUR)` at start-up) keeps the host's offset in charge, so the writes that
  // follow move it, as the shell and the other holders of the description expect; only a real
  // seek makes this description keep its offset here, and use positioned I/O, from then on.
  if (!(hostTracked && target === position)) file.position = target;
  return target;
}

function dup(k: LinuxKernel, oldfd: number, newfd: number | null, cloexec: boolean, min = 0): number {
  const file = k.fds.get(oldfd);
  if (newfd === null) {
    const fd = k.fds.install(file, cloexec, min);
    file.refs++;
    return fd;
  }
  if (newfd === oldfd) return newfd;
  file.refs++;
  k.fds.installAt(newfd, file, cloexec);
  return newfd;
}

function fcntl(k: LinuxKernel, fd: number, cmd: number, arg: bigint): number {
  const file = k.fds.get(fd);
  switch (cmd) {
    case 0: // F_DUPFD
    case 1030: // F_DUPFD_CLOEXEC
      // The lowest descriptor asked for must be one RLIMIT_NOFILE allows (the argument is unsigned).
      if (arg >= BigInt(k.fds.limit)) fail(E.EINVAL);
      return dup(k, fd, null, cmd === 1030, int(arg));
    case 1: // F_GETFD
      return k.fds.getCloexec(fd) ? 1 : 0;
    case 2: // F_SETFD
      k.fds.setCloexec(fd, (int(arg) & 1) !== 0);
      return 0;
    case 3: // F_GETFL
      return file.statusFlags;
    case 4: // F_SETFL: only O_APPEND and O_NONBLOCK change
      file.statusFlags = (file.statusFlags & ~(O_APPEND | O_NONBLOCK)) | (int(arg) & (O_APPEND | O_NONBLOCK));
      return 0;
    case 1031: // F_SETPIPE_SZ
      if (!file.pipe) fail(E.EBADF);
      return file.pipe.buffer.resize(int(arg));
    case 1032: // F_GETPIPE_SZ
      if (!file.pipe) fail(E.EBADF);
      return file.pipe.buffer.capacity;
    case 1033: // F_ADD_SEALS
      return addSeals(file, int(arg));
    case 1034: // F_GET_SEALS
      return getSeals(file);
    case F_LOCK_COMMANDS.F_GETLK:
    case F_LOCK_COMMANDS.F_SETLK:
    case F_LOCK_COMMANDS.F_SETLKW:
    case F_LOCK_COMMANDS.F_OFD_GETLK:
    case F_LOCK_COMMANDS.F_OFD_SETLK:
    case F_LOCK_COMMANDS.F_OFD_SETLKW:
      return fcntlLock(k, file, cmd, ptr(arg));
    default:
      fail(E.EINVAL);
  }
}

/** Registers the file-system and descriptor system calls (pipes included). */
export function registerFileSyscalls(k: LinuxKernel): void {
  registerPipeSyscalls(k);
  registerEventSyscalls(k);
  registerSocketSyscalls(k);
  registerPathSyscalls(k);
  registerMknodSyscall(k);
  registerLockSyscalls(k);
  registerAttributeSyscalls(k);
  registerIoctlSyscalls(k);
  registerXattrSyscalls(k);
  registerFallocateSyscall(k);
  registerCloseRangeSyscall(k);
  registerMemfdSyscalls(k);
  registerShmSyscalls(k);
  registerSemSyscalls(k);
  registerMsgSyscalls(k);
  registerCopySyscalls(k);
  registerInotifySyscalls(k);
  k.register(SYS.read, (k, a) => read(k, int(a[0]), ptr(a[1]), ptr(a[2])));
  k.register(SYS.write, (k, a) => write(k, int(a[0]), ptr(a[1]), ptr(a[2])));
  k.register(SYS.readv, (k, a) => {
    let total = 0;
    for (const [base, len] of iovecs(k, a[1], int(a[2]))) {
      let n: number;
      try {
        n = read(k, int(a[0]), base, len);
      } catch (error) {
        // Once bytes are in, readv returns them rather than wait for more: a wait would run
        // the whole call again, and the bytes already taken from a pipe would be lost.
        if (total > 0 && wouldWait(error)) break;
        throw error;
      }
      total += n;
      if (n < len) break;
    }
    return total;
  });
  k.register(SYS.writev, (k, a) => {
    let total = 0;
    for (const [base, len] of iovecs(k, a[1], int(a[2]))) {
      const n = write(k, int(a[0]), base, len);
      total += n;
      if (n < len) break;
    }
    return total;
  });
  k.register(SYS.pread64, (k, a) => {
    const file = k.fds.get(int(a[0]));
    if (file.position === null) positionedIoAllowed(file);
    return readInto(k, file, ptr(a[1]), ptr(a[2]), long(a[3]));
  });
  k.register(SYS.pwrite64, (k, a) => {
    const file = k.fds.get(int(a[0]));
    if (file.position === null) positionedIoAllowed(file);
    return writeFrom(k, file, ptr(a[1]), ptr(a[2]), long(a[3]));
  });
  k.register(SYS.openat, (k, a) => openat(k, int(a[0]), a[1], int(a[2]), int(a[3])));
  k.register(SYS.close, (k, a) => {
    k.fds.close(int(a[0]));
    return 0;
  });
  k.register(SYS.lseek, (k, a) => lseek(k, int(a[0]), long(a[1]), int(a[2])));
  k.register(SYS.getdents64, (k, a) => getdents64(k, int(a[0]), ptr(a[1]), ptr(a[2])));
  k.register(SYS.fstat, (k, a) => {
    k.memory.writeBytes(ptr(a[1]), encodeStat(fstatOf(k, k.fds.get(int(a[0])))));
    return 0;
  });
  k.register(SYS.newfstatat, (k, a) => {
    k.memory.writeBytes(ptr(a[2]), encodeStat(statOf(k, int(a[0]), a[1], int(a[3]))));
    return 0;
  });
  k.register(SYS.statx, (k, a) => {
    checkStatxArguments(int(a[2]), int(a[3]));
    k.memory.writeBytes(ptr(a[4]), encodeStatx(statOf(k, int(a[0]), a[1], int(a[2]))));
    return 0;
  });
  k.register(SYS.ftruncate, (k, a) => {
    const file = k.fds.get(int(a[0]));
    checkSealedResize(file, long(a[1]));
    ftruncateSync(hostFdOf(file, E.EINVAL), long(a[1]));
    fileEvent(k, file, IN.MODIFY);
    return 0;
  });
  k.register(SYS.fsync, (k, a) => {
    fsyncSync(hostFdOf(k.fds.get(int(a[0])), E.EINVAL));
    return 0;
  });
  k.register(SYS.fdatasync, (k, a) => {
    fsyncSync(hostFdOf(k.fds.get(int(a[0])), E.EINVAL));
    return 0;
  });
  k.register(SYS.dup, (k, a) => dup(k, int(a[0]), null, false));
  k.register(SYS.dup3, (k, a) => {
    // The kernel checks the flags (only O_CLOEXEC) and then oldfd == newfd, before the fd itself.
    if (int(a[2]) & ~O_CLOEXEC || int(a[0]) === int(a[1])) fail(E.EINVAL);
    k.fds.get(int(a[0]));
    return dup(k, int(a[0]), int(a[1]), (int(a[2]) & O_CLOEXEC) !== 0);
  });
  k.register(SYS.fcntl, (k, a) => fcntl(k, int(a[0]), int(a[1]), a[2]));
  k.register(SYS.fstatfs, (k, a) => {
    const file = k.fds.get(int(a[0]));
    if (file.hostFd < 0) {
      const { fs, dev } = descriptorStatfs(k, file);
      k.memory.writeBytes(ptr(a[1]), encodeStatfs(fs, dev));
      return 0;
    }
    // The descriptor's own link, so a renamed file still answers for its file system.
    const link = `/proc/self/fd/${file.hostFd}`;
    k.memory.writeBytes(
      ptr(a[1]),
      encodeStatfs(statfsSync(link, { bigint: true }), statSync(link, { bigint: true }).dev),
    );
    return 0;
  });
  k.register(SYS.umask, (k, a) => {
    const old = k.umask;
    k.umask = int(a[0]) & 0o777;
    return old;
  });
}
