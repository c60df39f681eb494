import { E, fail } from './errno.js';
import { int, type LinuxKernel, ptr } from './kernel.js';
import { SYS } from './numbers.js';
import type { GuestSystem } from './system.js';
import { now } from './timers.js';
import { readTimespec } from './timespec.js';

const FUTEX = {
  WAIT: 0,
  WAKE: 1,
  REQUEUE: 3,
  CMP_REQUEUE: 4,
  WAKE_OP: 5,
  WAIT_BITSET: 9,
  WAKE_BITSET: 10,
} as const;
const FUTEX_PRIVATE = 128;
const FUTEX_CLOCK_REALTIME = 256;

/** The futex word at `addr`, which must be 4-byte aligned and readable. */
function word(k: LinuxKernel, addr: number): number {
  if (addr % 4 !== 0) fail(E.EINVAL);
  return k.memory.read32(addr) >>> 0;
}

/**
 * FUTEX_WAIT / FUTEX_WAIT_BITSET: sleeps while the word holds `expected`, until a wake that
 * matches `bitset`, the timeout (relative for WAIT, absolute for WAIT_BITSET) or a signal.
 */
function wait(
  k: LinuxKernel,
  system: GuestSystem,
  addr: number,
  expected: number,
  timeout: number,
  bitset: number,
  absolute: boolean,
  realtime: boolean,
): number {
  if (bitset === 0) fail(E.EINVAL);
  const queued = system.futexes.waiting(k.thread);
  if (queued?.woken) {
    system.futexes.forget(k.thread);
    return 0;
  }
  if (word(k, addr) !== expected >>> 0) {
    system.futexes.forget(k.thread);
    fail(E.EAGAIN);
  }
  let deadline: bigint | null = null;
  if (timeout !== 0) {
    const ns = readTimespec(k, timeout);
    if (!absolute) deadline = k.deadline(ns);
    else {
      // An absolute time on CLOCK_MONOTONIC (or CLOCK_REALTIME), as a monotonic deadline.
      const clockNow = realtime ? BigInt(Date.now()) * 1_000_000n : now();
      deadline = k.thread.resumeDeadline ?? now() + (ns - clockNow);
    }
  } else {
    deadline = k.deadline(null);
  }
  const waiter = queued ?? system.futexes.enqueue(k.thread, k.memory, addr, bitset);
  const outcome = k.block(deadline, 'futex wait that no thread can wake', k.signals.mask, () => waiter.woken);
  system.futexes.forget(k.thread);
  if (waiter.woken) return 0;
  fail(outcome === 'timeout' ? E.ETIMEDOUT : E.EINTR);
}

/** FUTEX_WAKE_OP's operation on the second word, and its comparison of the old value. */
function wakeOp(
  k: LinuxKernel,
  system: GuestSystem,
  addr: number,
  count: number,
  addr2: number,
  count2: number,
  encoded: number,
): number {
  const op = (encoded >>> 28) & 7;
  const cmp = (encoded >>> 24) & 15;
  let oparg = (encoded << 8) >> 20; // 12 bits, sign-extended
  const cmparg = (encoded << 20) >> 20;
  if (encoded & (8 << 28)) oparg = 1 << (oparg & 31); // FUTEX_OP_OPARG_SHIFT
  const old = word(k, addr2) | 0;
  let next: number;
  switch (op) {
    case 0:
      next = oparg;
      break;
    case 1:
      next = old + oparg;
      break;
    case 2:
      next = old | oparg;
      break;
    case 3:
      next = old & ~oparg;
      break;
    case 4:
      next = old ^ oparg;
      break;
    default:
      fail(E.ENOSYS);
  }
  k.memory.write32(addr2, next >>> 0);
  let woken = system.futexes.wake(k.memory, addr, count, 0xffffffff);
  const tests = [old === cmparg, old !== cmparg, old < cmparg, old <= cmparg, old > cmparg, old >= cmparg];
  if (cmp > 5) fail(E.ENOSYS);
  if (tests[cmp]) woken += system.futexes.wake(k.memory, addr2, count2, 0xffffffff);
  return woken;
}

/**
 * futex(2) over the guest's words: WAIT, WAKE, their BITSET forms, REQUEUE, CMP_REQUEUE and
 * WAKE_OP, private or shared alike (each process has memory of its own, so the two coincide).
 * Priority-inheritance operations are not offered (ENOSYS, as for a kernel without them).
 */
function futex(k: LinuxKernel, a: readonly bigint[]): number {
  const system = k.system;
  const addr = ptr(a[0]);
  const op = int(a[1]);
  const cmd = op & ~(FUTEX_PRIVATE | FUTEX_CLOCK_REALTIME);
  const val = int(a[2]);
  const realtime = (op & FUTEX_CLOCK_REALTIME) !== 0;
  if (realtime && cmd !== FUTEX.WAIT_BITSET && cmd !== FUTEX.WAIT) fail(E.ENOSYS);
  if (system === null) {
    // Without a scheduler there is one thread: a wait can only end by its timeout.
    if (cmd === FUTEX.WAIT || cmd === FUTEX.WAIT_BITSET) {
      if (word(k, addr) !== val >>> 0) fail(E.EAGAIN);
      fail(a[3] !== 0n ? E.ETIMEDOUT : E.EAGAIN);
    }
    if (cmd === FUTEX.WAKE || cmd === FUTEX.WAKE_BITSET) return 0;
    fail(E.ENOSYS);
  }
  switch (cmd) {
    case FUTEX.WAIT:
      return wait(k, system, addr, val, ptr(a[3]), 0xffffffff, false, realtime);
    case FUTEX.WAIT_BITSET:
      return wait(k, system, addr, val, ptr(a[3]), int(a[5]) >>> 0, true, realtime);
    case FUTEX.WAKE:
      word(k, addr);
      return system.futexes.wake(k.memory, addr, val, 0xffffffff);
    case FUTEX.WAKE_BITSET:
      if (int(a[5]) === 0) fail(E.EINVAL);
      word(k, addr);
      return system.futexes.wake(k.memory, addr, val, int(a[5]) >>> 0);
    case FUTEX.REQUEUE:
    case FUTEX.CMP_REQUEUE: {
      const requeue = int(a[3]);
      if (val < 0 || requeue < 0) fail(E.EINVAL);
      if (cmd === FUTEX.CMP_REQUEUE && word(k, addr) !== int(a[5]) >>> 0) fail(E.EAGAIN);
      const woken = system.futexes.wake(k.memory, addr, val, 0xffffffff);
      const moved = system.futexes.requeue(k.memory, addr, ptr(a[4]), requeue);
      return cmd === FUTEX.CMP_REQUEUE ? woken + moved : woken;
    }
    case FUTEX.WAKE_OP:
      return wakeOp(k, system, addr, val, ptr(a[4]), int(a[3]), int(a[5]));
    default:
      fail(E.ENOSYS);
  }
}

/** membarrier(2)'s commands: every guest thread runs on one host thread, so each barrier holds already. */
const MEMBARRIER_SUPPORTED = 1 | 2 | 4 | 8 | 16 | 32 | 64;

/** Registers futex and membarrier. */
export function registerFutexSyscalls(k: LinuxKernel): void {
  k.register(SYS.futex, (k, a) => futex(k, a));
  k.register(SYS.membarrier, (_k, a) => {
    const cmd = int(a[0]);
    if (int(a[1]) !== 0 && cmd !== 0) fail(E.EINVAL);
    if (cmd === 0) return MEMBARRIER_SUPPORTED;
    if ((cmd & MEMBARRIER_SUPPORTED) !== cmd || (cmd & (cmd - 1)) !== 0) fail(E.EINVAL);
    return 0;
  });
}
