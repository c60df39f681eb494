import type { Cpu } from '../cpu/cpu.js';
import { SIGNALS } from '../signals.js';
import { CpuUsage, encodeRusage } from './cpu-usage.js';
import { E, fail } from './errno.js';
import { int, type LinuxKernel, ptr } from './kernel.js';
import { ALL_NAMESPACES } from './namespace-flags.js';
import { SYS } from './numbers.js';
import { Reschedule } from './scheduling.js';
import { CLD_CONTINUED, CLD_STOPPED, childInfo, jobInfo } from './siginfo.js';
import { parentPid } from './synthetic/process-text.js';
import type { GuestSystem } from './system.js';
import { GuestThread } from './thread.js';

/** clone(2) flags. */
const CLONE = {
  VM: 0x100,
  FS: 0x200,
  FILES: 0x400,
  SIGHAND: 0x800,
  PIDFD: 0x1000,
  PTRACE: 0x2000,
  VFORK: 0x4000,
  PARENT: 0x8000,
  THREAD: 0x10000,
  NEWNS: 0x20000,
  SYSVSEM: 0x40000,
  SETTLS: 0x80000,
  PARENT_SETTID: 0x100000,
  CHILD_CLEARTID: 0x200000,
  DETACHED: 0x400000,
  UNTRACED: 0x800000,
  CHILD_SETTID: 0x1000000,
  /** Namespaces and cgroups: not offered (a new namespace needs privileges the guest lacks here). */
  NAMESPACES: ALL_NAMESPACES,
  CLEAR_SIGHAND: 0x100000000n,
  INTO_CGROUP: 0x200000000n,
} as const;

interface CloneRequest {
  readonly flags: bigint;
  readonly exitSignal: number;
  /** The new stack pointer (0: the caller's). */
  readonly stack: bigint;
  readonly parentTid: number;
  readonly childTid: number;
  readonly tls: bigint;
}

function systemOf(k: LinuxKernel): GuestSystem {
  if (k.system === null) fail(E.ENOSYS); // a kernel used without a scheduler cannot run a second thread
  return k.system;
}

/** The caller's registers as the new thread starts with them: the call returns 0 there. */
function childRegisters(k: LinuxKernel, cpu: Cpu, request: CloneRequest): Uint8Array {
  const regs = cpu.u8.slice();
  const slots = new BigUint64Array(regs.buffer);
  const layout = k.arch.registers;
  slots[k.arch.syscalls.result] = 0n;
  if (request.stack !== 0n) slots[layout.sp] = request.stack;
  if (Number(request.flags) & CLONE.SETTLS) {
    if (layout.threadPointer === undefined) fail(E.EINVAL);
    slots[layout.threadPointer] = request.tls;
  }
  return regs;
}

/**
 * clone and clone3: a thread of this process (CLONE_THREAD: same memory, descriptors and
 * handlers), or a child process — a copy of this one (fork), or one sharing this memory until it
 * calls execve or exits while the caller waits (CLONE_VM|CLONE_VFORK, as vfork and posix_spawn).
 */
function clone(k: LinuxKernel, cpu: Cpu, request: CloneRequest): number {
  const system = systemOf(k);
  const flags = request.flags;
  const low = Number(flags & 0xffffffffn);
  if (flags & ~0x3ffffffffn || low & CLONE.NAMESPACES || flags & CLONE.INTO_CGROUP) fail(E.EINVAL);
  if (low & CLONE.SIGHAND && !(low & CLONE.VM)) fail(E.EINVAL);
  if (low & CLONE.THREAD && !(low & CLONE.SIGHAND)) fail(E.EINVAL);
  if (flags & CLONE.CLEAR_SIGHAND && low & CLONE.SIGHAND) fail(E.EINVAL);
  if (low & CLONE.PIDFD) fail(E.EINVAL); // pidfds are not offered
  if (request.exitSignal < 0 || request.exitSignal > 64) fail(E.EINVAL);
  const regs = childRegisters(k, cpu, request);
  const tid = system.allocatePid();

  if (low & CLONE.THREAD) {
    const t = new GuestThread(tid, k);
    t.regs = regs;
    t.mask = k.signals.mask;
    t.name = k.thread.name;
    t.affinity = k.thread.affinity; // a new thread runs where its creator may
    t.timerSlack = k.thread.timerSlack;
    if (low & CLONE.CHILD_CLEARTID) t.clearChildTid = request.childTid;
    if (low & CLONE.PARENT_SETTID) k.memory.write32(request.parentTid, tid);
    if (low & CLONE.CHILD_SETTID) k.memory.write32(request.childTid, tid);
    system.addThread(t);
    return tid;
  }

  const shared = (low & CLONE.VM) !== 0;
  const machine = shared ? (k.machine ?? fail(E.EINVAL)) : system.newMachine(k.memory.fork());
  const child = k.forkChild(tid, machine.memory, { resetHandlers: (flags & CLONE.CLEAR_SIGHAND) !== 0n });
  child.exitSignal = request.exitSignal;
  child.parent = low & CLONE.PARENT ? k.parent : k;
  child.parent?.children.add(child);
  if (shared) child.signals.altStack = { sp: 0n, size: 0n, flags: 2 };
  const t = child.thread;
  t.regs = regs;
  if (low & CLONE.CHILD_CLEARTID) t.clearChildTid = request.childTid;
  if (low & CLONE.PARENT_SETTID) k.memory.write32(request.parentTid, tid);
  if (low & CLONE.CHILD_SETTID) child.memory.write32(request.childTid, tid);
  system.addProcess(child, machine);
  if (!shared) {
    machine.cpu.u8.set(regs); // a machine of its own: its CPU holds the child's registers
    t.regs = null;
  }
  if (low & CLONE.VFORK) {
    child.vforkParent = k.thread;
    k.waitAfterReturn(() => child.vforkParent === null, 'a vfork child that neither execs nor exits');
  }
  return tid;
}

/** clone3's `struct clone_args` (at least CLONE_ARGS_SIZE_VER0, 64 bytes). */
function clone3(k: LinuxKernel, cpu: Cpu, addr: number, size: number): number {
  if (size < 64 || size > 4096) fail(E.EINVAL);
  const field = (i: number): bigint => k.memory.read64(addr + 8 * i);
  // Fields past the ones known here must be zero, as the kernel checks.
  for (let at = 88; at + 8 <= size; at += 8) if (k.memory.read64(addr + at) !== 0n) fail(E.E2BIG);
  const exitSignal = field(4);
  const stack = field(5);
  const stackSize = field(6);
  if (size >= 80 && field(9) !== 0n) fail(E.EINVAL); // set_tid needs privileges in the pid namespace
  if (exitSignal > 64n || (stack === 0n) !== (stackSize === 0n)) fail(E.EINVAL);
  return clone(k, cpu, {
    flags: field(0),
    exitSignal: Number(exitSignal),
    stack: stack === 0n ? 0n : stack + stackSize,
    parentTid: ptr(field(3)),
    childTid: ptr(field(2)),
    tls: field(7),
  });
}

/** wait(2)'s pid argument: a child that matches it. */
function matches(child: LinuxKernel, pid: number, caller: LinuxKernel): boolean {
  if (pid > 0) return child.pid === pid;
  if (pid === 0) return child.pgid === caller.pgid;
  if (pid < -1) return child.pgid === -pid;
  return true;
}

const WNOHANG = 1;
const WUNTRACED = 2; // waitid's WSTOPPED
const WEXITED = 4;
const WCONTINUED = 8;
const WNOWAIT = 0x1000000;
const WAIT_KIND = 0x20000000 | 0x40000000 | 0x80000000; // __WNOTHREAD, __WALL, __WCLONE

/** What a wait may report of a child: that it ended, stopped, or was continued. */
type Change = 'exited' | 'stopped' | 'continued';

/** The change of `child` a wait with `options` reports now, if any. */
function changeOf(child: LinuxKernel, options: number): Change | null {
  if (child.state === 'zombie') return options & WEXITED ? 'exited' : null;
  if (child.state !== 'alive') return null;
  if (options & WUNTRACED && child.stopped && child.jobReport === 'stopped') return 'stopped';
  if (options & WCONTINUED && child.jobReport === 'continued') return 'continued';
  return null;
}

/**
 * The first matching child with a change to report (oldest child first, as the kernel walks
 * them), or null when the caller must wait (ECHILD when no child matches at all).
 */
function findChange(
  k: LinuxKernel,
  pid: number,
  options: number,
): { child: LinuxKernel; change: Change } | null {
  let any = false;
  for (const child of k.children) {
    if (!matches(child, pid, k)) continue;
    any = true;
    const change = changeOf(child, options);
    if (change !== null) return { child, change };
  }
  if (!any) fail(E.ECHILD);
  return null;
}

/** What wait4 reports of a child: its own CPU time and that of the children it waited for. */
function usageOfReaped(child: LinuxKernel): CpuUsage {
  const total = new CpuUsage();
  total.addChild(child.usage);
  total.addChild(child.childUsage);
  return total;
}

/** A child was waited for: its time becomes the parent's children's time (RUSAGE_CHILDREN). */
function collect(k: LinuxKernel, child: LinuxKernel): void {
  k.childUsage.addChild(usageOfReaped(child));
}

/** Waits for a matching child to change (or a signal); throws Blocked, EINTR or ERESTARTSYS. */
function waitForChild(k: LinuxKernel, pid: number, options: number): never {
  const ready = () => [...k.children].some((c) => matches(c, pid, k) && changeOf(c, options) !== null);
  k.block(null, 'wait for a child that cannot end', k.signals.mask, ready);
  fail(E.ERESTARTSYS);
}

/** wait(2)'s status word for a change: the zombie's, stopped (WIFSTOPPED), or continued (WIFCONTINUED). */
function statusOf(child: LinuxKernel, change: Change): number {
  if (change === 'stopped') return (child.stopSignal << 8) | 0x7f;
  if (change === 'continued') return 0xffff;
  return child.waitStatus;
}

/** The wait collected `change` of `child`: a zombie is gone, a stop or continue is reported once. */
function consume(k: LinuxKernel, child: LinuxKernel, change: Change): void {
  if (change !== 'exited') {
    child.jobReport = null;
    return;
  }
  collect(k, child);
  systemOf(k).reap(child);
}

function wait4(k: LinuxKernel, pid: number, statusAddr: number, options: number, rusage: number): number {
  if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | WAIT_KIND) || pid === -2147483648) fail(E.EINVAL);
  const found = findChange(k, pid, options | WEXITED);
  if (found === null) {
    if (options & WNOHANG) return 0;
    waitForChild(k, pid, options | WEXITED);
  }
  const { child, change } = found;
  if (statusAddr !== 0) k.memory.write32(statusAddr, statusOf(child, change));
  if (rusage !== 0) k.memory.writeBytes(rusage, encodeRusage(usageOfReaped(child)));
  consume(k, child, change);
  return child.pid;
}

const P_ALL = 0;
const P_PID = 1;
const P_PGID = 2;

/** waitid's siginfo for a change: CLD_EXITED, CLD_KILLED or CLD_DUMPED with the status, or CLD_STOPPED / CLD_CONTINUED with the signal. */
function waitidInfo(child: LinuxKernel, change: Change): Uint8Array {
  if (change === 'stopped')
    return jobInfo(child.pid, child.credentials.user.real, CLD_STOPPED, child.stopSignal);
  if (change === 'continued')
    return jobInfo(child.pid, child.credentials.user.real, CLD_CONTINUED, SIGNALS.SIGCONT);
  return childInfo(SIGNALS.SIGCHLD, child.pid, child.credentials.user.real, child.waitStatus);
}

function waitid(k: LinuxKernel, idtype: number, id: number, infop: number, options: number, rusage: number) {
  if (options & ~(WNOHANG | WUNTRACED | WEXITED | WCONTINUED | WNOWAIT | WAIT_KIND)) fail(E.EINVAL);
  if (!(options & (WEXITED | WUNTRACED | WCONTINUED))) fail(E.EINVAL);
  let pid: number;
  if (idtype === P_ALL) pid = -1;
  else if (idtype === P_PID && id > 0) pid = id;
  else if (idtype === P_PGID && id >= 0) pid = id === 0 ? 0 : -id;
  else fail(E.EINVAL);
  const found = findChange(k, pid, options);
  if (found === null) {
    if (options & WNOHANG) {
      if (infop !== 0) k.memory.writeBytes(infop, new Uint8Array(128));
      return 0;
    }
    waitForChild(k, pid, options);
  }
  const { child, change } = found;
  if (infop !== 0) k.memory.writeBytes(infop, waitidInfo(child, change));
  if (rusage !== 0) k.memory.writeBytes(rusage, encodeRusage(usageOfReaped(child)));
  if (!(options & WNOWAIT)) consume(k, child, change);
  return 0;
}

/** The process with pid `pid` (0: the caller) that the caller may see, or ESRCH. */
function processOf(k: LinuxKernel, pid: number): LinuxKernel {
  if (pid === 0) return k;
  const target = k.system?.processes.get(pid) ?? (pid === k.pid ? k : undefined);
  if (!target || target.state === 'reaped') fail(E.ESRCH);
  return target;
}

function setpgid(k: LinuxKernel, pid: number, pgid: number): number {
  if (pgid < 0) fail(E.EINVAL);
  const target = processOf(k, pid);
  if (target !== k && target.parent !== k) fail(E.ESRCH);
  if (target.sid !== k.sid) fail(E.EPERM);
  if (target.sid === target.pid) fail(E.EPERM); // a session leader keeps its group
  const group = pgid === 0 ? target.pid : pgid;
  if (group !== target.pid) {
    const exists = [...(k.system?.processes.values() ?? [])].some(
      (p) => p.state === 'alive' && p.pgid === group && p.sid === k.sid,
    );
    if (!exists) fail(E.EPERM);
  }
  target.pgid = group;
  return 0;
}

function setsid(k: LinuxKernel): number {
  const leads = [...(k.system?.processes.values() ?? [k])].some((p) => p !== k && p.pgid === k.pid);
  if (k.pgid === k.pid || leads) fail(E.EPERM);
  k.sid = k.pid;
  k.pgid = k.pid;
  return k.pid;
}

/** Registers the calls that make, end and wait for processes and threads, and their ids. */
export function registerCloneSyscalls(k: LinuxKernel): void {
  k.register(SYS.clone, (k, a, cpu) =>
    clone(k, cpu, {
      flags: a[0] & 0xffffffffn & ~0xffn,
      exitSignal: Number(a[0] & 0xffn),
      stack: a[1],
      parentTid: ptr(a[2]),
      tls: a[3],
      childTid: ptr(a[4]),
    }),
  );
  k.register(SYS.clone3, (k, a, cpu) => clone3(k, cpu, ptr(a[0]), ptr(a[1])));
  k.register(SYS.exit, (k, a) => {
    systemOf(k).exitThread(k.thread, int(a[0]));
    throw new Reschedule();
  });
  k.register(SYS.exit_group, (k, a) => {
    systemOf(k).exitProcess(k, { exitCode: int(a[0]) & 0xff });
    throw new Reschedule();
  });
  k.register(SYS.wait4, (k, a) => wait4(k, int(a[0]), ptr(a[1]), int(a[2]), ptr(a[3])));
  k.register(SYS.waitid, (k, a) => waitid(k, int(a[0]), int(a[1]), ptr(a[2]), int(a[3]), ptr(a[4])));
  k.register(SYS.getpid, (k) => k.pid);
  k.register(SYS.gettid, (k) => k.thread.tid);
  k.register(SYS.getppid, (k) => parentPid(k));
  k.register(SYS.getpgid, (k, a) => processOf(k, int(a[0])).pgid);
  k.register(SYS.getsid, (k, a) => processOf(k, int(a[0])).sid);
  k.register(SYS.setpgid, (k, a) => setpgid(k, int(a[0]), int(a[1])));
  k.register(SYS.setsid, (k) => setsid(k));
  k.register(SYS.set_tid_address, (k, a) => {
    k.thread.clearChildTid = ptr(a[0]);
    return k.thread.tid;
  });
  k.register(SYS.set_robust_list, (k, a) => {
    if (a[1] !== 24n) fail(E.EINVAL);
    k.thread.robustList = ptr(a[0]);
    return 0;
  });
  k.register(SYS.sched_yield, (k) => {
    k.yieldAfterReturn();
    return 0;
  });
}
