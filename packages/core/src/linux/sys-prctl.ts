import { E, fail } from './errno.js';
import { int, type LinuxKernel, ptr } from './kernel.js';
import { SYS } from './numbers.js';
import type { GuestThread } from './thread.js';

/** prctl options answered here (include/uapi/linux/prctl.h); every other one is EINVAL, as a kernel without it. */
const PR = {
  SET_PDEATHSIG: 1,
  GET_PDEATHSIG: 2,
  GET_DUMPABLE: 3,
  SET_DUMPABLE: 4,
  GET_KEEPCAPS: 7,
  SET_KEEPCAPS: 8,
  GET_TIMING: 13,
  SET_NAME: 15,
  GET_NAME: 16,
  GET_SECCOMP: 21,
  CAPBSET_READ: 23,
  GET_SECUREBITS: 27,
  SET_TIMERSLACK: 29,
  GET_TIMERSLACK: 30,
  MCE_KILL_GET: 34,
  SET_CHILD_SUBREAPER: 36,
  GET_CHILD_SUBREAPER: 37,
  SET_NO_NEW_PRIVS: 38,
  GET_NO_NEW_PRIVS: 39,
  CAP_AMBIENT: 47,
  GET_TAGGED_ADDR_CTRL: 56,
} as const;

/** The timer slack a thread starts with (50 µs), which PR_SET_TIMERSLACK 0 restores. */
const DEFAULT_TIMER_SLACK = 50_000;
/** CAP_LAST_CAP of the kernels the guest is told about (CAP_CHECKPOINT_RESTORE). */
const LAST_CAP = 40;
/** SECURE_KEEP_CAPS's bit in PR_GET_SECUREBITS. */
const SECBIT_KEEP_CAPS = 1 << 4;
/** PR_MCE_KILL_DEFAULT: the system's policy for memory errors. */
const MCE_KILL_DEFAULT = 2;
const PR_CAP_AMBIENT_IS_SET = 1;

/** TASK_COMM_LEN: a thread's name is at most 15 bytes and a NUL. */
const COMM_LEN = 16;

/**
 * A thread's name as PR_GET_NAME and /proc/PID/comm show it: what PR_SET_NAME set, else the
 * base name of the program its process runs (the kernel sets it at execve), cut to 15 bytes.
 */
export function threadName(t: GuestThread): Buffer {
  if (t.name !== null) return Buffer.from(t.name, 'latin1');
  const path = Buffer.from(t.process.programPath, 'latin1');
  const base = path.subarray(path.lastIndexOf(0x2f) + 1);
  return base.subarray(0, COMM_LEN - 1);
}

function prctl(k: LinuxKernel, a: readonly bigint[]): number {
  const option = int(a[0]);
  const rest = (from: number) => a.slice(from, 5).some((x) => x !== 0n);
  switch (option) {
    case PR.SET_NAME: {
      const bytes = k.memory.readBytes(ptr(a[1]), COMM_LEN);
      const end = bytes.indexOf(0);
      const name = Buffer.from(bytes.subarray(0, end < 0 || end >= COMM_LEN ? COMM_LEN - 1 : end));
      k.thread.name = name.toString('latin1');
      return 0;
    }
    case PR.GET_NAME: {
      const out = new Uint8Array(COMM_LEN);
      out.set(threadName(k.thread));
      k.memory.writeBytes(ptr(a[1]), out);
      return 0;
    }
    case PR.SET_PDEATHSIG: {
      const signo = Number(a[1]);
      if (a[1] > 64n) fail(E.EINVAL);
      k.deathSignal = signo;
      return 0;
    }
    case PR.GET_PDEATHSIG:
      k.memory.write32(ptr(a[1]), k.deathSignal);
      return 0;
    case PR.GET_DUMPABLE:
      return k.dumpable;
    case PR.SET_DUMPABLE:
      if (a[1] !== 0n && a[1] !== 1n) fail(E.EINVAL);
      k.dumpable = Number(a[1]);
      return 0;
    case PR.GET_SECCOMP:
      return 0;
    case PR.GET_KEEPCAPS:
      return k.credentials.caps.keepCaps ? 1 : 0;
    case PR.SET_KEEPCAPS:
      if (a[1] > 1n) fail(E.EINVAL);
      k.credentials.caps.keepCaps = a[1] === 1n;
      return 0;
    case PR.GET_SECUREBITS:
      return k.credentials.caps.keepCaps ? SECBIT_KEEP_CAPS : 0;
    case PR.GET_TIMING:
      return 0; // PR_TIMING_STATISTICAL, the only one there is
    case PR.GET_TIMERSLACK:
      return k.thread.timerSlack;
    case PR.SET_TIMERSLACK:
      k.thread.timerSlack = a[1] === 0n ? DEFAULT_TIMER_SLACK : Number(a[1]);
      return 0;
    case PR.CAPBSET_READ:
      if (a[1] > BigInt(LAST_CAP)) fail(E.EINVAL);
      return Number((k.credentials.caps.bounding >> a[1]) & 1n);
    case PR.CAP_AMBIENT:
      if (a[1] !== BigInt(PR_CAP_AMBIENT_IS_SET)) fail(E.EINVAL);
      if (rest(3) || a[2] > BigInt(LAST_CAP)) fail(E.EINVAL);
      return Number((k.credentials.caps.ambient >> a[2]) & 1n);
    case PR.MCE_KILL_GET:
      if (rest(1)) fail(E.EINVAL);
      return MCE_KILL_DEFAULT;
    case PR.GET_TAGGED_ADDR_CTRL:
      if (!k.arch.syscalls.taggedAddressAbi || rest(1)) fail(E.EINVAL);
      return 0; // the tagged address ABI is off, as it starts
    case PR.SET_CHILD_SUBREAPER:
      k.childSubreaper = a[1] !== 0n;
      return 0;
    case PR.GET_CHILD_SUBREAPER:
      k.memory.write32(ptr(a[1]), k.childSubreaper ? 1 : 0);
      return 0;
    case PR.SET_NO_NEW_PRIVS:
      if (a[1] !== 1n || rest(2)) fail(E.EINVAL);
      k.noNewPrivs = true;
      return 0;
    case PR.GET_NO_NEW_PRIVS:
      if (rest(1)) fail(E.EINVAL);
      return k.noNewPrivs ? 1 : 0;
    default:
      fail(E.EINVAL);
  }
}

export function registerPrctlSyscalls(k: LinuxKernel): void {
  k.register(SYS.prctl, (k, a) => prctl(k, a));
}
