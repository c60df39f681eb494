import { PROT_WRITE } from '../memory/types.js';
import { E, fail } from './errno.js';
import { OpenFile } from './fd-table.js';
import { hostStreamReader } from './host-pipe-reader.js';
import { int, type LinuxKernel, ptr } from './kernel.js';
import { SYS } from './numbers.js';
import { O_ACCMODE } from './open-flags.js';
import { PipeBuffer, POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLOUT, POLLPRI, pollPipe } from './pipe.js';
import { RESUME_AFTER_STOP, type StopRule } from './scheduling.js';
import { UNBLOCKABLE } from './signal-state.js';
import { now } from './timers.js';
import { readTimespec } from './timespec.js';

const O_NONBLOCK = 0o4000;
const O_CLOEXEC = 0o2000000;
const NS = 1_000_000_000n;

function pipe2(k: LinuxKernel, addr: number, flags: number): number {
  if (flags & ~(O_NONBLOCK | O_CLOEXEC)) fail(E.EINVAL); // packet mode (O_DIRECT) is not offered
  if (!k.memory.isMapped(addr, 8, PROT_WRITE)) fail(E.EFAULT);
  const buffer = new PipeBuffer();
  const cloexec = (flags & O_CLOEXEC) !== 0;
  const nonblock = flags & O_NONBLOCK;
  const reader = OpenFile.forPipe({ buffer, end: 'read' }, 0 | nonblock);
  const writer = OpenFile.forPipe({ buffer, end: 'write' }, 1 | nonblock);
  let readFd: number;
  try {
    readFd = k.fds.install(reader, cloexec);
  } catch (error) {
    reader.release();
    writer.release();
    throw error;
  }
  let writeFd: number;
  try {
    writeFd = k.fds.install(writer, cloexec);
  } catch (error) {
    k.fds.close(readFd);
    writer.release();
    throw error;
  }
  k.memory.write32(addr, readFd);
  k.memory.write32(addr + 4, writeFd);
  return 0;
}

/** Readiness of one descriptor for `events` (POLLNVAL when it is not open). */
function readiness(k: LinuxKernel, fd: number, events: number): number {
  if (!k.fds.has(fd)) return POLLNVAL;
  return fileReadiness(k, k.fds.get(fd), events);
}

/** Readiness of an open file description for `events`. */
export function fileReadiness(k: LinuxKernel, file: OpenFile, events: number): number {
  if (file.special) return file.special.poll(k, events);
  if (file.pipe) return pollPipe(file.pipe, events);
  // A host pipe or socket the guest may read is readable when it has bytes, and hangs up at its
  // end (a run without a scheduler, which could not look again, says ready); other host files
  // are said to be ready (regular files and devices are; for terminals the read that follows
  // waits on the host), and writes wait on the host.
  const system = k.system;
  if (events & POLLIN && system !== null && (file.statusFlags & O_ACCMODE) !== 1 /* O_WRONLY */) {
    const pipe = hostStreamReader(file, system.host);
    const reading = pipe?.pollEvents();
    if (pipe && reading === 0) {
      const at = pipe.nextLook(now());
      if (system.hostPipeLookAt === null || at < system.hostPipeLookAt) system.hostPipeLookAt = at;
      return events & POLLOUT;
    }
    if (reading !== undefined) {
      // POLLIN as the reader sees it; POLLHUP and POLLERR are reported whether asked for or not.
      const input = reading & POLLIN ? events & POLLIN : 0;
      return input | (events & POLLOUT) | (reading & (POLLHUP | POLLERR));
    }
  }
  return events & (POLLIN | POLLOUT);
}

/**
 * ppoll(fds, nfds, timeout, sigmask, sigsetsize); glibc's poll() is this with a converted
 * timeout, and pause() is ppoll of nothing without one.
 */
function ppoll(
  k: LinuxKernel,
  fdsAddr: number,
  nfds: number,
  timeoutAddr: number,
  maskAddr: number,
  size: number,
): number {
  if (nfds < 0 || nfds > 1024) fail(E.EINVAL);
  let timeoutNs: bigint | null = null;
  if (timeoutAddr !== 0) {
    timeoutNs = readTimespec(k, timeoutAddr);
  }
  if (maskAddr !== 0 && size !== 8) fail(E.EINVAL);
  const waitMask = maskAddr !== 0 ? k.memory.read64(maskAddr) & ~UNBLOCKABLE : k.signals.mask;
  const scan = (): number => {
    let ready = 0;
    for (let i = 0; i < nfds; i++) {
      const at = fdsAddr + i * 8;
      const fd = int(BigInt(k.memory.read32(at)));
      const events = k.memory.read16(at + 4);
      const revents = fd < 0 ? 0 : readiness(k, fd, events);
      k.memory.write16(at + 6, revents);
      if (revents !== 0) ready++;
    }
    return ready;
  };
  const deadline = k.deadline(timeoutNs);
  // As the kernel's poll_select_finish: the time left goes back to the caller's timeout.
  const timeLeft = <T>(result: T): T => {
    if (timeoutAddr !== 0 && deadline !== null && timeoutNs !== 0n) {
      const left = deadline - now();
      writeTimespec(k, timeoutAddr, left > 0n ? left : 0n);
    }
    return result;
  };
  const ready = scan();
  if (ready > 0 || timeoutNs === 0n) return timeLeft(ready);
  const polled = Array.from({ length: nfds }, (_, i) => ({
    fd: int(BigInt(k.memory.read32(fdsAddr + i * 8))),
    events: k.memory.read16(fdsAddr + i * 8 + 4),
  }));
  const anyReady = () => polled.some(({ fd, events }) => fd >= 0 && readiness(k, fd, events) !== 0);
  const what = 'poll without a timeout on descriptors nothing can make ready';
  if (k.block(deadline, what, waitMask, anyReady, 0n, restartWithTimeLeft(k, timeoutAddr)) === 'timeout')
    return timeLeft(scan());
  timeLeft(0);
  if (maskAddr !== 0) {
    // As sigsuspend: the handler runs with ppoll's mask, its frame restores the caller's.
    k.signals.savedMask = k.signals.mask;
    k.signals.mask = waitMask;
  }
  fail(E.EINTR);
}

/**
 * What a stop does to ppoll and pselect6 (fs/select.c): the time left is written back to the
 * caller's timeout, and the call restarts with it once continued, so the stop does not count.
 */
function restartWithTimeLeft(k: LinuxKernel, timeoutAddr: number): StopRule {
  if (timeoutAddr === 0) return RESUME_AFTER_STOP;
  return { after: 'rest', stopped: (left) => writeTimespec(k, timeoutAddr, left) };
}

/** select's view of poll bits (fs/select.c: POLLIN_SET, POLLOUT_SET, POLLEX_SET). */
const IN_SET = POLLIN | POLLHUP | POLLERR;
const OUT_SET = POLLOUT | POLLERR;
const EX_SET = POLLPRI;

/** Writes a remaining timeout back (select and pselect6 report the time left). */
function writeTimespec(k: LinuxKernel, addr: number, ns: bigint): void {
  k.memory.write64(addr, ns / NS);
  k.memory.write64(addr + 8, ns % NS);
}

/**
 * pselect6(nfds, readfds, writefds, exceptfds, timeout, {sigmask, size}); glibc's select() is
 * this. Descriptor sets are bitmaps of 64-bit words; every set descriptor must be open (EBADF).
 */
function pselect6(
  k: LinuxKernel,
  nfds: number,
  sets: [number, number, number],
  timeoutAddr: number,
  maskArg: number,
): number {
  if (nfds < 0 || nfds > 1024) fail(E.EINVAL);
  const timeoutNs = timeoutAddr === 0 ? null : readTimespec(k, timeoutAddr);
  let waitMask = k.signals.mask;
  if (maskArg !== 0) {
    const maskAddr = ptr(k.memory.read64(maskArg));
    if (maskAddr !== 0) {
      if (k.memory.read64(maskArg + 8) !== 8n) fail(E.EINVAL);
      waitMask = k.memory.read64(maskAddr) & ~UNBLOCKABLE;
    }
  }
  const words = Math.ceil(nfds / 64);
  const given = sets.map((addr) =>
    addr === 0 ? null : Array.from({ length: words }, (_, w) => k.memory.read64(addr + 8 * w)),
  );
  for (let fd = 0; fd < nfds; fd++) {
    const bit = 1n << BigInt(fd % 64);
    if (given.some((set) => set && set[fd >> 6] & bit) && !k.fds.has(fd)) fail(E.EBADF);
  }
  // The sets are written back only when the call returns: a call that blocks is run again when
  // it wakes, and reads the caller's sets again (an empty set written early would wait forever).
  const scan = (final: boolean): number => {
    let count = 0;
    const out = given.map((set) => (set ? new Array<bigint>(words).fill(0n) : null));
    for (let fd = 0; fd < nfds; fd++) {
      const bit = 1n << BigInt(fd % 64);
      const wanted = given.map((set) => set !== null && (set[fd >> 6] & bit) !== 0n);
      if (!wanted.some(Boolean)) continue;
      const ready = readiness(k, fd, POLLIN | POLLOUT | POLLPRI);
      [IN_SET, OUT_SET, EX_SET].forEach((mask, i) => {
        const set = out[i];
        if (wanted[i] && set && ready & mask) {
          set[fd >> 6] |= bit;
          count++;
        }
      });
    }
    if (count > 0 || final) {
      out.forEach((set, i) => {
        for (let w = 0; set && w < set.length; w++) k.memory.write64(sets[i] + 8 * w, set[w]);
      });
    }
    return count;
  };
  const ready = scan(timeoutNs === 0n);
  if (ready > 0 || timeoutNs === 0n) return ready;
  const anyReady = () => {
    for (let fd = 0; fd < nfds; fd++) {
      const bit = 1n << BigInt(fd % 64);
      const wanted = [IN_SET, OUT_SET, EX_SET].reduce(
        (m, set, i) => (given[i] && given[i][fd >> 6] & bit ? m | set : m),
        0,
      );
      if (wanted !== 0 && readiness(k, fd, POLLIN | POLLOUT | POLLPRI) & wanted) return true;
    }
    return false;
  };
  const deadline = k.deadline(timeoutNs);
  const what = 'select without a timeout on descriptors nothing can make ready';
  if (k.block(deadline, what, waitMask, anyReady, 0n, restartWithTimeLeft(k, timeoutAddr)) === 'timeout') {
    if (timeoutAddr !== 0) writeTimespec(k, timeoutAddr, 0n);
    return scan(true);
  }
  if (timeoutAddr !== 0 && deadline !== null) {
    const left = deadline - now();
    writeTimespec(k, timeoutAddr, left > 0n ? left : 0n);
  }
  if (maskArg !== 0 && waitMask !== k.signals.mask) {
    k.signals.savedMask = k.signals.mask;
    k.signals.mask = waitMask;
  }
  fail(E.EINTR);
}

/** Registers pipe2, ppoll and pselect6. */
export function registerPipeSyscalls(k: LinuxKernel): void {
  k.register(SYS.pipe2, (k, a) => pipe2(k, ptr(a[0]), int(a[1])));
  k.register(SYS.ppoll, (k, a) => ppoll(k, ptr(a[0]), int(a[1]), ptr(a[2]), ptr(a[3]), ptr(a[4])));
  k.register(SYS.pselect6, (k, a) =>
    pselect6(k, int(a[0]), [ptr(a[1]), ptr(a[2]), ptr(a[3])], ptr(a[4]), ptr(a[5])),
  );
}
