import { randomFillSync } from 'node:crypto';
import { E, fail } from './errno.js';
import { int, type LinuxKernel, ptr } from './kernel.js';
import { SYS } from './numbers.js';

const NS = 1_000_000_000n;
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

function sleepNs(ns: bigint): void {
  if (ns <= 0n) return;
  const ms = Number(ns / 1_000_000n);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.max(ms, 1));
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
    if (nsec >= NS) fail(E.EINVAL);
    sleepNs(sec * NS + nsec);
    return 0;
  });
  k.register(SYS.clock_nanosleep, (k, a) => {
    const clock = int(a[0]);
    const absolute = (int(a[1]) & 1) !== 0;
    const sec = k.memory.read64(ptr(a[2]));
    const nsec = k.memory.read64(ptr(a[2]) + 8);
    if (nsec >= NS) fail(E.EINVAL);
    const target = sec * NS + nsec;
    sleepNs(absolute ? target - clockNs(clock) : target);
    return 0;
  });
  k.register(SYS.getrandom, (k, a) => {
    const length = Math.min(ptr(a[1]), 1 << 25);
    const bytes = new Uint8Array(length);
    randomFillSync(bytes);
    k.memory.writeBytes(ptr(a[0]), bytes);
    return length;
  });
}
