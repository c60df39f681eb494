import { E, fail } from './errno.js';
import type { LinuxKernel } from './kernel.js';
import { POLLIN } from './pipe.js';
import type { SpecialFile } from './special-file.js';
import { expiriesBy, now } from './timers.js';

/**
 * timerfd(2): a timer read as a count of expirations. Times are kept on the monotonic clock;
 * a CLOCK_REALTIME timer set with an absolute time is converted when it is set.
 */
export class TimerFd implements SpecialFile {
  readonly name = '[timerfd]';
  /** Next expiry (monotonic ns), or null when disarmed. */
  private next: bigint | null = null;
  private interval = 0n;
  private expirations = 0n;
  /** Grows with every expiry, so an edge-triggered epoll reports each one. */
  get activity(): number {
    this.update();
    return Number(this.expirations & 0xffffffn) + this.armings;
  }
  private armings = 0;

  constructor(readonly realtime: boolean) {}

  /** Counts the expirations that have happened by now. */
  private update(): void {
    if (this.next === null) return;
    const { count, next } = expiriesBy(this.next, this.interval, now());
    this.expirations += count;
    this.next = next;
  }

  /** timerfd_settime: arms (value > 0, relative or absolute) or disarms; returns the old setting. */
  set(value: bigint, interval: bigint, absolute: boolean): { value: bigint; interval: bigint } {
    const old = this.get();
    this.expirations = 0n;
    this.armings++;
    this.interval = interval;
    if (value === 0n) this.next = null;
    else if (!absolute) this.next = now() + value;
    else {
      const clockNow = this.realtime ? BigInt(Date.now()) * 1_000_000n : now();
      this.next = now() + (value - clockNow);
    }
    return old;
  }

  get(): { value: bigint; interval: bigint } {
    this.update();
    if (this.next === null) return { value: 0n, interval: this.interval };
    const left = this.next - now();
    return { value: left > 0n ? left : 1n, interval: this.interval };
  }

  read(_k: LinuxKernel, want: number): Uint8Array | null {
    if (want < 8) fail(E.EINVAL);
    this.update();
    if (this.expirations === 0n) return null;
    const count = this.expirations;
    this.expirations = 0n;
    return new Uint8Array(new BigUint64Array([count]).buffer);
  }

  write(): number | null {
    fail(E.EINVAL);
  }

  poll(_k: LinuxKernel, events: number): number {
    this.update();
    return this.expirations > 0n ? events & POLLIN : 0;
  }

  wakeAt(): bigint | null {
    return this.next;
  }
}
