import type { AltStack } from '../arch.js';
import { NSIG, SIGNALS } from '../signals.js';

/** sa_flags bits (the same on every Linux architecture this emulates). */
export const SA = {
  SIGINFO: 0x4,
  RESTORER: 0x04000000,
  ONSTACK: 0x08000000,
  RESTART: 0x10000000,
  NODEFER: 0x40000000,
  RESETHAND: 0x80000000,
} as const;

export const SIG_DFL = 0n;
export const SIG_IGN = 1n;

/** sigaltstack flags. */
export const SS_ONSTACK = 1;
export const SS_DISABLE = 2;
export const SS_AUTODISARM = 0x80000000;

/** A signal's bit in a 64-bit signal set. */
export const sigbit = (signo: number): bigint => 1n << BigInt(signo - 1);

/** SIGKILL and SIGSTOP can be neither blocked nor caught. */
export const UNBLOCKABLE = sigbit(SIGNALS.SIGKILL) | sigbit(SIGNALS.SIGSTOP);

/** Signals the kernel takes before any other pending one (the synchronous faults). */
const SYNCHRONOUS = [
  SIGNALS.SIGSEGV,
  SIGNALS.SIGBUS,
  SIGNALS.SIGILL,
  SIGNALS.SIGTRAP,
  SIGNALS.SIGFPE,
  SIGNALS.SIGSYS,
];

export type DefaultAction = 'terminate' | 'core' | 'ignore' | 'stop' | 'continue';

const CORE = new Set<number>([3, 4, 5, 6, 7, 8, 11, 24, 25, 31]);
const IGNORE = new Set<number>([SIGNALS.SIGCHLD, SIGNALS.SIGURG, SIGNALS.SIGWINCH]);
const STOP = new Set<number>([SIGNALS.SIGSTOP, SIGNALS.SIGTSTP, SIGNALS.SIGTTIN, SIGNALS.SIGTTOU]);

/** What SIG_DFL does with `signo` (signal(7)). */
export function defaultAction(signo: number): DefaultAction {
  if (CORE.has(signo)) return 'core';
  if (IGNORE.has(signo)) return 'ignore';
  if (STOP.has(signo)) return 'stop';
  if (signo === SIGNALS.SIGCONT) return 'continue';
  return 'terminate';
}

/** A signal's disposition, decoded from the guest's `struct sigaction`. */
export interface SigAction {
  handler: bigint;
  flags: number;
  restorer: bigint;
  mask: bigint;
}

const defaultDisposition = (): SigAction => ({ handler: SIG_DFL, flags: 0, restorer: 0n, mask: 0n });

/**
 * Pending signals with their siginfo, in arrival order per number: a thread's own (sent to it
 * with tgkill, or raised by what it did) or its process's (sent with kill, shared by its threads).
 * A standard signal is pending at most once; real-time signals queue.
 */
export class SignalQueue {
  private readonly queues = new Map<number, Uint8Array[]>();
  private pendingBits = 0n;

  get bits(): bigint {
    return this.pendingBits;
  }

  add(signo: number, info: Uint8Array): void {
    const queue = this.queues.get(signo);
    if (queue && signo < 32) return;
    if (queue) queue.push(info);
    else this.queues.set(signo, [info]);
    this.pendingBits |= sigbit(signo);
  }

  /** The signal to take next of those `mask` does not block (synchronous faults first, then lowest), or 0. */
  next(mask: bigint): number {
    const ready = this.pendingBits & ~mask;
    if (ready === 0n) return 0;
    for (const signo of SYNCHRONOUS) if (ready & sigbit(signo)) return signo;
    for (let signo = 1; signo <= NSIG; signo++) if (ready & sigbit(signo)) return signo;
    return 0;
  }

  /** Whether this very siginfo is still pending (not yet taken or discarded). */
  holds(signo: number, info: Uint8Array): boolean {
    return this.queues.get(signo)?.includes(info) ?? false;
  }

  /** Removes this very siginfo if it is still pending; returns whether it was. */
  remove(signo: number, info: Uint8Array): boolean {
    const queue = this.queues.get(signo);
    const i = queue?.indexOf(info) ?? -1;
    if (queue === undefined || i < 0) return false;
    queue.splice(i, 1);
    if (queue.length === 0) {
      this.queues.delete(signo);
      this.pendingBits &= ~sigbit(signo);
    }
    return true;
  }

  /** Removes the oldest pending instance of `signo` and returns its siginfo. */
  take(signo: number): Uint8Array {
    const queue = this.queues.get(signo);
    if (!queue) throw new RangeError(`signal ${signo} is not pending`);
    const info = queue.shift() as Uint8Array;
    if (queue.length === 0) {
      this.queues.delete(signo);
      this.pendingBits &= ~sigbit(signo);
    }
    return info;
  }

  /** Drops every pending instance of the signals in `set`. */
  discard(set: bigint): void {
    for (let signo = 1; signo <= NSIG; signo++) if (set & sigbit(signo)) this.queues.delete(signo);
    this.pendingBits &= ~set;
  }
}

/** The signal settings Linux keeps per thread: the blocked mask, the alternate stack, own pending signals. */
export interface ThreadSignals {
  mask: bigint;
  /** The mask rt_sigsuspend (or ppoll, pselect) replaced, restored by the frame of the signal that ends it. */
  savedMask: bigint | null;
  altStack: AltStack;
  readonly pending: SignalQueue;
}

/** Settings of no thread yet (until the process's first thread is attached). */
const detachedThread = (): ThreadSignals => ({
  mask: 0n,
  savedMask: null,
  altStack: { sp: 0n, size: 0n, flags: SS_DISABLE },
  pending: new SignalQueue(),
});

/**
 * The signal bookkeeping of a guest process: dispositions and the pending signals sent to the
 * whole process, which its threads share, and — through `thread`, the thread running now — the
 * per-thread mask, alternate stack and pending signals. No registers or memory here.
 */
export class SignalState {
  private readonly actions: SigAction[] = Array.from({ length: NSIG + 1 }, defaultDisposition);
  /** Signals sent to the process (kill, timers, SIGCHLD): any thread that does not block one takes it. */
  readonly shared = new SignalQueue();
  /** The thread whose settings `mask`, `savedMask` and `altStack` are: the one running now. */
  thread: ThreadSignals = detachedThread();
  /** Guest address of the sigreturn trampoline, once mapped. */
  trampoline: bigint | null = null;

  /** `threads`: every live thread of the process (pending signals are discarded from them all). */
  constructor(private readonly threads: readonly ThreadSignals[] = []) {}

  /** Blocked signals of the current thread. */
  get mask(): bigint {
    return this.thread.mask;
  }
  set mask(mask: bigint) {
    this.thread.mask = mask;
  }
  get savedMask(): bigint | null {
    return this.thread.savedMask;
  }
  set savedMask(mask: bigint | null) {
    this.thread.savedMask = mask;
  }
  get altStack(): AltStack {
    return this.thread.altStack;
  }
  set altStack(stack: AltStack) {
    this.thread.altStack = stack;
  }

  /**
   * What a forked child starts with: the same dispositions, and for `thread` (the child's only
   * one) the current thread's mask and alternate stack; no pending signals. `resetHandlers`
   * (CLONE_CLEAR_SIGHAND) puts caught signals back to SIG_DFL.
   */
  fork(threads: readonly ThreadSignals[], thread: ThreadSignals, resetHandlers = false): SignalState {
    const copy = new SignalState(threads);
    for (let signo = 1; signo <= NSIG; signo++) {
      const action = this.actions[signo];
      if (!resetHandlers || action.handler === SIG_IGN) copy.actions[signo] = { ...action };
    }
    copy.thread = thread;
    thread.mask = this.mask;
    thread.altStack = this.altStack;
    copy.trampoline = this.trampoline;
    return copy;
  }

  action(signo: number): SigAction {
    return this.actions[signo];
  }

  /**
   * Installs a disposition; pending instances of a signal that is now ignored are discarded,
   * from the process and from every thread.
   */
  setAction(signo: number, action: SigAction): void {
    this.actions[signo] = { ...action, mask: action.mask & ~UNBLOCKABLE };
    if (this.ignored(signo)) this.discard(sigbit(signo));
  }

  resetToDefault(signo: number): void {
    this.actions[signo] = defaultDisposition();
  }

  /** SIG_IGN, or SIG_DFL for a signal whose default is to be ignored. */
  ignored(signo: number): boolean {
    const { handler } = this.actions[signo];
    if (handler === SIG_IGN) return true;
    if (handler !== SIG_DFL) return false;
    const d = defaultAction(signo);
    return d === 'ignore' || d === 'continue';
  }

  /** What the current thread has pending: its own signals and its process's (rt_sigpending). */
  get pending(): bigint {
    return this.thread.pending.bits | this.shared.bits;
  }

  /**
   * Queues a signal for the process (`to` null) or for one of its threads, as the kernel's
   * send_signal: dropped if ignored, unless `blocked` (the receiving thread's mask) blocks it,
   * since the disposition may change before it is unblocked.
   */
  post(signo: number, info: Uint8Array, to: ThreadSignals | null, blocked: bigint): void {
    if (!(blocked & sigbit(signo)) && this.ignored(signo)) return;
    (to?.pending ?? this.shared).add(signo, info);
  }

  /**
   * The signal `thread` (the current one unless given) takes next with `mask` blocked: its own
   * first, then the process's except those in `leave` (the ones another thread is to take), or 0.
   */
  next(mask: bigint, leave = 0n, thread = this.thread): number {
    return thread.pending.next(mask) || this.shared.next(mask | leave);
  }

  /** Removes the oldest pending instance of `signo` (the thread's own first) and returns its siginfo. */
  take(signo: number, thread = this.thread): Uint8Array {
    const own = thread.pending;
    return (own.bits & sigbit(signo) ? own : this.shared).take(signo);
  }

  /** Whether `info` is still pending, for the process or for one of its threads. */
  isQueued(signo: number, info: Uint8Array): boolean {
    return this.shared.holds(signo, info) || this.threads.some((t) => t.pending.holds(signo, info));
  }

  /** Withdraws `info` if it is still pending (a timer's signal when the timer is re-armed or deleted). */
  unqueue(signo: number, info: Uint8Array): void {
    if (this.shared.remove(signo, info)) return;
    for (const t of this.threads) if (t.pending.remove(signo, info)) return;
  }

  /** Drops the pending signals of `set` from the process and from each of its threads. */
  discard(set: bigint): void {
    this.shared.discard(set);
    this.thread.pending.discard(set);
    for (const t of this.threads) t.pending.discard(set);
  }

  /**
   * What execve keeps: ignored signals stay ignored, handled ones return to SIG_DFL (the handlers
   * are gone with the old image); the mask and pending signals stay; the alternate stack does not.
   */
  resetForExec(): void {
    for (let signo = 1; signo <= NSIG; signo++) {
      if (this.actions[signo].handler !== SIG_IGN) this.actions[signo] = defaultDisposition();
    }
    this.altStack = { sp: 0n, size: 0n, flags: SS_DISABLE };
    this.savedMask = null;
    this.trampoline = null;
  }

  /** Whether `sp` is on the alternate stack (never, while SS_AUTODISARM is set, as the kernel says). */
  onAltStack(sp: bigint): boolean {
    const alt = this.altStack;
    if (alt.flags & SS_AUTODISARM) return false;
    return sp > alt.sp && sp - alt.sp <= alt.size;
  }

  /** sigaltstack's view of the flags at `sp`: SS_DISABLE, SS_ONSTACK or 0 (plus SS_AUTODISARM). */
  altStackFlags(sp: bigint): number {
    if (this.altStack.size === 0n) return SS_DISABLE;
    return ((this.onAltStack(sp) ? SS_ONSTACK : 0) | (this.altStack.flags & SS_AUTODISARM)) >>> 0;
  }

  /**
   * sigaltstack(2)'s change, with its checks: not while running on the alternate stack (EPERM),
   * a known mode (EINVAL), at least `minSize` bytes (ENOMEM). Returns the errno, or 0.
   */
  setAltStack(next: AltStack, sp: bigint, minSize: number): number {
    if (this.onAltStack(sp)) return 1; // EPERM
    const mode = (next.flags & ~SS_AUTODISARM) >>> 0;
    if (mode !== SS_DISABLE && mode !== SS_ONSTACK && mode !== 0) return 22; // EINVAL
    if (mode === SS_DISABLE) {
      this.altStack = { sp: 0n, size: 0n, flags: next.flags >>> 0 };
      return 0;
    }
    if (next.size < BigInt(minSize)) return 12; // ENOMEM
    this.altStack = { sp: next.sp, size: next.size, flags: next.flags >>> 0 };
    return 0;
  }
}
