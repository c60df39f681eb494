import { fstatSync } from 'node:fs';
import type { Architecture } from '../arch.js';
import type { Cpu } from '../cpu/cpu.js';
import type { Machine } from '../machine.js';
import type { PagedMemory } from '../memory/paged-memory.js';
import { GuestFault, GuestSignal } from '../signals.js';
import { CpuUsage } from './cpu-usage.js';
import { Credentials } from './credentials.js';
import { E, errnoOf } from './errno.js';
import { FdTable, OpenFile } from './fd-table.js';
import { FileLocks } from './file-locks.js';
import { guestPathAt, hostPathAt } from './guest-paths.js';
import { hostJobIds } from './host-job-ids.js';
import { inheritedStatusFlags } from './inherited-flags.js';
import { FsWatchers } from './inotify.js';
import { IpcNamespace } from './ipc-namespace.js';
import { SYS, syscallName } from './numbers.js';
import { byteStringOf, PathResolver } from './paths.js';
import { GuestDeadlockError } from './pipe.js';
import { expirePosixTimers } from './posix-timer-signals.js';
import { PosixTimers } from './posix-timers.js';
import type { PrivateDirectory } from './private-directory.js';
import type { ImageLayout } from './process-image.js';
import { ResourceLimits } from './resource-limits.js';
import { Blocked, GuestExit, RESUME_AFTER_STOP, Reschedule, type StopRule } from './scheduling.js';
import { SI, senderInfo } from './siginfo.js';
import { deliverFault, deliverPending } from './signal-delivery.js';
import { leftToMain, postToProcess, postToThread } from './signal-routing.js';
import { SignalState } from './signal-state.js';
import { TracedCall } from './strace/trace-call.js';
import { overlayEntry } from './synthetic/tree.js';
import { releasePosixLocksOnClose } from './sys-locks.js';
import type { GuestSystem } from './system.js';
import { GuestThread } from './thread.js';
import { IntervalTimers, now, sleepUntil } from './timers.js';

export { GuestExit };

/** Where a process is in its life: running, a zombie waiting for its parent, or gone. */
export type ProcessState = 'alive' | 'zombie' | 'reaped';

/**
 * A system call implementation: returns the (non-negative) result or throws SyscallError. `cpu`
 * is for the few that need more than their arguments (rt_sigreturn, sigaltstack).
 */
export type SyscallHandler = (k: LinuxKernel, a: readonly bigint[], cpu: Cpu) => number | bigint;

export interface KernelOptions {
  readonly memory: PagedMemory;
  readonly arch: Architecture;
  /** Directory that is "/" for the guest, or null to use the host's file system directly. */
  readonly sysroot: string | null;
  /** The guest's initial working directory (a guest path). */
  readonly cwd: string;
  /** Host descriptors the guest sees as 0, 1 and 2. */
  readonly stdio: readonly [number, number, number];
  /** Guest path of the running program (readlink /proc/self/exe, AT_EXECFN). */
  readonly programPath: string;
  /** Receives one line per system call when tracing (like strace), else null. */
  readonly trace: ((line: string) => void) | null;
  /** The process id (and its first thread's id). Default: the host process's pid. */
  readonly pid?: number;
  /** Guest directories backed by private host directories (with a sysroot: /dev/shm). */
  readonly mounts?: ReadonlyMap<string, PrivateDirectory>;
}

/** Sign helpers for syscall arguments (int arguments only have 32 meaningful bits). */
export const int = (x: bigint): number => Number(BigInt.asIntN(32, x));
export const long = (x: bigint): number => Number(BigInt.asIntN(64, x));
export const ptr = (x: bigint): number => Number(x);

export const AT_FDCWD = -100;

/**
 * One guest process as the Linux personality it talks to: its memory and threads, file
 * descriptors, paths (with the optional sysroot), signal dispositions, and a table of system call
 * handlers over Node's synchronous APIs. The processes of one run belong to a `GuestSystem`,
 * which schedules their threads and holds what they share (pids, futexes).
 */
export class LinuxKernel {
  /** Guest memory; replaced when execve gives the process a new machine. */
  memory: PagedMemory;
  /** The machine running this process (set by the system; shared with a vfork parent until execve). */
  machine: Machine | null = null;
  /** The system this process belongs to (null only for a kernel used without a scheduler). */
  system: GuestSystem | null = null;
  readonly arch: Architecture;
  fds = new FdTable();
  readonly paths: PathResolver;
  readonly pid: number;
  /** The parent process; null for the first process and for orphans (whose parent is init). */
  parent: LinuxKernel | null = null;
  readonly children = new Set<LinuxKernel>();
  pgid: number;
  sid: number;
  /**
   * The session whose controlling terminal this process gave up with TIOCNOTTY while not its
   * leader (the session keeps the terminal; this process and its later children have none).
   */
  leftTerminalOf: number | null = null;
  state: ProcessState = 'alive';
  /** wait(2)'s status word once the process is a zombie. */
  waitStatus = 0;
  /** Stopped by a stop signal: none of its threads runs until SIGCONT (or SIGKILL). */
  stopped = false;
  /** The signal that stopped it last. */
  stopSignal = 0;
  /** A stop or continue its parent's wait (WUNTRACED, WCONTINUED) has not reported yet. */
  jobReport: 'stopped' | 'continued' | null = null;
  /** The signal the parent gets when this process ends (CLONE's exit signal; SIGCHLD for fork). */
  exitSignal = 17;
  /** The thread running now (or last), whose registers are in the CPU. */
  thread: GuestThread;
  /** Live threads, the first one first. */
  readonly threads: GuestThread[] = [];
  /** A vfork parent thread, waiting until this process calls execve or exits. */
  vforkParent: GuestThread | null = null;
  cwd: string;
  /** Guest path of the running program (a byte string; changes with execve). */
  programPath: string;
  /**
   * Host file behind /proc/self/exe. The first program's `programPath` is its guest path when it
   * lies inside the sysroot, else the host path (as the kernel shows a file outside a process's
   * root); after execve it is the guest path, mapped through the sysroot.
   */
  programHostPath: string | Buffer;
  readonly trace: ((line: string) => void) | null;
  /** Signal dispositions, pending signals, and (for the running thread) mask and alternate stack. */
  signals = new SignalState(this.threads);
  /** setitimer's timers; they send their signals between blocks and to blocked calls. */
  readonly timers = new IntervalTimers();
  /** timer_create's timers, sent like setitimer's. */
  readonly posixTimers = new PosixTimers();
  umask = 0o022;
  /** User and group ids: the host process's at the start, inherited by children. */
  credentials = Credentials.ofHost();
  /** getrlimit/setrlimit: the host process's at the start, inherited by children. */
  limits = ResourceLimits.initial();
  /** CPU time of this process's threads, live and ended (getrusage RUSAGE_SELF, times). */
  readonly usage = new CpuUsage();
  /** CPU time of the children it waited for, and of theirs (RUSAGE_CHILDREN, tms_cutime). */
  readonly childUsage = new CpuUsage();
  /** prctl(PR_SET_PDEATHSIG): the signal this process gets when its parent ends (0: none). */
  deathSignal = 0;
  /** prctl(PR_SET_DUMPABLE). */
  dumpable = 1;
  /** prctl(PR_SET_CHILD_SUBREAPER): orphaned descendants are re-parented to it rather than to init. */
  childSubreaper = false;
  /** prctl(PR_SET_NO_NEW_PRIVS): once set, for good, and inherited. */
  noNewPrivs = false;
  /** Where exec put argv, the environment and the auxv (/proc/PID/cmdline, environ, auxv). */
  layout: ImageLayout | null = null;
  /** When the process was created (Date.now()), for /proc/PID/stat's start time. */
  readonly startedAt = Date.now();
  private handlers = new Map<number, SyscallHandler>();
  /** Record and flock locks when this kernel runs without a system (which otherwise holds them). */
  private ownLocks: FileLocks | null = null;
  private ownWatchers: FsWatchers | null = null;
  private ownIpc: IpcNamespace | null = null;
  private readonly reportedUnknown = new Set<number>();

  constructor(options: KernelOptions) {
    this.memory = options.memory;
    this.arch = options.arch;
    this.pid = options.pid ?? process.pid;
    // The host process's own ids for the process that is the host process; a fork's child
    // takes its parent's (forkChild).
    const host = options.pid === undefined ? hostJobIds() : null;
    this.pgid = host?.pgid ?? this.pid;
    this.sid = host?.sid ?? this.pid;
    this.thread = new GuestThread(this.pid, this);
    this.threads.push(this.thread);
    this.signals.thread = this.thread;
    // /proc, /sys and /dev are the kernel's, made up for this process whatever the root holds.
    this.paths = new PathResolver(options.sysroot, options.mounts, (parts) => overlayEntry(this, parts));
    this.cwd = byteStringOf(options.cwd);
    this.programPath = this.paths.toGuest(options.programPath);
    this.programHostPath = options.programPath;
    this.trace = options.trace;
    this.watchCloses();
    this.fds.limit = this.limits.openFiles;
    options.stdio.forEach((hostFd, guestFd) => {
      let kind: 'file' | 'stream' = 'stream';
      try {
        kind = fstatSync(hostFd).isFile() ? 'file' : 'stream';
      } catch {
        return; // not open in the host: not open in the guest either
      }
      const flags = inheritedStatusFlags(hostFd, guestFd === 0 ? 0 : 1);
      this.fds.installAt(guestFd, new OpenFile(hostFd, null, null, flags, kind, false));
    });
  }

  /**
   * A child process as fork makes it, with pid `pid`, running in `memory`: copies of this
   * process's descriptor table (sharing the open file descriptions), working directory, umask,
   * signal dispositions and mask, and the same system call table.
   */
  forkChild(pid: number, memory: PagedMemory, options: { resetHandlers?: boolean } = {}): LinuxKernel {
    const child = new LinuxKernel({
      memory,
      arch: this.arch,
      sysroot: this.paths.sysroot,
      mounts: this.paths.mounts,
      cwd: this.cwd,
      stdio: [-1, -1, -1],
      programPath: this.programPath,
      trace: this.trace,
      pid,
    });
    child.handlers = this.handlers;
    child.fds = this.fds.fork();
    child.watchCloses();
    child.signals = this.signals.fork(child.threads, child.thread, options.resetHandlers);
    child.programHostPath = this.programHostPath;
    child.umask = this.umask;
    child.limits = this.limits.copy();
    child.credentials = this.credentials.copy();
    child.dumpable = this.dumpable;
    child.noNewPrivs = this.noNewPrivs;
    child.thread.name = this.thread.name;
    child.thread.affinity = this.thread.affinity;
    child.thread.timerSlack = this.thread.timerSlack;
    child.layout = this.layout;
    child.pgid = this.pgid;
    child.sid = this.sid;
    child.leftTerminalOf = this.leftTerminalOf;
    return child;
  }

  /** The record and flock locks between the processes of this run. */
  get fileLocks(): FileLocks {
    if (this.system) return this.system.locks;
    this.ownLocks ??= new FileLocks();
    return this.ownLocks;
  }

  /** The inotify watches of this run. */
  get fsWatchers(): FsWatchers {
    if (this.system) return this.system.watchers;
    this.ownWatchers ??= new FsWatchers();
    return this.ownWatchers;
  }

  /** The System V IPC objects of this run (its IPC namespace). */
  get ipc(): IpcNamespace {
    if (this.system) return this.system.ipc;
    this.ownIpc ??= new IpcNamespace();
    return this.ownIpc;
  }

  /** A close by this process ends its POSIX record locks on that file, as on Linux. */
  private watchCloses(): void {
    this.fds.onClose = (file) => releasePosixLocksOnClose(this, file);
  }

  register(number: number, handler: SyscallHandler): void {
    this.handlers.set(number, handler);
  }

  /**
   * Writes a trace line; while more than one guest thread runs, prefixed with the caller's id,
   * as `strace -f` does once it follows more than one task.
   */
  traceLine(line: string, prefix = this.tracePrefix()): void {
    this.trace?.(prefix + line);
  }

  /** `[pid TID] ` while more than one guest thread runs, else nothing. */
  private tracePrefix(): string {
    return (this.system?.taskCount ?? 1) > 1 ? `[pid ${this.thread.tid}] ` : '';
  }

  /** Performs the system call the guest's registers describe and stores its result. */
  syscall(cpu: Cpu): void {
    const convention = this.arch.syscalls;
    const number = Number(cpu.regs[convention.number]);
    const args = convention.args.map((slot) => cpu.regs[slot]);
    const handler = this.handlers.get(number);
    // Formatted on entry: what the call reads is shown as it was before the call.
    const traced = this.trace && handler ? traceCall(this, number, args, arity(handler)) : null;
    // Decided on entry, as strace does: an exit's line keeps the prefix its call began with.
    const prefix = this.trace ? this.tracePrefix() : '';
    let result: bigint;
    if (this.thread.interruptedByStop) {
      // A stop interrupted this call for good (StopRule 'eintr'): the kernel returned EINTR
      // then, whatever became ready while the process was stopped.
      this.thread.interruptedByStop = false;
      result = BigInt(-E.EINTR);
    } else if (!handler) {
      result = BigInt(-E.ENOSYS);
      if (this.trace && !this.reportedUnknown.has(number)) {
        this.reportedUnknown.add(number);
        this.traceLine(`unknown syscall ${number} (${syscallName(number)}): returning ENOSYS`, prefix);
      }
    } else {
      try {
        result = BigInt(handler(this, args, cpu));
      } catch (error) {
        if (error instanceof Blocked) {
          // The call runs again from the start once the thread is woken: the PC goes back over
          // the system call instruction, and the argument registers are still as they were.
          this.thread.wait = error;
          cpu.pc -= BigInt(convention.instructionBytes ?? 4);
          if (traced) this.traceLine(`${traced.line(null)} <blocked: ${error.what}>`, prefix);
          throw new Reschedule();
        }
        this.thread.resumeDeadline = undefined;
        if (error instanceof Reschedule) {
          // exit, exit_group, an execve into a new machine: the call does not return.
          if (traced) this.traceLine(traced.line(null), prefix);
          throw error;
        }
        if (error instanceof GuestExit || (error instanceof GuestSignal && !(error instanceof GuestFault))) {
          if (traced) this.traceLine(traced.line(null), prefix);
          throw error;
        }
        const errno = error instanceof GuestFault ? E.EFAULT : errnoOf(error);
        if (errno === null) throw error;
        result = BigInt(-errno);
      }
    }
    this.thread.resumeDeadline = undefined;
    cpu.regs[convention.result] = BigInt.asUintN(64, result);
    if (traced) this.traceLine(traced.line(result), prefix);
    // vfork's parent waits for its child, sched_yield lets others run: both after the result,
    // and the signals pending then are delivered when the thread runs again (`beforeSlice`).
    const after = this.thread.afterReturn;
    if (after !== null) {
      this.thread.afterReturn = null;
      if (after !== 'yield') this.thread.wait = after;
      throw new Reschedule();
    }
    // On the way back to user mode, as the kernel does: expired timers, then the handlers of
    // pending signals (a call a signal interrupted is restarted or fails with EINTR there).
    this.expireTimers();
    // (rt_sigreturn's "result" is the restored x0, never a request to restart.)
    const restart = result === BigInt(-E.ERESTARTSYS) && number !== SYS.rt_sigreturn ? args[0] : null;
    if (this.signals.pending !== 0n || restart !== null) deliverPending(this, cpu, restart);
  }

  /**
   * When the scheduler gives the current thread the CPU: signals that arrived while it waited
   * for its turn, or while its process was stopped, are delivered before it runs on (and a call
   * a stop signal interrupted is restarted or fails with EINTR now). A thread that was woken to
   * run a blocked system call again is left to that call, which looks at its signals itself.
   */
  beforeSlice(cpu: Cpu): void {
    const t = this.thread;
    if (t.resumeDeadline !== undefined) return;
    const restart = t.restartAfterStop;
    t.restartAfterStop = null;
    this.expireTimers();
    const s = this.signals;
    if (restart !== null || s.savedMask !== null || s.next(s.mask, leftToMain(t)) !== 0)
      deliverPending(this, cpu, restart);
  }

  /**
   * Between blocks (the machine calls this every few thousand): signals of timers that expired
   * while the guest computed are delivered now, with the registers as they are.
   */
  tick(cpu: Cpu): void {
    // A thread back from a CPU worker waits for this thread: let the scheduler look.
    if (this.system?.cpuWorkerReplied) throw new Reschedule();
    this.expireTimers();
    if (this.signals.next(this.signals.mask, leftToMain(this.thread)) !== 0) deliverPending(this, cpu);
  }

  /** Sends `signo` with `info` to this process as a whole (any thread not blocking it takes it). */
  postSignal(signo: number, info: Uint8Array): void {
    postToProcess(this, signo, info);
  }

  /**
   * Sends `signo` to the guest from outside, as another process's kill(2) would (SI_USER, no
   * sender pid): for example a host's SIGINT forwarded while `runAsync` runs. It is acted on
   * between blocks or when the current system call returns.
   */
  sendSignal(signo: number): void {
    if (!Number.isInteger(signo) || signo < 1 || signo > 64) throw new RangeError(`no signal ${signo}`);
    this.postSignal(signo, senderInfo(signo, SI.USER, 0, 0));
  }

  /** Posts the signals of interval and POSIX timers that have expired. */
  expireTimers(): void {
    const next = this.nextTimer;
    if (next === null) return; // the usual case, on every system call's return: no clock read
    const time = now();
    if (time < next) return;
    for (const signo of this.timers.expire(time)) this.postSignal(signo, timerInfo(signo));
    expirePosixTimers(this, time);
  }

  /** When the next timer of this process expires (monotonic ns), or null when none is armed. */
  get nextTimer(): bigint | null {
    const a = this.timers.next;
    const b = this.posixTimers.next;
    return a === null ? b : b === null || a < b ? a : b;
  }

  /**
   * The deadline of a wait of `ns` nanoseconds (null: none) that starts now, or the deadline
   * the same call had before it blocked and ran again.
   */
  deadline(ns: bigint | null): bigint | null {
    const resumed = this.thread.resumeDeadline;
    if (resumed !== undefined) return resumed;
    return ns === null ? null : now() + ns;
  }

  /**
   * A system call that has to wait: until `deadline` (monotonic nanoseconds, from `deadline()`;
   * null for ever), until a signal that `mask` does not block arrives, or — for the scheduler —
   * until `ready` says the call may proceed. Returns 'interrupted' or 'timeout' when the wait is
   * already over; otherwise throws `Blocked`, and the whole call runs again when the thread is
   * woken. When every thread waits and nothing can wake any, the run ends with
   * GuestDeadlockError (`what` says for what). `takes`: the signals the call takes itself
   * (sigtimedwait), which end the wait without being acted on. `stop`: what a stop signal and
   * the SIGCONT after it do to the wait (see StopRule).
   */
  block(
    deadline: bigint | null,
    what: string,
    mask = this.signals.mask,
    ready: (() => boolean) | null = null,
    takes = 0n,
    stop: StopRule = RESUME_AFTER_STOP,
  ): 'interrupted' | 'timeout' {
    this.expireTimers();
    if (this.signals.next(mask, leftToMain(this.thread)) !== 0) return 'interrupted';
    if (deadline !== null && now() >= deadline) return 'timeout';
    if (this.system === null) {
      // No scheduler: nothing but a timer can end the wait, so sleep here.
      const timer = this.nextTimer;
      if (timer === null && deadline === null) throw new GuestDeadlockError(what);
      sleepUntil(timer === null || (deadline !== null && deadline < timer) ? (deadline as bigint) : timer);
      return this.block(deadline, what, mask, ready, takes, stop);
    }
    throw new Blocked(deadline, mask, ready, what, true, takes, stop);
  }

  /** Completes the current call, then lets other threads run before this one goes on. */
  yieldAfterReturn(): void {
    this.thread.afterReturn = 'yield';
  }

  /** Completes the current call, then waits (not restarting the call) until `ready`. */
  waitAfterReturn(ready: () => boolean, what: string): void {
    this.thread.afterReturn = new Blocked(null, ~0n, ready, what, false);
  }

  /**
   * A synchronous signal an instruction raised (fault, undefined encoding, breakpoint): returns
   * null when the guest's handler will run (the CPU is pointed at it), else the signal that ends
   * the guest.
   */
  deliverFault(cpu: Cpu, signal: GuestSignal): GuestSignal | null {
    return deliverFault(this, cpu, signal);
  }

  /** Absolute guest path for `path` relative to directory fd `dirfd` (AT_FDCWD: the cwd). */
  guestPath(dirfd: number, path: string): string {
    return guestPathAt(this, dirfd, path);
  }

  /** Host path for a guest path argument, reading the string from guest memory. */
  hostPath(
    dirfd: number,
    pathAddr: bigint,
    followFinal = true,
  ): { raw: string; guest: string; host: Buffer } {
    return hostPathAt(this, dirfd, ptr(pathAddr), followFinal);
  }

  /**
   * Sends `signo` to the current thread as the kernel sends one for what the thread did
   * (SIGPIPE from a write): it is delivered, or ends the guest, when the current call returns.
   */
  raise(signo: number): void {
    postToThread(this.thread, signo, senderInfo(signo, SI.USER, this.pid, this.credentials.user.real));
  }
}

/** What a timer's signal carries: the kernel sends it as SI_KERNEL, from no process. */
function timerInfo(signo: number): Uint8Array {
  return senderInfo(signo, SI.KERNEL, 0, 0);
}

function traceCall(k: LinuxKernel, number: number, args: readonly bigint[], shown: number): TracedCall {
  return new TracedCall(k.memory, k.arch, syscallName(number), args, shown);
}

function arity(handler: SyscallHandler): number {
  return (handler as { arity?: number }).arity ?? 6;
}
