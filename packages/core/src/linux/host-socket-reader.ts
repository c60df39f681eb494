import type { Socket } from 'node:net';
import { hostNet } from './host-builtins.js';
import type { HostIo } from './host-io.js';
import type { HostStreamReader } from './host-pipe-reader.js';
import { POLLERR, POLLHUP, POLLIN } from './pipe.js';

/** Bytes held for the guest before the socket is paused. */
const HELD_MAX = 64 * 1024;
/** How long a thread waiting on the socket sleeps between looks when no host event woke it. */
const LOOK_NS = 20_000_000n;

/**
 * A host socket given to the run as a descriptor (stdin from a Node parent, which gives its
 * children socket pairs; a socket-activated service's connection) read without stopping the run.
 * It cannot be opened again through /proc as a pipe can, so it is read as Node reads its own
 * stdin: a `net.Socket` on the descriptor, which makes the description non-blocking (Node puts
 * descriptors 0-2 back as they were when it exits) and reads from the event loop, which the run
 * gives a turn while guest threads wait. Reading starts at the guest's first read or poll and
 * pauses once 64 KiB wait unread, so the run takes little more than that ahead of the guest; the
 * socket is unreferenced and never keeps arm64kit alive. Only reading goes through it: the
 * guest's writes to the same descriptor stay plain writes, and its end is not shut down.
 */
export class HostSocketReader implements HostStreamReader {
  private held: Buffer = Buffer.alloc(0);
  private ended = false;
  private failure: Error | null = null;
  private readonly socket: Socket;
  /** Whether the socket is read (the run then counts it among its host I/O) until its end. */
  private listening = true;

  /**
   * Starts reading (it is made at the guest's first read or poll). Throws when Node cannot take
   * the descriptor as a stream (a datagram socket).
   */
  constructor(
    fd: number,
    private readonly host: HostIo,
  ) {
    const socket = new (hostNet().Socket)({ fd, readable: true, writable: false, allowHalfOpen: true });
    this.socket = socket;
    socket.unref();
    host.open++;
    socket.on('data', (bytes: Buffer) => {
      this.held = this.held.length === 0 ? bytes : Buffer.concat([this.held, bytes]);
      if (this.held.length >= HELD_MAX) socket.pause();
      this.host.notify();
    });
    socket.on('end', () => {
      this.ended = true;
      this.stopListening();
    });
    // The error goes to the next read, and the stream ends there: later reads get 0, as the
    // kernel's after a reset, instead of waiting on a socket Node no longer reads.
    socket.on('error', (error) => {
      this.failure = error;
      this.ended = true;
      this.stopListening();
    });
  }

  read(max: number): Uint8Array | 0 | null {
    if (max === 0) return new Uint8Array(0);
    if (this.held.length > 0) {
      const bytes = this.held.subarray(0, Math.min(max, this.held.length));
      this.held = this.held.subarray(bytes.length);
      if (this.listening && this.held.length < HELD_MAX) this.socket.resume();
      return bytes;
    }
    const failure = this.failure;
    this.failure = null;
    if (failure !== null) throw failure;
    if (this.ended) return 0;
    return null;
  }

  /**
   * POLLIN while bytes wait; at the end POLLIN with POLLHUP, as the kernel says for a socket whose
   * peer has closed (a peer that only shut down its writing gets no POLLHUP there; the end of the
   * stream does not tell the two apart).
   */
  pollEvents(): number {
    if (this.held.length > 0) return POLLIN;
    if (this.failure !== null) return POLLIN | POLLERR;
    if (this.ended) return POLLIN | POLLHUP;
    return 0;
  }

  nextLook(now: bigint): bigint {
    return now + LOOK_NS;
  }

  /** The description is gone: reading stops. The descriptor is not closed (it is not the run's). */
  close(): void {
    this.socket.pause();
    this.socket.removeAllListeners();
    this.stopListening();
  }

  private stopListening(): void {
    if (!this.listening) return;
    this.listening = false;
    this.host.open--;
    this.host.notify();
  }
}
