import { E, fail } from './errno.js';
import type { LinuxKernel } from './kernel.js';
import { POLLIN, POLLOUT } from './pipe.js';
import type { SpecialFile } from './special-file.js';

const MAX = 0xfffffffffffffffen;

/** eventfd(2): a 64-bit counter; reads take it (or 1 of it, in semaphore mode), writes add. */
export class EventFd implements SpecialFile {
  readonly name = '[eventfd]';
  activity = 0;
  constructor(
    private counter: bigint,
    private readonly semaphore: boolean,
  ) {}

  read(_k: LinuxKernel, want: number): Uint8Array | null {
    if (want < 8) fail(E.EINVAL);
    if (this.counter === 0n) return null;
    const value = this.semaphore ? 1n : this.counter;
    this.counter -= value;
    this.activity++;
    return new Uint8Array(new BigUint64Array([value]).buffer);
  }

  write(_k: LinuxKernel, bytes: Uint8Array): number | null {
    if (bytes.length < 8) fail(E.EINVAL);
    const value = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
    if (value === 0xffffffffffffffffn) fail(E.EINVAL);
    if (MAX - this.counter < value) return null;
    this.counter += value;
    this.activity++;
    return 8;
  }

  poll(_k: LinuxKernel, events: number): number {
    let ready = 0;
    if (this.counter > 0n) ready |= POLLIN;
    if (this.counter < MAX) ready |= POLLOUT;
    return ready & events;
  }
}
