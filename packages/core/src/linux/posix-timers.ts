import { E, fail } from './errno.js';
import { expiriesBy, now } from './timers.js';

/** sigevent.sigev_notify: how a timer tells its process it expired. */
export const SIGEV_SIGNAL = 0;
export const SIGEV_NONE = 1;
export const SIGEV_THREAD = 2;
export const SIGEV_THREAD_ID = 4;

/** A timer of timer_create(2). Times are kept on the monotonic clock, as TimerFd keeps them. */
export interface PosixTimer {
  readonly id: number;
  /** The clock it was made on (absolute times are read on it). */
  readonly clock: number;
  readonly notify: number;
  readonly signo: number;
  /** The thread SIGEV_THREAD_ID sends to (null: the process). */
  readonly tid: number | null;
  /** sigev_value, handed back in si_value. */
  readonly value: bigint;
  /** Next expiry (monotonic ns), or null when disarmed. */
  at: bigint | null;
  interval: bigint;
  /** The siginfo of the last signal it queued: while that is still pending, expiries count as overruns in it. */
  queued: Uint8Array | null;
  /** Overruns of the last signal it sent (timer_getoverrun). */
  overrunLast: number;
}

export interface TimerSetting {
  value: bigint;
  interval: bigint;
}

/** What an expiry asks of the process: a signal, with the expiries missed since the last one. */
export interface Expiry {
  readonly timer: PosixTimer;
  readonly missed: number;
}

/** The kernel's DELAYTIMER_MAX: an overrun count saturates there. */
const DELAYTIMER_MAX = 0x7fffffff;

/**
 * A process's POSIX timers (timer_create, timer_settime...). Ids count up from 0 per process, as
 * the kernel hands them out. A fork's child has none; execve deletes them (`clear`).
 */
export class PosixTimers {
  private readonly timers = new Map<number, PosixTimer>();
  private nextId = 0;
  /** Earliest expiry of any armed timer, or null. */
  next: bigint | null = null;

  create(clock: number, notify: number, signo: number, tid: number | null, value: bigint | null): PosixTimer {
    let id = this.nextId;
    while (this.timers.has(id)) id = (id + 1) & 0x7fffffff;
    this.nextId = (id + 1) & 0x7fffffff;
    const timer: PosixTimer = {
      id,
      clock,
      notify,
      signo,
      tid,
      value: value ?? BigInt(id), // no sigevent: si_value is the timer's id
      at: null,
      interval: 0n,
      queued: null,
      overrunLast: 0,
    };
    this.timers.set(id, timer);
    return timer;
  }

  /** The timer `id`, or EINVAL as the kernel answers an unknown one. */
  get(id: number): PosixTimer {
    const timer = this.timers.get(id);
    if (timer === undefined) fail(E.EINVAL);
    return timer;
  }

  delete(id: number): void {
    this.get(id);
    this.timers.delete(id);
    this.recompute();
  }

  /** execve: every timer goes. */
  clear(): void {
    this.timers.clear();
    this.next = null;
  }

  /** Time left and interval of `timer` (zeros when disarmed), as timer_gettime reports them. */
  setting(timer: PosixTimer): TimerSetting {
    this.expireOne(timer, now());
    if (timer.at === null) return { value: 0n, interval: timer.interval };
    const left = timer.at - now();
    return { value: left > 0n ? left : 1n, interval: timer.interval };
  }

  /**
   * timer_settime: arms `timer` to expire `value` from now (or, when `absoluteOn` gives its
   * clock's reading now, at `value` on that clock), then every `interval`; a zero value disarms
   * it. Returns the old setting.
   */
  arm(timer: PosixTimer, value: bigint, interval: bigint, absoluteOn: bigint | null): TimerSetting {
    const old = this.setting(timer);
    timer.interval = interval;
    timer.at = value === 0n ? null : absoluteOn === null ? now() + value : now() + (value - absoluteOn);
    this.recompute();
    return old;
  }

  /** The timers that expired by `time`, each once with how many expiries it ran through. */
  expire(time: bigint): Expiry[] {
    const fired: Expiry[] = [];
    if (this.next === null || time < this.next) return fired;
    for (const timer of this.timers.values()) {
      const missed = this.expireOne(timer, time);
      if (missed > 0 && timer.notify !== SIGEV_NONE) fired.push({ timer, missed });
    }
    this.recompute();
    return fired;
  }

  /** Moves `timer` past `time`: re-armed if periodic, else disarmed. Returns the expiries passed. */
  private expireOne(timer: PosixTimer, time: bigint): number {
    if (timer.at === null) return 0;
    const { count, next } = expiriesBy(timer.at, timer.interval, time);
    timer.at = next;
    return count > BigInt(DELAYTIMER_MAX) ? DELAYTIMER_MAX : Number(count);
  }

  private recompute(): void {
    let next: bigint | null = null;
    for (const t of this.timers.values()) if (t.at !== null && (next === null || t.at < next)) next = t.at;
    this.next = next;
  }
}

/** Adds `count` overruns to an overrun count, saturating as the kernel's does. */
export function addOverruns(overrun: number, count: number): number {
  return Math.min(DELAYTIMER_MAX, overrun + count);
}
