import { describe, expect, it } from 'vitest';
import { IntervalTimers, now } from '../src/linux/timers.js';

const MS = 1_000_000n;

describe('interval timers', () => {
  it('reports the time left and disarms one-shot timers when they expire', () => {
    const timers = new IntervalTimers();
    expect(timers.next).toBeNull();
    const old = timers.set(0, 50n * MS, 0n);
    expect(old).toEqual({ value: 0n, interval: 0n });
    const left = timers.get(0).value;
    expect(left > 0n && left <= 50n * MS).toBe(true);
    expect(timers.expire(now())).toEqual([]);
    expect(timers.expire(now() + 60n * MS)).toEqual([14]); // SIGALRM
    expect(timers.get(0)).toEqual({ value: 0n, interval: 0n });
    expect(timers.next).toBeNull();
  });

  it('re-arms periodic timers, collapsing overruns into one signal', () => {
    const timers = new IntervalTimers();
    timers.set(2, 10n * MS, 10n * MS);
    const start = timers.next as bigint;
    expect(timers.expire(start + 35n * MS)).toEqual([27]); // SIGPROF, once
    expect(timers.next).toBe(start + 40n * MS);
    timers.set(2, 0n, 0n);
    expect(timers.next).toBeNull();
  });

  it('keeps the earliest expiry of all three', () => {
    const timers = new IntervalTimers();
    timers.set(0, 100n * MS, 0n);
    timers.set(1, 10n * MS, 0n);
    const t1 = timers.next as bigint;
    expect(timers.expire(t1)).toEqual([26]); // SIGVTALRM
    expect((timers.next as bigint) > t1).toBe(true);
  });
});
