/**
 * How the system call layer tells the scheduler that the calling thread cannot go on now.
 * Thrown, never returned: a handler that has to wait throws `Blocked` (through `LinuxKernel.block`)
 * and the call runs again from the start when the thread is woken, so handlers stay plain
 * synchronous functions and keep no state of their own between attempts.
 */

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
  ) {}
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
