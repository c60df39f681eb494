import type { BigIntStats } from 'node:fs';
import { E, fail } from './errno.js';
import { syntheticStat } from './synthetic-stat.js';

/** Linux's default pipe capacity (16 pages) and the size up to which writes are atomic. */
export const PIPE_CAPACITY = 65536;
export const PIPE_BUF = 4096;

/** poll(2) event bits. */
export const POLLIN = 0x1;
export const POLLPRI = 0x2;
export const POLLOUT = 0x4;
export const POLLERR = 0x8;
export const POLLHUP = 0x10;
export const POLLNVAL = 0x20;

/**
 * The guest waits for something only another thread or process could provide, and there is
 * none: the kernel would block it forever. Ending the run with this error is more useful than
 * hanging the host; it is thrown out of `Machine.run`.
 */
export class GuestDeadlockError extends Error {
  readonly code = 'GUEST_DEADLOCK';
  readonly exitCode = 124;
  constructor(what: string) {
    super(`the guest would block forever: ${what}`);
    this.name = 'GuestDeadlockError';
  }
}

let nextPipeInode = 1n;

/**
 * The kernel object behind a pipe: a bounded byte queue with counts of the open file
 * descriptions of each end. Both ends live in this (single-threaded) process, so a read of an
 * empty pipe can only ever be satisfied if no writer remains (EOF) — otherwise it would block forever.
 */
export class PipeBuffer {
  /** A ring of `capacity` bytes: `size` of them queued, starting at `head`. */
  private ring = new Uint8Array(PIPE_CAPACITY);
  private head = 0;
  size = 0;
  readers = 0;
  writers = 0;
  /** Counts reads and writes: an edge-triggered epoll reports a pipe again after either. */
  activity = 0;
  readonly inode = nextPipeInode++;
  /** Creation time in nanoseconds since the epoch (fstat's times). */
  readonly created = BigInt(Date.now()) * 1_000_000n;

  get capacity(): number {
    return this.ring.length;
  }

  /** Removes and returns up to `max` bytes (fewer when fewer are queued). */
  take(max: number): Uint8Array {
    const n = Math.min(max, this.size);
    const out = new Uint8Array(n);
    const first = Math.min(n, this.ring.length - this.head);
    out.set(this.ring.subarray(this.head, this.head + first));
    out.set(this.ring.subarray(0, n - first), first);
    this.head = (this.head + n) % this.ring.length;
    this.size -= n;
    this.activity++;
    return out;
  }

  /** Queues `bytes`; the caller has checked that they fit. */
  put(bytes: Uint8Array): void {
    const tail = (this.head + this.size) % this.ring.length;
    const first = Math.min(bytes.length, this.ring.length - tail);
    this.ring.set(bytes.subarray(0, first), tail);
    this.ring.set(bytes.subarray(first), 0);
    this.size += bytes.length;
    this.activity++;
  }

  get space(): number {
    return Math.max(0, this.capacity - this.size);
  }

  /** F_SETPIPE_SZ: a power-of-two number of pages, never below what is queued. */
  resize(requested: number): number {
    if (requested <= 0) fail(E.EINVAL);
    if (requested > 1 << 20) fail(E.EPERM); // /proc/sys/fs/pipe-max-size for unprivileged users
    let size = 4096;
    while (size < requested) size *= 2;
    if (size < this.size) fail(E.EBUSY);
    const queued = this.take(this.size);
    this.ring = new Uint8Array(size);
    this.head = 0;
    this.put(queued);
    return size;
  }
}

/** One end of a pipe as an open file description holds it. */
export interface PipeEnd {
  readonly buffer: PipeBuffer;
  /** A FIFO opened for reading and writing holds both. */
  readonly end: 'read' | 'write' | 'both';
}

/**
 * What a read of `want` bytes from the read end gets: bytes, EOF (an empty array), EAGAIN, or
 * null when it has to wait for a writer — which, in this single process, only a signal handler
 * can be.
 */
export function readPipe(pipe: PipeBuffer, want: number, nonblocking: boolean): Uint8Array | null {
  if (want === 0) return new Uint8Array(0);
  if (pipe.size > 0) return pipe.take(want);
  if (pipe.writers === 0) return new Uint8Array(0);
  if (nonblocking) fail(E.EAGAIN);
  return null;
}

/**
 * Writes to the write end what fits now: all of a write of up to PIPE_BUF bytes or none of it
 * (those are atomic), else as much as there is room for. Returns the bytes accepted, 'broken'
 * when no reader remains (the caller raises SIGPIPE and fails with EPIPE), or null when none
 * fit and the caller has to wait for room.
 */
export function writePipe(
  pipe: PipeBuffer,
  bytes: Uint8Array,
  nonblocking: boolean,
): number | 'broken' | null {
  if (pipe.readers === 0) return 'broken';
  if (bytes.length === 0) return 0;
  const space = pipe.space;
  const fits =
    bytes.length <= PIPE_BUF ? (space >= bytes.length ? bytes.length : 0) : Math.min(space, bytes.length);
  if (fits > 0) {
    pipe.put(bytes.subarray(0, fits));
    return fits;
  }
  if (nonblocking) fail(E.EAGAIN);
  return null;
}

/** poll(2) readiness of one pipe end for the requested `events`. */
export function pollPipe(end: PipeEnd, events: number): number {
  const pipe = end.buffer;
  let ready = 0;
  if (end.end !== 'write') {
    if (pipe.size > 0) ready |= events & POLLIN;
    if (pipe.writers === 0) ready |= POLLHUP;
  }
  if (end.end !== 'read') {
    if (pipe.space > 0) ready |= events & POLLOUT;
    if (pipe.readers === 0) ready |= POLLERR;
  }
  return ready;
}

/** What fstat reports for a pipe: a FIFO owned by the caller on the pipe file system. */
export function pipeStat(pipe: PipeBuffer): BigIntStats {
  // pipefs' anonymous device, as the kernel numbers it on most systems
  return syntheticStat(0xdn, pipe.inode, 0o010600n, pipe.created);
}
