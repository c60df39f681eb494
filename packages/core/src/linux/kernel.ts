import { fstatSync } from 'node:fs';
import type { Architecture } from '../arch.js';
import type { Cpu } from '../cpu/cpu.js';
import type { PagedMemory } from '../memory/paged-memory.js';
import { GuestFault, GuestSignal } from '../signals.js';
import { E, errnoOf } from './errno.js';
import { FdTable, OpenFile } from './fd-table.js';
import { guestPathAt, hostPathAt } from './guest-paths.js';
import { SYS, syscallName } from './numbers.js';
import { byteStringOf, PathResolver } from './paths.js';
import { GuestDeadlockError } from './pipe.js';
import { SI, senderInfo } from './siginfo.js';
import { deliverFault, deliverPending } from './signal-delivery.js';
import { SignalState } from './signal-state.js';
import { IntervalTimers, now } from './timers.js';

/** Thrown by exit/exit_group: the guest finished with `status` (0–255). */
export class GuestExit {
  constructor(readonly status: number) {}
}

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
}

/** Sign helpers for syscall arguments (int arguments only have 32 meaningful bits). */
export const int = (x: bigint): number => Number(BigInt.asIntN(32, x));
export const long = (x: bigint): number => Number(BigInt.asIntN(64, x));
export const ptr = (x: bigint): number => Number(x);

export const AT_FDCWD = -100;

/**
 * The Linux personality the guest talks to: file descriptors, paths (with the optional sysroot),
 * signal dispositions, and a table of system call handlers over Node's synchronous APIs.
 */
export class LinuxKernel {
  readonly memory: PagedMemory;
  readonly arch: Architecture;
  readonly fds = new FdTable();
  readonly paths: PathResolver;
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
  /** Signal dispositions, mask, pending signals and the alternate stack. */
  readonly signals = new SignalState();
  /** setitimer's timers; they send their signals between blocks and to blocked calls. */
  readonly timers = new IntervalTimers();
  umask = 0o022;
  private readonly handlers = new Map<number, SyscallHandler>();
  private readonly reportedUnknown = new Set<number>();

  constructor(options: KernelOptions) {
    this.memory = options.memory;
    this.arch = options.arch;
    this.paths = new PathResolver(options.sysroot);
    this.cwd = byteStringOf(options.cwd);
    this.programPath = this.paths.toGuest(options.programPath);
    this.programHostPath = options.programPath;
    this.trace = options.trace;
    options.stdio.forEach((hostFd, guestFd) => {
      let kind: 'file' | 'stream' = 'stream';
      try {
        kind = fstatSync(hostFd).isFile() ? 'file' : 'stream';
      } catch {
        return; // not open in the host: not open in the guest either
      }
      this.fds.installAt(guestFd, new OpenFile(hostFd, null, null, guestFd === 0 ? 0 : 1, kind, false));
    });
  }

  register(number: number, handler: SyscallHandler): void {
    this.handlers.set(number, handler);
  }

  /** Performs the system call the guest's registers describe and stores its result. */
  syscall(cpu: Cpu): void {
    const convention = this.arch.syscalls;
    const number = Number(cpu.regs[convention.number]);
    const args = convention.args.map((slot) => cpu.regs[slot]);
    const handler = this.handlers.get(number);
    let result: bigint;
    if (!handler) {
      result = BigInt(-E.ENOSYS);
      if (this.trace && !this.reportedUnknown.has(number)) {
        this.reportedUnknown.add(number);
        this.trace(`unknown syscall ${number} (${syscallName(number)}): returning ENOSYS`);
      }
    } else {
      try {
        result = BigInt(handler(this, args, cpu));
      } catch (error) {
        if (error instanceof GuestExit || (error instanceof GuestSignal && !(error instanceof GuestFault))) {
          this.trace?.(`${syscallName(number)}(${args.map(hex).join(', ')}) = ?`);
          throw error;
        }
        const errno = error instanceof GuestFault ? E.EFAULT : errnoOf(error);
        if (errno === null) throw error;
        result = BigInt(-errno);
      }
    }
    cpu.regs[convention.result] = BigInt.asUintN(64, result);
    if (this.trace && handler) {
      const shown = result < 0n && result > -4096n ? `-1 errno ${-result}` : hex(BigInt.asUintN(64, result));
      this.trace(`${syscallName(number)}(${args.slice(0, arity(handler)).map(hex).join(', ')}) = ${shown}`);
    }
    // On the way back to user mode, as the kernel does: expired timers, then the handlers of
    // pending signals (a call a signal interrupted is restarted or fails with EINTR there).
    this.expireTimers();
    // (rt_sigreturn's "result" is the restored x0, never a request to restart.)
    const restart = result === BigInt(-E.ERESTARTSYS) && number !== SYS.rt_sigreturn ? args[0] : null;
    if (this.signals.pending !== 0n || restart !== null) deliverPending(this, cpu, restart);
  }

  /**
   * Between blocks (the machine calls this every few thousand): signals of timers that expired
   * while the guest computed are delivered now, with the registers as they are.
   */
  tick(cpu: Cpu): void {
    this.expireTimers();
    if ((this.signals.pending & ~this.signals.mask) !== 0n) deliverPending(this, cpu);
  }

  /**
   * Sends `signo` to the guest from outside, as another process's kill(2) would (SI_USER, no
   * sender pid): for example a host's SIGINT forwarded while `runAsync` runs. It is acted on
   * between blocks or when the current system call returns.
   */
  sendSignal(signo: number): void {
    if (!Number.isInteger(signo) || signo < 1 || signo > 64) throw new RangeError(`no signal ${signo}`);
    this.signals.post(signo, senderInfo(signo, SI.USER, 0, 0));
  }

  private expireTimers(): void {
    if (this.timers.next === null || now() < this.timers.next) return;
    for (const signo of this.timers.expire(now())) this.signals.post(signo, timerInfo(signo));
  }

  /**
   * A system call that has to wait: until `deadline` (monotonic nanoseconds; null for ever), or
   * until a timer sends a signal that is not blocked by `mask`. Returns how the wait ended.
   * Nothing else in this single process can wake it, so waiting for ever with no timer armed
   * throws GuestDeadlockError (`what` says for what) instead of hanging.
   */
  block(deadline: bigint | null, what: string, mask = this.signals.mask): 'interrupted' | 'timeout' {
    for (;;) {
      if (this.signals.next(mask) !== 0) return 'interrupted';
      const timer = this.timers.next;
      if (timer === null || (deadline !== null && deadline <= timer)) {
        if (deadline === null) throw new GuestDeadlockError(what);
        sleepUntil(deadline);
        return 'timeout';
      }
      sleepUntil(timer);
      this.expireTimers();
    }
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
   * Sends `signo` to the guest as the kernel sends itself one (SIGPIPE from a write): it is
   * delivered, or ends the guest, when the current system call returns.
   */
  raise(signo: number): void {
    this.signals.post(signo, senderInfo(signo, SI.USER, process.pid, process.getuid?.() ?? 0));
  }
}

function sleepUntil(deadline: bigint): void {
  const ms = Number((deadline - now() + 999_999n) / 1_000_000n);
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** What a timer's signal carries: the kernel sends it as SI_KERNEL, from no process. */
function timerInfo(signo: number): Uint8Array {
  return senderInfo(signo, SI.KERNEL, 0, 0);
}

function hex(v: bigint): string {
  const s = BigInt.asIntN(64, v);
  return s < 0n && s > -4096n ? s.toString() : `0x${v.toString(16)}`;
}

function arity(handler: SyscallHandler): number {
  return (handler as { arity?: number }).arity ?? 6;
}
