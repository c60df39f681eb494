import { Epoll } from './epoll.js';
import { E, fail } from './errno.js';
import { EventFd } from './eventfd.js';
import { OpenFile } from './fd-table.js';
import { int, type LinuxKernel, ptr } from './kernel.js';
import { SYS } from './numbers.js';
import { FAIL_AFTER_STOP } from './scheduling.js';
import { UNBLOCKABLE } from './signal-state.js';
import { SignalFd } from './signalfd.js';
import type { SpecialFile } from './special-file.js';
import { fileReadiness } from './sys-pipes.js';
import { TimerFd } from './timerfd.js';
import { readTimespec, writeItimerspec } from './timespec.js';

const O_NONBLOCK = 0o4000;
const O_CLOEXEC = 0o2000000;
const EPOLL_CTL_ADD = 1;
const EPOLL_CTL_DEL = 2;
const EPOLL_CTL_MOD = 3;
/** `struct epoll_event` on 64-bit Arm and RISC-V: u32 events, 4 bytes of padding, u64 data. */
const EPOLL_EVENT_SIZE = 16;

/** Installs a kernel object as a new descriptor (O_NONBLOCK and O_CLOEXEC from `flags`). */
function install(k: LinuxKernel, special: SpecialFile, flags: number): number {
  return k.fds.install(OpenFile.forSpecial(special, 2 | (flags & O_NONBLOCK)), (flags & O_CLOEXEC) !== 0);
}

function specialOf<T extends SpecialFile>(
  k: LinuxKernel,
  fd: number,
  type: abstract new (...a: never[]) => T,
): T {
  const special = k.fds.get(fd).special;
  if (!(special instanceof type)) fail(E.EINVAL);
  return special;
}

function epollCtl(k: LinuxKernel, epfd: number, op: number, fd: number, eventAddr: number): number {
  const epoll = specialOf(k, epfd, Epoll);
  const file = k.fds.get(fd);
  if (fd === epfd) fail(E.EINVAL);
  if (file.kind === 'file' || file.kind === 'directory') fail(E.EPERM); // regular files cannot be polled
  const exists = epoll.has(fd, file);
  if (op === EPOLL_CTL_DEL) {
    if (!exists) fail(E.ENOENT);
    epoll.remove(fd, file);
    return 0;
  }
  if (op !== EPOLL_CTL_ADD && op !== EPOLL_CTL_MOD) fail(E.EINVAL);
  const events = k.memory.read32(eventAddr) >>> 0;
  const data = k.memory.read64(eventAddr + 8);
  if (op === EPOLL_CTL_ADD) {
    if (exists) fail(E.EEXIST);
    epoll.add(fd, file, events, data);
  } else {
    if (!exists) fail(E.ENOENT);
    epoll.modify(fd, file, events, data);
  }
  return 0;
}

/** epoll_pwait and epoll_pwait2: `timeoutNs` null waits for ever; a mask is set for the wait. */
function epollWait(
  k: LinuxKernel,
  epfd: number,
  eventsAddr: number,
  max: number,
  timeoutNs: bigint | null,
  maskAddr: number,
  size: number,
): number {
  if (max <= 0 || max > 0x7fffffff / EPOLL_EVENT_SIZE) fail(E.EINVAL);
  const epoll = specialOf(k, epfd, Epoll);
  if (maskAddr !== 0 && size !== 8) fail(E.EINVAL);
  const waitMask = maskAddr !== 0 ? k.memory.read64(maskAddr) & ~UNBLOCKABLE : k.signals.mask;
  const deadline = k.deadline(timeoutNs);
  for (;;) {
    const ready = epoll.collect(max);
    if (ready.length > 0) {
      ready.forEach(({ events, data }, i) => {
        k.memory.write32(eventsAddr + i * EPOLL_EVENT_SIZE, events);
        k.memory.write64(eventsAddr + i * EPOLL_EVENT_SIZE + 8, data);
      });
      return ready.length;
    }
    if (timeoutNs === 0n) return 0;
    // A timerfd among the watched files wakes the wait at its expiry, as a deadline of its own.
    const timer = epoll.wakeAt();
    const until = timer !== null && (deadline === null || timer < deadline) ? timer : deadline;
    // A stop and continue end the wait with EINTR, as in the kernel (signal(7)).
    const outcome = k.block(
      until,
      'epoll_wait on descriptors nothing can make ready',
      waitMask,
      () => epoll.anyReady(),
      0n,
      FAIL_AFTER_STOP,
    );
    if (outcome === 'timeout') {
      if (until === deadline) return 0;
      continue;
    }
    if (maskAddr !== 0) {
      k.signals.savedMask = k.signals.mask;
      k.signals.mask = waitMask;
    }
    fail(E.EINTR);
  }
}

const CLOCK_REALTIME = 0;
const CLOCK_MONOTONIC = 1;
const CLOCK_BOOTTIME = 7;

/** Registers epoll, eventfd, timerfd and signalfd. */
export function registerEventSyscalls(k: LinuxKernel): void {
  k.register(SYS.epoll_create1, (k, a) => {
    const flags = int(a[0]);
    if (flags & ~O_CLOEXEC) fail(E.EINVAL);
    return install(k, new Epoll((file, events) => fileReadiness(k, file, events)), flags);
  });
  k.register(SYS.epoll_ctl, (k, a) => epollCtl(k, int(a[0]), int(a[1]), int(a[2]), ptr(a[3])));
  k.register(SYS.epoll_pwait, (k, a) => {
    const ms = int(a[3]);
    const timeout = ms < 0 ? null : BigInt(ms) * 1_000_000n;
    return epollWait(k, int(a[0]), ptr(a[1]), int(a[2]), timeout, ptr(a[4]), ptr(a[5]));
  });
  k.register(SYS.epoll_pwait2, (k, a) => {
    const timeout = ptr(a[3]) === 0 ? null : readTimespec(k, ptr(a[3]));
    return epollWait(k, int(a[0]), ptr(a[1]), int(a[2]), timeout, ptr(a[4]), ptr(a[5]));
  });
  k.register(SYS.eventfd2, (k, a) => {
    const flags = int(a[1]);
    if (flags & ~(O_CLOEXEC | O_NONBLOCK | 1)) fail(E.EINVAL);
    return install(k, new EventFd(BigInt(int(a[0]) >>> 0), (flags & 1) !== 0), flags);
  });
  k.register(SYS.timerfd_create, (k, a) => {
    const clock = int(a[0]);
    const flags = int(a[1]);
    if (clock !== CLOCK_REALTIME && clock !== CLOCK_MONOTONIC && clock !== CLOCK_BOOTTIME) fail(E.EINVAL);
    if (flags & ~(O_CLOEXEC | O_NONBLOCK)) fail(E.EINVAL);
    return install(k, new TimerFd(clock === CLOCK_REALTIME), flags);
  });
  k.register(SYS.timerfd_settime, (k, a) => {
    const timer = specialOf(k, int(a[0]), TimerFd);
    const flags = int(a[1]);
    if (flags & ~3) fail(E.EINVAL); // TFD_TIMER_ABSTIME, TFD_TIMER_CANCEL_ON_SET
    const interval = readTimespec(k, ptr(a[2]));
    const value = readTimespec(k, ptr(a[2]) + 16);
    writeItimerspec(k, ptr(a[3]), timer.set(value, interval, (flags & 1) !== 0));
    return 0;
  });
  k.register(SYS.timerfd_gettime, (k, a) => {
    writeItimerspec(k, ptr(a[1]), specialOf(k, int(a[0]), TimerFd).get());
    return 0;
  });
  k.register(SYS.signalfd4, (k, a) => {
    const fd = int(a[0]);
    const flags = int(a[3]);
    if (ptr(a[2]) !== 8 || flags & ~(O_CLOEXEC | O_NONBLOCK)) fail(E.EINVAL);
    const mask = k.memory.read64(ptr(a[1])) & ~UNBLOCKABLE;
    if (fd === -1) return install(k, new SignalFd(mask), flags);
    specialOf(k, fd, SignalFd).mask = mask;
    return fd;
  });
}
