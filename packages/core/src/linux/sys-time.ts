import { encodeRusage, hostMaxRssKb } from './cpu-usage.js';
import { E, fail } from './errno.js';
import { fillRandom } from './host-random.js';
import { int, type LinuxKernel, ptr } from './kernel.js';
import { SYS } from './numbers.js';
import { RESUME_AFTER_STOP, type StopRule } from './scheduling.js';
import { now } from './timers.js';

const NS = 1_000_000_000n;
const RUSAGE_SELF = 0;
const RUSAGE_CHILDREN = -1;
const RUSAGE_THREAD = 1;
const startHr = process.hrtime.bigint();
const startWall = BigInt(Date.now()) * 1_000_000n;

/** Nanoseconds on clock `id` (CLOCK_REALTIME, MONOTONIC, PROCESS_CPUTIME, …). */
export function clockNs(id: number): bigint {
  switch (id) {
    case 0: // REALTIME
    case 5: // REALTIME_COARSE
    case 8: // REALTIME_ALARM
    case 11: // TAI
      return startWall + (process.hrtime.bigint() - startHr);
    case 1: // MONOTONIC
    case 4: // MONOTONIC_RAW
    case 6: // MONOTONIC_COARSE
    case 7: // BOOTTIME
    case 9: // BOOTTIME_ALARM
      return process.hrtime.bigint();
    case 2: // PROCESS_CPUTIME_ID
    case 3: {
      // THREAD_CPUTIME_ID
      const u = process.cpuUsage();
      return BigInt(u.user + u.system) * 1000n;
    }
    default:
      fail(E.EINVAL);
  }
}

function timespec(ns: bigint): Uint8Array {
  const out = new BigInt64Array([ns / NS, ns % NS]);
  return new Uint8Array(out.buffer);
}

/**
 * Sleeps `ns` as a blocked call: returns the nanoseconds left when a timer's signal interrupts
 * the sleep (the caller fails with EINTR), or 0 when it ran out. A stop and continue leave the
 * deadline as it was; the time left at the stop goes to `rem` (a relative sleep's), which the
 * kernel writes before it restarts the sleep.
 */
function sleepNs(k: LinuxKernel, ns: bigint, rem = 0): bigint {
  if (ns <= 0n) return 0n;
  const deadline = k.deadline(ns) as bigint;
  const stop: StopRule =
    rem === 0
      ? RESUME_AFTER_STOP
      : { after: 'resume', stopped: (left) => k.memory.writeBytes(rem, timespec(left)) };
  if (k.block(deadline, 'sleep', k.signals.mask, null, 0n, stop) === 'timeout') return 0n;
  const left = deadline - now();
  return left > 0n ? left : 1n;
}

/** `struct itimerval` {interval, value}, each {tv_sec, tv_usec}, as nanoseconds. */
function readItimerval(k: LinuxKernel, addr: number): { interval: bigint; value: bigint } {
  const field = (at: number): bigint => {
    const sec = BigInt.asIntN(64, k.memory.read64(at));
    const usec = BigInt.asIntN(64, k.memory.read64(at + 8));
    if (sec < 0n || usec < 0n || usec >= 1_000_000n) fail(E.EINVAL);
    return sec * NS + usec * 1000n;
  };
  return { interval: field(addr), value: field(addr + 16) };
}

function writeItimerval(k: LinuxKernel, addr: number, t: { interval: bigint; value: bigint }): void {
  // The kernel reports microseconds, rounding a running timer's remainder up.
  const usec = (ns: bigint) => (ns + 999n) / 1000n;
  const words = [t.interval, t.value].flatMap((ns) => [usec(ns) / 1_000_000n, usec(ns) % 1_000_000n]);
  k.memory.writeBytes(addr, new Uint8Array(new BigInt64Array(words).buffer));
}

/** Registers clocks, sleeping and randomness. */
export function registerTimeSyscalls(k: LinuxKernel): void {
  k.register(SYS.clock_gettime, (k, a) => {
    k.memory.writeBytes(ptr(a[1]), timespec(clockNs(int(a[0]))));
    return 0;
  });
  k.register(SYS.clock_getres, (k, a) => {
    clockNs(int(a[0]));
    if (a[1] !== 0n) k.memory.writeBytes(ptr(a[1]), timespec(1n));
    return 0;
  });
  k.register(SYS.gettimeofday, (k, a) => {
    const ns = clockNs(0);
    if (a[0] !== 0n)
      k.memory.writeBytes(ptr(a[0]), new Uint8Array(new BigInt64Array([ns / NS, (ns % NS) / 1000n]).buffer));
    return 0;
  });
  k.register(SYS.nanosleep, (k, a) => {
    const sec = k.memory.read64(ptr(a[0]));
    const nsec = k.memory.read64(ptr(a[0]) + 8);
    if (nsec >= NS || BigInt.asIntN(64, sec) < 0n) fail(E.EINVAL);
    const left = sleepNs(k, sec * NS + nsec, ptr(a[1]));
    if (left === 0n) return 0;
    if (a[1] !== 0n) k.memory.writeBytes(ptr(a[1]), timespec(left));
    fail(E.EINTR);
  });
  k.register(SYS.clock_nanosleep, (k, a) => {
    const clock = int(a[0]);
    const absolute = (int(a[1]) & 1) !== 0;
    const sec = k.memory.read64(ptr(a[2]));
    const nsec = k.memory.read64(ptr(a[2]) + 8);
    if (nsec >= NS) fail(E.EINVAL);
    const target = sec * NS + nsec;
    const left = sleepNs(k, absolute ? target - clockNs(clock) : target, absolute ? 0 : ptr(a[3]));
    if (left === 0n) return 0;
    if (!absolute && a[3] !== 0n) k.memory.writeBytes(ptr(a[3]), timespec(left));
    fail(E.EINTR);
  });
  k.register(SYS.setitimer, (k, a) => {
    const which = int(a[0]);
    if (which < 0 || which > 2) fail(E.EINVAL);
    const next = a[1] === 0n ? { interval: 0n, value: 0n } : readItimerval(k, ptr(a[1]));
    const old = k.timers.set(which, next.value, next.interval);
    if (a[2] !== 0n) writeItimerval(k, ptr(a[2]), old);
    return 0;
  });
  k.register(SYS.getitimer, (k, a) => {
    const which = int(a[0]);
    if (which < 0 || which > 2) fail(E.EINVAL);
    writeItimerval(k, ptr(a[1]), k.timers.get(which));
    return 0;
  });
  // times(2): clock ticks (USER_HZ, 100 a second) since an arbitrary point, and the CPU time
  // of the process and of the children it waited for, in ticks.
  k.register(SYS.times, (k, a) => {
    if (a[0] !== 0n) {
      const ticks = (us: number) => BigInt(Math.floor(us / 10_000));
      const { usage, childUsage } = k;
      const tms = [usage.userUs, usage.systemUs, childUsage.userUs, childUsage.systemUs].map(ticks);
      k.memory.writeBytes(ptr(a[0]), new Uint8Array(new BigInt64Array(tms).buffer));
    }
    return clockNs(1) / 10_000_000n;
  });
  k.register(SYS.getrusage, (k, a) => {
    const who = int(a[0]);
    let usage: { userUs: number; systemUs: number; maxRssKb: number };
    if (who === RUSAGE_SELF) usage = { ...k.usage, maxRssKb: hostMaxRssKb() };
    else if (who === RUSAGE_THREAD) usage = { ...k.thread.usage, maxRssKb: hostMaxRssKb() };
    else if (who === RUSAGE_CHILDREN) usage = k.childUsage;
    else fail(E.EINVAL);
    k.memory.writeBytes(ptr(a[1]), encodeRusage(usage));
    return 0;
  });
  k.register(SYS.getrandom, (k, a) => {
    const length = Math.min(ptr(a[1]), 1 << 25);
    const bytes = new Uint8Array(length);
    fillRandom(bytes);
    k.memory.writeBytes(ptr(a[0]), bytes);
    return length;
  });
}
