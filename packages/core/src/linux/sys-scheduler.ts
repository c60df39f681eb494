import { guestCpus } from './cpus.js';
import { E, fail } from './errno.js';
import { int, type LinuxKernel, ptr } from './kernel.js';
import { SYS } from './numbers.js';
import type { GuestThread } from './thread.js';

/** Scheduling policies (include/uapi/linux/sched.h). */
const SCHED = { OTHER: 0, FIFO: 1, RR: 2, BATCH: 3, IDLE: 5, DEADLINE: 6 } as const;

/** The thread a scheduling call names: 0 for the caller, else any thread of the run (ESRCH). */
function threadNamed(k: LinuxKernel, pid: number): GuestThread {
  if (pid < 0) fail(E.EINVAL);
  if (pid === 0 || pid === k.thread.tid) return k.thread;
  const thread = k.system?.thread(pid);
  if (!thread) fail(E.ESRCH);
  return thread;
}

/** The CPUs of the affinity mask at `addr`, `len` bytes long. */
function readMask(k: LinuxKernel, addr: number, len: number): number[] {
  const bytes = k.memory.readBytes(addr, Math.min(len, 1024));
  const cpus: number[] = [];
  bytes.forEach((byte, i) => {
    for (let bit = 0; bit < 8; bit++) if (byte & (1 << bit)) cpus.push(i * 8 + bit);
  });
  return cpus;
}

/**
 * The scheduler as a thread sees it: every thread runs SCHED_OTHER at priority 0, and its
 * affinity is the host's CPUs until sched_setaffinity narrows it (to CPUs the host has online;
 * none of them is EINVAL). The guest's threads share one host thread whatever the mask says.
 */
export function registerSchedulerSyscalls(k: LinuxKernel): void {
  k.register(SYS.sched_setaffinity, (k, a) => {
    const thread = threadNamed(k, int(a[0]));
    const online = new Set(guestCpus().allowed);
    const wanted = readMask(k, ptr(a[2]), ptr(a[1])).filter((cpu) => online.has(cpu));
    if (wanted.length === 0) fail(E.EINVAL);
    thread.affinity = wanted;
    return 0;
  });
  k.register(SYS.sched_getscheduler, (k, a) => {
    threadNamed(k, int(a[0]));
    return SCHED.OTHER;
  });
  k.register(SYS.sched_getparam, (k, a) => {
    if (ptr(a[1]) === 0) fail(E.EINVAL);
    threadNamed(k, int(a[0]));
    k.memory.write32(ptr(a[1]), 0);
    return 0;
  });
  const realTime = (policy: number) => policy === SCHED.FIFO || policy === SCHED.RR;
  const known = (policy: number) => (Object.values(SCHED) as number[]).includes(policy);
  k.register(SYS.sched_get_priority_max, (_k, a) => {
    if (!known(int(a[0]))) fail(E.EINVAL);
    return realTime(int(a[0])) ? 99 : 0;
  });
  k.register(SYS.sched_get_priority_min, (_k, a) => {
    if (!known(int(a[0]))) fail(E.EINVAL);
    return realTime(int(a[0])) ? 1 : 0;
  });
}
