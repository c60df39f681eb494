import { fstatSync, read as readLater } from 'node:fs';
import { E, errnoOf, fail } from './errno.js';
import type { OpenFile } from './fd-table.js';
import type { HostIo } from './host-io.js';

/** The most one host read takes ahead for a guest that polls (a read takes what it asks for). */
const POLL_READ_BYTES = 64 * 1024;
/** A host descriptor someone made non-blocking is tried again this often while a guest waits. */
const RETRY_MS = 2;

/**
 * A read of a host pipe or socket that must not stop the run while it waits. Node can neither
 * poll a host descriptor nor read it without blocking the thread, so the read goes to libuv's
 * thread pool (`fs.read`) and the guest thread that asked waits, as in a blocked system call,
 * until the bytes come: other guest threads and processes run meanwhile, and signals and timers
 * interrupt the wait as they interrupt the kernel's. A read asks the host for at most what the
 * guest asked for, so a process that reads a byte at a time leaves the rest in the pipe for the
 * next reader, as under the kernel; what a poll read ahead waits here for the next guest read
 * of the same open file description.
 */
export class HostReadAhead {
  private data: Uint8Array | null = null;
  private ended = false;
  private failed: number | null = null;
  private reading = false;

  constructor(
    private readonly fd: number,
    private readonly host: HostIo,
  ) {}

  /** Whether a guest read would get an answer now (bytes, end of file or an error). */
  get ready(): boolean {
    return this.data !== null || this.ended || this.failed !== null;
  }

  /** Whether a host read is in flight (the run must not end the process's event loop waiting for it). */
  get busy(): boolean {
    return this.reading;
  }

  /**
   * What a guest read of up to `max` bytes gets now: the bytes, 0 at end of file, or null when
   * nothing has come yet (a host read is then under way; wait for `ready`). A host error is thrown.
   */
  take(max: number): Uint8Array | 0 | null {
    const data = this.data;
    if (data !== null) {
      this.data = max < data.length ? data.subarray(max) : null;
      return data.subarray(0, max);
    }
    if (this.ended) {
      this.ended = false; // a terminal or a socket may have more after an end of file
      return 0;
    }
    if (this.failed !== null) {
      const errno = this.failed;
      this.failed = null;
      fail(errno);
    }
    this.start(max);
    return null;
  }

  /** Starts reading ahead for a poll (nothing if bytes or a read are there already). */
  prefetch(): void {
    if (!this.ready) this.start(POLL_READ_BYTES);
  }

  private start(max: number): void {
    if (this.reading) return;
    this.reading = true;
    this.host.open++;
    const attempt = () => {
      const buffer = Buffer.alloc(max);
      readLater(this.fd, buffer, 0, max, null, (error, n) => {
        if (error && errnoOf(error) === E.EAGAIN) {
          setTimeout(attempt, RETRY_MS); // the host made it non-blocking: look again soon
          return;
        }
        this.reading = false;
        this.host.open--;
        if (error) this.failed = errnoOf(error);
        else if (n === 0) this.ended = true;
        else this.data = buffer.subarray(0, n);
        this.host.notify();
      });
    };
    attempt();
  }
}

const readers = new WeakMap<OpenFile, HostReadAhead | null>();

/**
 * The read-ahead of `file` when it is a host pipe, FIFO or socket (the host descriptors whose
 * reads may wait for another process), else null: regular files, directories and devices such
 * as /dev/null and /dev/urandom answer at once and are read directly.
 */
export function hostReadAhead(file: OpenFile, host: HostIo): HostReadAhead | null {
  let reader = readers.get(file);
  if (reader === undefined) {
    let waits = false;
    try {
      const st = fstatSync(file.hostFd);
      waits = st.isFIFO() || st.isSocket();
    } catch {}
    reader = waits ? new HostReadAhead(file.hostFd, host) : null;
    readers.set(file, reader);
  }
  return reader;
}
