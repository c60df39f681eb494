import { SIGNALS } from '../signals.js';

/** ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF and the signals they send. */
export const ITIMER_SIGNALS = [SIGNALS.SIGALRM, SIGNALS.SIGVTALRM, SIGNALS.SIGPROF] as const;

interface Armed {
  /** Expiry on the monotonic clock (process.hrtime), in nanoseconds. */
  at: bigint;
  /** Re-arm period in nanoseconds (0: one-shot). */
  interval: bigint;
}

export const now = (): bigint => process.hrtime.bigint();

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * Blocks the host thread until `deadline` on that clock, or for at most `capMs`: to the
 * microsecond, as the kernel wakes a sleeper. (Rounded up to whole milliseconds, a python loop of
 * 100 µs sleeps ran seven times slower than under qemu.)
 */
export function sleepUntil(deadline: bigint, capMs = Number.POSITIVE_INFINITY): void {
  const ms = Math.min(Number(deadline - now()) / 1e6, capMs);
  if (ms > 0) Atomics.wait(sleeper, 0, 0, ms);
}

/**
 * The expiries by `time` of a timer due at `at` that repeats every `interval` (0: once), and when
 * it is due next (null: disarmed by its one expiry). No expiry while `at` is still ahead.
 */
export function expiriesBy(
  at: bigint,
  interval: bigint,
  time: bigint,
): { count: bigint; next: bigint | null } {
  if (at > time) return { count: 0n, next: at };
  if (interval === 0n) return { count: 1n, next: null };
  const count = (time - at) / interval + 1n;
  return { count, next: at + count * interval };
}

/**
 * The three interval timers of setitimer(2). All three count elapsed time: the emulated process
 * runs whenever it is not blocked in a system call, so its user and CPU time are close to the
 * elapsed time (ITIMER_VIRTUAL and ITIMER_PROF are approximations in that sense).
 */
export class IntervalTimers {
  private readonly armed: (Armed | null)[] = [null, null, null];
  /** Earliest expiry of any armed timer, or null (kept so that checking is one comparison). */
  next: bigint | null = null;

  /** Remaining time and interval of timer `which` (zeros when disarmed). */
  get(which: number): { value: bigint; interval: bigint } {
    const t = this.armed[which];
    if (!t) return { value: 0n, interval: 0n };
    const left = t.at - now();
    return { value: left > 0n ? left : 1000n, interval: t.interval };
  }

  /** Arms (value > 0) or disarms timer `which`; returns its previous setting. */
  set(which: number, value: bigint, interval: bigint): { value: bigint; interval: bigint } {
    const old = this.get(which);
    this.armed[which] = value > 0n ? { at: now() + value, interval } : null;
    this.recompute();
    return old;
  }

  /** Signals of the timers that expired by `time`; periodic ones are re-armed. */
  expire(time: bigint): number[] {
    const signals: number[] = [];
    this.armed.forEach((t, which) => {
      if (!t) return;
      const { count, next } = expiriesBy(t.at, t.interval, time);
      if (count === 0n) return;
      // Overruns collapse into one signal, as a standard signal is pending at most once.
      signals.push(ITIMER_SIGNALS[which]);
      if (next === null) this.armed[which] = null;
      else t.at = next;
    });
    this.recompute();
    return signals;
  }

  private recompute(): void {
    let next: bigint | null = null;
    for (const t of this.armed) if (t && (next === null || t.at < next)) next = t.at;
    this.next = next;
  }
}
