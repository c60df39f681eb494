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
  SET_NAME: 15,
  GET_NAME: 16,
  GET_SECCOMP: 21,
  SET_CHILD_SUBREAPER: 36,
  GET_CHILD_SUBREAPER: 37,
  SET_NO_NEW_PRIVS: 38,
  GET_NO_NEW_PRIVS: 39,
} as const;

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
