import { getPriority, hostname, loadavg, release, setPriority, uptime, version } from 'node:os';
import { CAP } from './capabilities.js';
import { guestCpus } from './cpus.js';
import { E, fail } from './errno.js';
import { int, type LinuxKernel, ptr } from './kernel.js';
import { SYS } from './numbers.js';
import { hostMemory } from './synthetic/host-memory.js';
import { registerCloneSyscalls } from './sys-clone.js';
import { registerCredentialSyscalls } from './sys-credentials.js';
import { registerExecSyscalls } from './sys-exec.js';
import { registerFutexSyscalls } from './sys-futex.js';
import { registerHintSyscalls } from './sys-hints.js';
import { registerPidfdSyscalls } from './sys-pidfd.js';
import { registerPrctlSyscalls } from './sys-prctl.js';
import { registerSchedulerSyscalls } from './sys-scheduler.js';
import { registerSignalSyscalls } from './sys-signals.js';

function utsname(k: LinuxKernel): Uint8Array {
  const out = new Uint8Array(65 * 6);
  const fields = ['Linux', hostname(), release(), version(), k.arch.name, '(none)'];
  fields.forEach((f, i) => {
    out.set(Buffer.from(f, 'utf8').subarray(0, 64), i * 65);
  });
  return out;
}

/**
 * struct sysinfo (112 bytes on a 64-bit kernel): uptime, the load averages in 1/65536ths, the
 * memory /proc/meminfo shows (the host's, no swap) in bytes (mem_unit 1), and the number of
 * threads. glibc's sysconf(_SC_PHYS_PAGES) reads it: sort sizes its buffer from it.
 */
function sysinfo(k: LinuxKernel): Uint8Array {
  const out = new Uint8Array(112);
  const v = new DataView(out.buffer);
  v.setBigInt64(0, BigInt(Math.floor(uptime())), true);
  loadavg().forEach((load, i) => {
    v.setBigUint64(8 + i * 8, BigInt(Math.round(load * 65536)), true);
  });
  const memory = hostMemory();
  v.setBigUint64(32, BigInt(memory.total), true);
  v.setBigUint64(40, BigInt(memory.free), true); // freeram: MemFree, not MemAvailable
  let threads = 0;
  for (const p of k.system?.processes.values() ?? [k]) threads += p.threads.length;
  v.setUint16(80, Math.min(threads, 0xffff), true);
  v.setUint32(104, 1, true);
  return out;
}

/** Registers process identity, exit, signals and limits. */
export function registerProcessSyscalls(k: LinuxKernel): void {
  registerSignalSyscalls(k);
  registerPidfdSyscalls(k);
  registerExecSyscalls(k);
  registerCloneSyscalls(k);
  registerFutexSyscalls(k);
  registerCredentialSyscalls(k);
  // Other processes of the group or user are not visible from here: those answer for the
  // guest alone.
  k.register(SYS.getpriority, (k, a) => {
    checkOwnPriority(k, int(a[0]), int(a[1]));
    return 20 - getPriority(); // the raw call answers 20 - nice, so that it is never negative
  });
  k.register(SYS.setpriority, (k, a) => {
    checkOwnPriority(k, int(a[0]), int(a[1]));
    const nice = Math.max(-20, Math.min(19, int(a[2])));
    try {
      setPriority(nice);
    } catch {
      fail(E.EACCES); // lowering the nice value needs privileges the host process lacks
    }
    return 0;
  });
  k.register(SYS.uname, (k, a) => {
    k.memory.writeBytes(ptr(a[0]), utsname(k));
    return 0;
  });
  k.register(SYS.sysinfo, (k, a) => {
    k.memory.writeBytes(ptr(a[0]), sysinfo(k));
    return 0;
  });
  k.register(SYS.prlimit64, (k, a) => prlimit(k, int(a[0]), int(a[1]), ptr(a[2]), ptr(a[3])));
  // The older pair takes no null pointer: a struct rlimit must be there.
  k.register(SYS.getrlimit, (k, a) => prlimit(k, 0, int(a[0]), 0, ptr(a[1]) || fail(E.EFAULT)));
  k.register(SYS.setrlimit, (k, a) => prlimit(k, 0, int(a[0]), ptr(a[1]) || fail(E.EFAULT), 0));
  k.register(SYS.sched_getaffinity, (k, a) => {
    // The kernel's mask is nr_cpu_ids bits, in longs: a buffer with fewer bits, or not a whole
    // number of longs, is EINVAL; the call returns the bytes it wrote.
    const cpus = guestCpus();
    const bits = Math.max(0, ...cpus.possible, ...cpus.allowed) + 1;
    const len = ptr(a[1]);
    if (len * 8 < bits || len % 8 !== 0) fail(E.EINVAL);
    const size = Math.min(len, Math.ceil(bits / 64) * 8);
    const mask = new Uint8Array(size);
    for (const cpu of k.thread.affinity ?? cpus.allowed) mask[cpu >> 3] |= 1 << (cpu & 7);
    k.memory.writeBytes(ptr(a[2]), mask);
    return size;
  });
  registerPrctlSyscalls(k);
  registerSchedulerSyscalls(k);
  registerHintSyscalls(k);
}

/**
 * prlimit64 (and getrlimit, setrlimit): the old limit of `resource` to `oldAddr` and the new one
 * from `newAddr` (each a struct rlimit; 0 for none), of the process `pid` (0: the caller) among
 * the guest's.
 */
function prlimit(k: LinuxKernel, pid: number, resource: number, newAddr: number, oldAddr: number): number {
  const target = pid === 0 || pid === k.pid ? k : k.system?.processes.get(pid);
  if (target?.state !== 'alive') fail(E.ESRCH);
  const [cur, max] = target.limits.get(resource);
  if (newAddr !== 0) {
    const raisesHard = k.credentials.capable(CAP.SYS_RESOURCE);
    target.limits.set(resource, k.memory.read64(newAddr), k.memory.read64(newAddr + 8), raisesHard);
    target.fds.limit = target.limits.openFiles;
  }
  if (oldAddr !== 0) {
    k.memory.write64(oldAddr, cur);
    k.memory.write64(oldAddr + 8, max);
  }
  return 0;
}

/** PRIO_PROCESS, PRIO_PGRP, PRIO_USER: `who` 0 is the caller's own. */
function checkOwnPriority(k: LinuxKernel, which: number, who: number): void {
  if (which < 0 || which > 2) fail(E.EINVAL);
  const own = which === 2 ? k.credentials.user.real : which === 1 ? k.pgid : k.pid;
  if (who !== 0 && who !== own) fail(E.ESRCH);
}
