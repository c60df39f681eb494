import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IntervalTimers } from '../src/linux/timers.js';

const MS = 1_000_000n;

/**
 * The timers read the monotonic clock (process.hrtime.bigint); here it is a fake one that moves
 * only when a test moves it, so no outcome depends on how soon the test runs again.
 */
let clock = 0n;
beforeEach(() => {
  clock = 1_000_000n * MS;
  vi.spyOn(process.hrtime, 'bigint').mockImplementation(() => clock);
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('interval timers', () => {
  it('reports the time left and disarms one-shot timers when they expire', () => {
    const timers = new IntervalTimers();
    expect(timers.next).toBeNull();
    const old = timers.set(0, 50n * MS, 0n);
    expect(old).toEqual({ value: 0n, interval: 0n });
    expect(timers.get(0)).toEqual({ value: 50n * MS, interval: 0n });
    clock += 20n * MS;
    expect(timers.get(0).value).toBe(30n * MS);
    expect(timers.expire(clock)).toEqual([]);
    clock += 30n * MS;
    // Due but not yet delivered: still armed, with a token time left, as the kernel shows it.
    expect(timers.get(0).value).toBe(1000n);
    expect(timers.expire(clock)).toEqual([14]); // SIGALRM
    expect(timers.get(0)).toEqual({ value: 0n, interval: 0n });
    expect(timers.next).toBeNull();
  });

  it('re-arms periodic timers, collapsing overruns into one signal', () => {
    const timers = new IntervalTimers();
    timers.set(2, 10n * MS, 10n * MS);
    const start = timers.next as bigint;
    expect(start).toBe(clock + 10n * MS);
    expect(timers.expire(start + 35n * MS)).toEqual([27]); // SIGPROF, once
    expect(timers.next).toBe(start + 40n * MS);
    expect(timers.set(2, 0n, 0n)).toEqual({ value: 50n * MS, interval: 10n * MS });
    expect(timers.next).toBeNull();
  });

  it('keeps the earliest expiry of all three', () => {
    const timers = new IntervalTimers();
    timers.set(0, 100n * MS, 0n);
    timers.set(1, 10n * MS, 0n);
    expect(timers.next).toBe(clock + 10n * MS);
    expect(timers.expire(clock + 10n * MS)).toEqual([26]); // SIGVTALRM
    expect(timers.next).toBe(clock + 100n * MS);
  });
});
