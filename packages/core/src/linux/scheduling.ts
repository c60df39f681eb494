/**
 * How the system call layer tells the scheduler that the calling thread cannot go on now.
 * Thrown, never returned: a handler that has to wait throws `Blocked` (through `LinuxKernel.block`)
 * and the call runs again from the start when the thread is woken, so handlers stay plain
 * synchronous functions and keep no state of their own between attempts.
 */

/**
 * What a stop signal, and the SIGCONT after it, do to a call that was blocked when it came. The
 * kernel interrupts every blocked call of the process and, with no handler to run, restarts it
 * once the process is continued; how it restarts depends on the call.
 */
export interface StopRule {
  /**
   * 'resume': the call goes on with its first deadline (restart_syscall: nanosleep, futex waits,
   * reads, waits); 'rest': the time that was left at the stop counts again from the continue
   * (ppoll and pselect6, restarted with the timeout they wrote back); 'eintr': the call fails
   * with EINTR once continued (epoll_wait, sigtimedwait, socket calls with a timeout — the calls
   * signal(7) lists).
   */
  readonly after: 'resume' | 'rest' | 'eintr';
  /** Called at the stop with the nanoseconds left before the deadline (nanosleep's rem). */
  readonly stopped?: (left: bigint) => void;
}

/** Most calls: a stop and continue change nothing the guest can see. */
export const RESUME_AFTER_STOP: StopRule = { after: 'resume' };

/** The calls a stop interrupts for good: EINTR once the process is continued. */
export const FAIL_AFTER_STOP: StopRule = { after: 'eintr' };

/** A system call that has to wait; the kernel rewinds the PC so that the call runs again. */
export class Blocked {
  constructor(
    /** When the wait times out (monotonic nanoseconds), or null. Kept across attempts. */
    readonly deadline: bigint | null,
    /** Signals that do not end the wait (the caller's mask, or sigsuspend's). */
    readonly mask: bigint,
    /** True once the call may be able to proceed (data arrived, a child changed state, a wake). */
    readonly ready: (() => boolean) | null,
    /** What the call waits for, for the report when nothing can ever end the wait. */
    readonly what: string,
    /** False for a wait after a call that completed (vfork's parent): nothing runs again. */
    readonly restarts = true,
    /**
     * Signals the call takes itself (sigtimedwait's set): they end the wait, and a stop signal
     * among them is handed to the call rather than stopping the process.
     */
    readonly takes = 0n,
    /** What a stop signal does to the wait (see StopRule). */
    readonly stop: StopRule = RESUME_AFTER_STOP,
  ) {}

  /** The same wait with another deadline. */
  withDeadline(deadline: bigint): Blocked {
    return new Blocked(deadline, this.mask, this.ready, this.what, this.restarts, this.takes, this.stop);
  }
}

/**
 * The current thread stops running for now: it blocked, exited, yielded, or its process replaced
 * its image. The machine returns to the scheduler, which picks the next thread.
 */
export class Reschedule {}

/** Thrown by exit/exit_group, and by the machine when run without a scheduler: the guest finished. */
export class GuestExit {
  constructor(readonly status: number) {}
}
