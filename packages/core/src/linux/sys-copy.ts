import { fstatSync, readSync, writeSync } from 'node:fs';
import { E, fail } from './errno.js';
import type { OpenFile } from './fd-table.js';
import { int, type LinuxKernel, long, ptr } from './kernel.js';
import { checkSealedWrite } from './memfd.js';
import { SYS } from './numbers.js';
import { readPipe, writePipe } from './pipe.js';
import { flushSharedMappings, refreshSharedMappings } from './shared-objects.js';
import { isSocket } from './socket.js';
import { sendTo } from './sys-sockets.js';

const O_APPEND = 0o2000;
const O_NONBLOCK = 0o4000;
/** What one call moves at most (the kernel's MAX_RW_COUNT is about 2 GiB; callers loop). */
const CHUNK = 1 << 20;

/** Whether `file` is a regular file of the host's (not a pipe, socket, /proc file or kernel object). */
function isHostFile(file: OpenFile): boolean {
  return (
    file.kind === 'file' && file.hostFd >= 0 && file.special === null && file.pipe === null && !file.content
  );
}

/** Up to `count` bytes of host file `file` from `position` (null: the host's own offset, for stdio). */
function readHostFile(file: OpenFile, position: number | null, count: number): Uint8Array {
  const bytes = new Uint8Array(Math.min(count, CHUNK));
  let got = 0;
  while (got < bytes.length) {
    const n = readSync(
      file.hostFd,
      bytes,
      got,
      bytes.length - got,
      position === null ? null : position + got,
    );
    if (n === 0) break;
    got += n;
  }
  return bytes.subarray(0, got);
}

/** Writes `bytes` to host file `file` at `position` (null: its end, for O_APPEND). */
function writeHostFile(k: LinuxKernel, file: OpenFile, bytes: Uint8Array, position: number | null): number {
  checkSealedWrite(file, position, bytes.length);
  flushSharedMappings(k);
  let done = 0;
  while (done < bytes.length)
    done += writeSync(
      file.hostFd,
      bytes,
      done,
      bytes.length - done,
      position === null ? null : position + done,
    );
  refreshSharedMappings(k, file, position, done);
  return done;
}

function readOffset(k: LinuxKernel, addr: number): number {
  const offset = Number(k.memory.read64(addr));
  if (offset < 0) fail(E.EINVAL);
  return offset;
}

/**
 * copy_file_range: between two regular files, from and to the given offsets (then those are
 * updated) or the descriptors' own positions. As the kernel: flags must be 0, the input open
 * for reading and the output for writing without O_APPEND, no overlap within one file.
 */
function copyFileRange(
  k: LinuxKernel,
  inFd: number,
  inOffAddr: number,
  outFd: number,
  outOffAddr: number,
  len: number,
  flags: number,
): number {
  if (flags !== 0) fail(E.EINVAL);
  const source = k.fds.get(inFd);
  const target = k.fds.get(outFd);
  if ((source.statusFlags & 3) === 1 || (target.statusFlags & 3) === 0) fail(E.EBADF);
  if (target.statusFlags & O_APPEND) fail(E.EBADF);
  if (source.kind === 'directory' || target.kind === 'directory') fail(E.EISDIR);
  if (!isHostFile(source) || !isHostFile(target)) fail(E.EINVAL);
  const from = inOffAddr !== 0 ? readOffset(k, inOffAddr) : source.position;
  const to = outOffAddr !== 0 ? readOffset(k, outOffAddr) : target.position;
  const a = fstatSync(source.hostFd, { bigint: true });
  const b = fstatSync(target.hostFd, { bigint: true });
  const overlap = from !== null && to !== null && from < to + len && to < from + len;
  if (a.dev === b.dev && a.ino === b.ino && overlap) fail(E.EINVAL);
  if (len === 0) return 0;
  const bytes = readHostFile(source, from, len);
  const n = bytes.length === 0 ? 0 : writeHostFile(k, target, bytes, to);
  if (from !== null) {
    if (inOffAddr !== 0) k.memory.write64(inOffAddr, BigInt(from + n));
    else source.position = from + n;
  }
  if (to !== null) {
    if (outOffAddr !== 0) k.memory.write64(outOffAddr, BigInt(to + n));
    else target.position = to + n;
  }
  return n;
}

/** Hands `bytes` to an output that is not a host file: a pipe of the run's, or a socket. */
function writeStream(k: LinuxKernel, target: OpenFile, bytes: Uint8Array): number {
  if (isSocket(target.special))
    return sendTo(k, target, target.special, { data: bytes, to: null, rights: null, credentials: null }, 0);
  if (target.pipe) {
    const pipe = target.pipe.buffer;
    const nonblocking = (target.statusFlags & O_NONBLOCK) !== 0;
    const n = writePipe(pipe, bytes, true);
    if (n === 'broken') {
      k.raise(13); // SIGPIPE
      fail(E.EPIPE);
    }
    if (n !== null && n > 0) return n;
    if (nonblocking) fail(E.EAGAIN);
    // Full: the call starts again once there is room (nothing was taken from the input yet).
    k.block(
      null,
      'sendfile to a full pipe that nothing reads',
      k.signals.mask,
      () => pipe.readers === 0 || pipe.space > 0,
    );
    fail(E.EINTR);
  }
  if (target.special || target.hostFd < 0) fail(E.EINVAL);
  return writeSync(target.hostFd, bytes); // a host stream: its own position
}

/**
 * sendfile(out, in, offset, count): from a regular file (at *offset, then updated, or at its
 * position) to any writable descriptor: a file, a pipe, a socket or a host stream.
 */
function sendfile(k: LinuxKernel, outFd: number, inFd: number, offAddr: number, count: number): number {
  const source = k.fds.get(inFd);
  const target = k.fds.get(outFd);
  if ((source.statusFlags & 3) === 1 || (target.statusFlags & 3) === 0) fail(E.EBADF);
  if (!isHostFile(source)) fail(E.EINVAL);
  if (target.statusFlags & O_APPEND) fail(E.EINVAL);
  if (count < 0) fail(E.EINVAL);
  const from = offAddr !== 0 ? readOffset(k, offAddr) : source.position;
  if (count === 0) return 0;
  let n = 0;
  if (isHostFile(target)) {
    const bytes = readHostFile(source, from, count);
    n = bytes.length === 0 ? 0 : writeHostFile(k, target, bytes, target.position);
    if (target.position !== null) target.position += n;
  } else {
    const room = target.pipe ? Math.max(target.pipe.buffer.space, 1) : CHUNK;
    const bytes = readHostFile(source, from, Math.min(count, room));
    n = bytes.length === 0 ? 0 : writeStream(k, target, bytes);
  }
  if (from !== null) {
    if (offAddr !== 0) k.memory.write64(offAddr, BigInt(from + n));
    else source.position = from + n;
  }
  return n;
}

/** splice's flags: SPLICE_F_MOVE, _NONBLOCK, _MORE, _GIFT. */
const SPLICE_FLAGS = 0xf;
const SPLICE_F_NONBLOCK = 0x2;

/**
 * splice between a pipe of the run's and a regular file, a socket, a host stream or another
 * such pipe: up to `len` bytes, as many as the pipe has (or has room for), waiting for them
 * unless SPLICE_F_NONBLOCK or the pipe's O_NONBLOCK says not to. A file's offset is *off (then
 * updated) or its position; a pipe takes no offset (ESPIPE). Neither side a pipe is EINVAL.
 */
function splice(
  k: LinuxKernel,
  inFd: number,
  inOffAddr: number,
  outFd: number,
  outOffAddr: number,
  len: number,
  flags: number,
): number {
  if (flags & ~SPLICE_FLAGS) fail(E.EINVAL);
  const source = k.fds.get(inFd);
  const target = k.fds.get(outFd);
  if ((source.statusFlags & 3) === 1 || (target.statusFlags & 3) === 0) fail(E.EBADF);
  if (!source.pipe && !target.pipe) fail(E.EINVAL);
  if ((source.pipe && inOffAddr !== 0) || (target.pipe && outOffAddr !== 0)) fail(E.ESPIPE);
  if (target.statusFlags & O_APPEND) fail(E.EINVAL);
  if (len === 0) return 0;
  const nonblocking = (flags & SPLICE_F_NONBLOCK) !== 0;
  const wait = (what: string, ready: () => boolean): never => {
    k.block(null, what, k.signals.mask, ready);
    fail(E.EINTR);
  };
  if (source.pipe) {
    const from = source.pipe.buffer;
    if (from.size === 0) {
      if (from.writers === 0) return 0;
      if (nonblocking || source.statusFlags & O_NONBLOCK) fail(E.EAGAIN);
      wait('splice from an empty pipe that nothing writes', () => from.size > 0 || from.writers === 0);
    }
    let want = Math.min(len, from.size, CHUNK);
    if (target.pipe) {
      const to = target.pipe.buffer;
      if (to.readers === 0) {
        k.raise(13); // SIGPIPE
        fail(E.EPIPE);
      }
      if (to.space === 0) {
        if (nonblocking || target.statusFlags & O_NONBLOCK) fail(E.EAGAIN);
        wait('splice to a full pipe that nothing reads', () => to.space > 0 || to.readers === 0);
      }
      want = Math.min(want, to.space);
    }
    const bytes = readPipe(from, want, true) ?? new Uint8Array(0);
    if (target.pipe || !isHostFile(target)) return writeStream(k, target, bytes);
    const at = outOffAddr !== 0 ? readOffset(k, outOffAddr) : target.position;
    const n = writeHostFile(k, target, bytes, at);
    if (at !== null) {
      if (outOffAddr !== 0) k.memory.write64(outOffAddr, BigInt(at + n));
      else target.position = at + n;
    }
    return n;
  }
  // From a file into a pipe of the run's.
  if (!isHostFile(source)) fail(E.EINVAL);
  const to = target.pipe?.buffer;
  if (!to) fail(E.EINVAL);
  if (to.readers === 0) {
    k.raise(13);
    fail(E.EPIPE);
  }
  if (to.space === 0) {
    if (nonblocking || target.statusFlags & O_NONBLOCK) fail(E.EAGAIN);
    wait('splice to a full pipe that nothing reads', () => to.space > 0 || to.readers === 0);
  }
  const at = inOffAddr !== 0 ? readOffset(k, inOffAddr) : source.position;
  const bytes = readHostFile(source, at, Math.min(len, to.space));
  const n = bytes.length === 0 ? 0 : writeStream(k, target, bytes);
  if (at !== null) {
    if (inOffAddr !== 0) k.memory.write64(inOffAddr, BigInt(at + n));
    else source.position = at + n;
  }
  return n;
}

export function registerCopySyscalls(k: LinuxKernel): void {
  k.register(SYS.splice, (k, a) =>
    splice(k, int(a[0]), ptr(a[1]), int(a[2]), ptr(a[3]), long(a[4]), int(a[5])),
  );
  k.register(SYS.copy_file_range, (k, a) =>
    copyFileRange(k, int(a[0]), ptr(a[1]), int(a[2]), ptr(a[3]), long(a[4]), int(a[5])),
  );
  k.register(SYS.sendfile, (k, a) => sendfile(k, int(a[0]), int(a[1]), ptr(a[2]), long(a[3])));
}
