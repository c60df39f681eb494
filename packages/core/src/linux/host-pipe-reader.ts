import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { E, errnoOf } from './errno.js';
import type { OpenFile } from './fd-table.js';
import type { HostIo } from './host-io.js';
import { HostSocketReader } from './host-socket-reader.js';
import { POLLHUP, POLLIN } from './pipe.js';

/** A host stream the guest reads without stopping the run (a pipe, or a socket: host-socket-reader.ts). */
export interface HostStreamReader {
  /** What a read of up to `max` bytes gets now: bytes, 0 at end of file, or null when there are none yet. */
  read(max: number): Uint8Array | 0 | null;
  /** What poll says for reading now: POLLIN with bytes, the kernel's bits at the end, else 0 (a read would wait). */
  pollEvents(): number;
  /** When a thread that found nothing looks again (monotonic ns from `now`). */
  nextLook(now: bigint): bigint;
  close(): void;
}

/** How long a guest thread waiting on an empty host pipe sleeps between looks, at first and at most. */
const FIRST_LOOK_NS = 1_000_000n;
const LAST_LOOK_NS = 20_000_000n;

/**
 * A host pipe (a shell pipeline feeding `arm64kit run`, a FIFO) read without stopping the run.
 * Node can neither poll a host descriptor nor make one non-blocking, and a blocking read would
 * stop every guest thread. But a pipe can be opened again through /proc/self/fd, as a second
 * open file description of the same pipe with its own O_NONBLOCK: reads through it take from
 * the same bytes and answer at once. So a guest thread whose read finds the pipe empty waits as
 * in any blocked call, looking again after a short while (1 ms, backing off to 20 ms), while the
 * other threads and processes run and signals interrupt it; the host's description is left as
 * it was.
 *
 * Reads take no more than the guest asked for, so a shell reading a byte at a time leaves the
 * rest in the pipe for the next reader, as under the kernel. To say whether the pipe is readable
 * (poll, select, epoll) one byte is taken ahead and handed to the next read of this description.
 */
export class HostPipeReader implements HostStreamReader {
  /** A byte a poll took ahead, for the next read. */
  private ahead: number | null = null;
  /** The wait before the next look while the pipe stays empty. */
  private lookNs = FIRST_LOOK_NS;

  constructor(private readonly fd: number) {}

  /** What a read of up to `max` bytes gets now: bytes, 0 at end of file, or null when the pipe is empty. */
  read(max: number): Uint8Array | 0 | null {
    if (max === 0) return new Uint8Array(0);
    const buffer = Buffer.alloc(max);
    let have = 0;
    if (this.ahead !== null) {
      buffer[0] = this.ahead;
      this.ahead = null;
      have = 1;
    }
    const n = have < max ? this.readNow(buffer, have, max - have) : null;
    if (n === null && have === 0) return null;
    if (n === 0 && have === 0) return 0;
    this.lookNs = FIRST_LOOK_NS;
    return buffer.subarray(0, have + (n ?? 0));
  }

  /** POLLIN while bytes wait; POLLHUP alone once the pipe is empty and has no writer, as the kernel says. */
  pollEvents(): number {
    if (this.ahead !== null) return POLLIN;
    const one = Buffer.alloc(1);
    const n = this.readNow(one, 0, 1);
    if (n === 1) this.ahead = one[0];
    return n === null ? 0 : n === 1 ? POLLIN : POLLHUP;
  }

  /** When a thread that found the pipe empty looks again (monotonic ns from `now`); backs off. */
  nextLook(now: bigint): bigint {
    const at = now + this.lookNs;
    this.lookNs = this.lookNs * 2n > LAST_LOOK_NS ? LAST_LOOK_NS : this.lookNs * 2n;
    return at;
  }

  close(): void {
    try {
      closeSync(this.fd);
    } catch {}
  }

  /** A non-blocking read: bytes read, 0 at end of file, null when the pipe is empty. Host errors throw. */
  private readNow(buffer: Buffer, offset: number, length: number): number | null {
    try {
      return readSync(this.fd, buffer, offset, length, null);
    } catch (error) {
      if (errnoOf(error) === E.EAGAIN) return null;
      throw error;
    }
  }
}

/**
 * The reader of `file` when it is a host pipe, FIFO or socket the guest may read, made at the
 * first read or poll (null for anything else: regular files and devices answer at once, and
 * terminals go through the terminal emulation). A socket needs the run's event loop (`host`);
 * without one it is read as before, blocking.
 */
export function hostStreamReader(file: OpenFile, host: HostIo | null): HostStreamReader | null {
  if (file.hostPipe !== undefined) return file.hostPipe;
  let reader: HostStreamReader | null = null;
  try {
    const stat = file.kind === 'stream' && file.hostFd >= 0 ? fstatSync(file.hostFd) : null;
    if (stat?.isFIFO()) {
      const fd = openSync(`/proc/self/fd/${file.hostFd}`, constants.O_RDONLY | constants.O_NONBLOCK);
      reader = new HostPipeReader(fd);
    } else if (stat?.isSocket() && host !== null && !file.owned) {
      reader = new HostSocketReader(file.hostFd, host);
    }
  } catch {} // no /proc, or a pipe that cannot be opened again: read as before
  file.hostPipe = reader;
  return reader;
}
