import type { AltStack } from '../arch.js';
import { CpuUsage } from './cpu-usage.js';
import type { PendingFifoOpen } from './fifo.js';
import type { LinuxKernel } from './kernel.js';
import type { PipeBuffer } from './pipe.js';
import type { Blocked } from './scheduling.js';
import { SignalQueue, SS_DISABLE, type ThreadSignals } from './signal-state.js';

export type ThreadState = 'runnable' | 'blocked' | 'dead';

/**
 * One guest thread: its registers while another thread of its machine runs, the signal settings
 * that are per thread in Linux (mask, alternate stack, the signals sent to it alone), and what
 * it waits for. Everything else belongs to its process (`LinuxKernel`).
 */
export class GuestThread implements ThreadSignals {
  state: ThreadState = 'runnable';
  /** The register file while it is not loaded in its machine's CPU. */
  regs: Uint8Array | null = null;
  /** What a blocked thread waits for. */
  wait: Blocked | null = null;
  /**
   * The deadline of the wait it was woken from, for the one system call that runs again: a
   * restarted nanosleep or poll keeps its original deadline.
   */
  resumeDeadline: bigint | null | undefined = undefined;
  /** set_tid_address / CLONE_CHILD_CLEARTID: zeroed and futex-woken when the thread exits. */
  clearChildTid = 0;
  /** set_robust_list's head (0: none). */
  robustList = 0;
  /** Set by a call that completes and then leaves the thread waiting (vfork) or yielding. */
  afterReturn: Blocked | 'yield' | null = null;
  /** How far a blocking write to a pipe that is waiting for room got (see writeToPipe). */
  pipeWrite: { pipe: PipeBuffer; addr: number; count: number; done: number } | null = null;
  /** The open of a FIFO this thread waits in, waiting for the other side (see fifo.ts). */
  fifoOpen: PendingFifoOpen | null = null;
  /** The name prctl(PR_SET_NAME) gave it; null: its program's base name (see `threadName`). */
  name: string | null = null;
  /** sched_setaffinity's CPUs; null: every CPU the host process may use. */
  affinity: number[] | null = null;
  /** PR_SET_TIMERSLACK's value in ns (the kernel's default, 50 µs, until set). */
  timerSlack = 50_000;

  /** Running on a CPU worker (see cpu-workers.ts): its registers are there, not in `regs`. */
  onCpu = false;
  /** Came back from a CPU worker for the kernel: it runs on the kernel's thread before it may go again. */
  backFromCpu = false;

  /** Host CPU time spent running this thread (getrusage RUSAGE_THREAD). */
  readonly usage = new CpuUsage();

  mask = 0n;
  savedMask: bigint | null = null;
  altStack: AltStack = { sp: 0n, size: 0n, flags: SS_DISABLE };
  /** Signals sent to this thread alone (tgkill, SIGPIPE, a fault). */
  readonly pending = new SignalQueue();
  /**
   * The first argument of the system call a stop signal interrupted (ERESTARTSYS), for the
   * signal handling that goes on when the process is continued; null when there is none.
   */
  restartAfterStop: bigint | null = null;
  /** When a stop signal interrupted the call it is blocked in (monotonic ns), until continued. */
  stoppedAt: bigint | null = null;
  /** Its call was interrupted by a stop for good: it returns EINTR when the thread runs (StopRule 'eintr'). */
  interruptedByStop = false;

  constructor(
    readonly tid: number,
    public process: LinuxKernel,
  ) {}
}
