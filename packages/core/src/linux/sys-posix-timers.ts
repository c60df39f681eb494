import { E, fail } from './errno.js';
import { int, type LinuxKernel, ptr } from './kernel.js';
import { SYS } from './numbers.js';
import { forgetQueued, lastOverrun } from './posix-timer-signals.js';
import { SIGEV_NONE, SIGEV_SIGNAL, SIGEV_THREAD, SIGEV_THREAD_ID } from './posix-timers.js';
import { clockNs } from './sys-time.js';
import { readTimespec, writeItimerspec } from './timespec.js';

const SIGALRM = 14;
const SIGRTMAX = 64;
const TIMER_ABSTIME = 1;

/**
 * Clocks a timer can be made on. The raw and coarse clocks have no timers (EOPNOTSUPP, as the
 * kernel answers); the CPU-time clocks count elapsed time here, as setitimer's do.
 */
function timerClock(id: number): void {
  if (id === 4 || id === 5 || id === 6) fail(E.EOPNOTSUPP);
  clockNs(id); // EINVAL for a clock that does not exist
}

/** Reads a struct sigevent as the kernel's good_sigevent checks it. */
function readSigevent(
  k: LinuxKernel,
  addr: number,
): { notify: number; signo: number; tid: number | null; value: bigint } {
  const value = k.memory.read64(addr);
  const signo = int(BigInt(k.memory.read32(addr + 8)));
  const notify = int(BigInt(k.memory.read32(addr + 12)));
  const tid = int(BigInt(k.memory.read32(addr + 16)));
  switch (notify) {
    case SIGEV_NONE:
      return { notify, signo, tid: null, value };
    case SIGEV_SIGNAL:
    case SIGEV_THREAD:
    case SIGEV_SIGNAL | SIGEV_THREAD_ID: {
      let target: number | null = null;
      if (notify & SIGEV_THREAD_ID) {
        const t = k.system?.thread(tid) ?? (k.thread.tid === tid ? k.thread : undefined);
        if (t === undefined || t.process !== k || t.state === 'dead') fail(E.EINVAL);
        target = tid;
      }
      if (signo <= 0 || signo > SIGRTMAX) fail(E.EINVAL);
      return { notify, signo, tid: target, value };
    }
    default:
      fail(E.EINVAL);
  }
}

/** Registers timer_create, timer_settime, timer_gettime, timer_getoverrun and timer_delete. */
export function registerPosixTimerSyscalls(k: LinuxKernel): void {
  k.register(SYS.timer_create, (k, a) => {
    const clock = int(a[0]);
    timerClock(clock);
    const event =
      a[1] === 0n
        ? { notify: SIGEV_SIGNAL, signo: SIGALRM, tid: null, value: null }
        : readSigevent(k, ptr(a[1]));
    const timer = k.posixTimers.create(clock, event.notify, event.signo, event.tid, event.value);
    try {
      k.memory.write32(ptr(a[2]), timer.id);
    } catch (error) {
      k.posixTimers.delete(timer.id);
      throw error;
    }
    return 0;
  });
  k.register(SYS.timer_settime, (k, a) => {
    const timer = k.posixTimers.get(int(a[0]));
    if (a[2] === 0n) fail(E.EINVAL);
    const interval = readTimespec(k, ptr(a[2]));
    const value = readTimespec(k, ptr(a[2]) + 16);
    const absolute = (int(a[1]) & TIMER_ABSTIME) !== 0;
    forgetQueued(k, timer);
    const old = k.posixTimers.arm(timer, value, interval, absolute ? clockNs(timer.clock) : null);
    writeItimerspec(k, ptr(a[3]), old);
    return 0;
  });
  k.register(SYS.timer_gettime, (k, a) => {
    const timer = k.posixTimers.get(int(a[0]));
    writeItimerspec(k, ptr(a[1]), k.posixTimers.setting(timer));
    return 0;
  });
  k.register(SYS.timer_getoverrun, (k, a) => lastOverrun(k, k.posixTimers.get(int(a[0]))));
  k.register(SYS.timer_delete, (k, a) => {
    forgetQueued(k, k.posixTimers.get(int(a[0])));
    k.posixTimers.delete(int(a[0]));
    return 0;
  });
}
