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
 * The signal bookkeeping of the (single-threaded) guest: dispositions, the blocked mask, pending
 * signals with their siginfo, and the alternate signal stack. No registers or memory here.
 */
export class SignalState {
  private readonly actions: SigAction[] = Array.from({ length: NSIG + 1 }, defaultDisposition);
  /** Blocked signals. */
  mask = 0n;
  /** The mask rt_sigsuspend replaced, restored by the frame of the signal that ends it. */
  savedMask: bigint | null = null;
  /** Pending signals in arrival order per number; standard signals are pending at most once. */
  private readonly queues = new Map<number, Uint8Array[]>();
  private pendingBits = 0n;
  altStack: AltStack = { sp: 0n, size: 0n, flags: SS_DISABLE };
  /** Guest address of the sigreturn trampoline, once mapped. */
  trampoline: bigint | null = null;

  /**
   * What a forked child starts with: the same dispositions, mask and alternate stack, and no
   * pending signals. `resetHandlers` (CLONE_CLEAR_SIGHAND) puts caught signals back to SIG_DFL.
   */
  fork(resetHandlers = false): SignalState {
    const copy = new SignalState();
    for (let signo = 1; signo <= NSIG; signo++) {
      const action = this.actions[signo];
      if (!resetHandlers || action.handler === SIG_IGN) copy.actions[signo] = { ...action };
    }
    copy.mask = this.mask;
    copy.altStack = this.altStack;
    copy.trampoline = this.trampoline;
    return copy;
  }

  action(signo: number): SigAction {
    return this.actions[signo];
  }

  /** Installs a disposition; pending instances of a signal that is now ignored are discarded. */
  setAction(signo: number, action: SigAction): void {
    this.actions[signo] = { ...action, mask: action.mask & ~UNBLOCKABLE };
    if (this.ignored(signo)) this.discard(signo);
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

  get pending(): bigint {
    return this.pendingBits;
  }

  /**
   * Queues a signal, as the kernel's send_signal: dropped if ignored (unless blocked, since the
   * disposition may change before it is unblocked); a standard signal already pending is not
   * queued twice; real-time signals queue.
   */
  post(signo: number, info: Uint8Array): void {
    const bit = sigbit(signo);
    if (!(this.mask & bit) && this.ignored(signo)) return;
    const queue = this.queues.get(signo);
    if (queue && signo < 32) return;
    if (queue) queue.push(info);
    else this.queues.set(signo, [info]);
    this.pendingBits |= bit;
  }

  /** The signal to deliver next with `mask` blocked (synchronous faults first, then lowest), or 0. */
  next(mask: bigint): number {
    const ready = this.pendingBits & ~mask;
    if (ready === 0n) return 0;
    for (const signo of SYNCHRONOUS) if (ready & sigbit(signo)) return signo;
    for (let signo = 1; signo <= NSIG; signo++) if (ready & sigbit(signo)) return signo;
    return 0;
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

  private discard(signo: number): void {
    this.queues.delete(signo);
    this.pendingBits &= ~sigbit(signo);
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
