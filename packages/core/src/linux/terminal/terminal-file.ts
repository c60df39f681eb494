import type { BigIntStats } from 'node:fs';
import { E, fail } from '../errno.js';
import type { LinuxKernel } from '../kernel.js';
import { POLLHUP, POLLIN, POLLOUT } from '../pipe.js';
import type { SpecialFile } from '../special-file.js';
import { now } from '../timers.js';
import { checkBackgroundChange, checkBackgroundRead } from './job-access.js';
import type { Terminal } from './terminal.js';
import { TOSTOP } from './termios.js';

/**
 * An open terminal as programs use it: a pty's slave, or the host's terminal given to the run.
 * Reads take what the line discipline has ready (a background process gets SIGTTIN), writes go
 * out through output processing, and after a hangup reads see end of file and writes EIO.
 */
export class TerminalFile implements SpecialFile {
  constructor(
    readonly terminal: Terminal,
    private readonly statOf: () => BigIntStats,
    private readonly onRelease: () => void = () => {},
  ) {}

  get name(): string {
    return this.terminal.path;
  }

  /** What /proc/PID/fd shows for it: the terminal's own path. */
  get path(): string {
    return this.terminal.path;
  }

  /** When a VTIME read waiting now gives up (only while one waits: epoll asks too). */
  private readDeadline: bigint | null = null;
  /** The timer between bytes of a VMIN/VTIME read: restarted when a byte arrives. */
  private interByte: { arrivals: number; deadline: bigint } | null = null;

  wakeAt(): bigint | null {
    return this.readDeadline;
  }

  get activity(): number {
    return this.terminal.activity;
  }

  read(k: LinuxKernel, want: number): Uint8Array | null {
    const t = this.terminal;
    if (t.hungUp) return new Uint8Array(0);
    checkBackgroundRead(k, t);
    const d = t.discipline;
    const timeout = d.firstByteTimeout();
    if (timeout !== null && !d.pending()) {
      // VMIN 0, VTIME set: wait that long for a byte, then read nothing.
      const deadline = k.deadline(timeout) as bigint;
      this.readDeadline = now() >= deadline ? null : deadline;
      return this.readDeadline === null ? new Uint8Array(0) : null;
    }
    this.readDeadline = null;
    if (!d.readable(want)) {
      const between = d.interByteTimeout();
      if (between === null || d.queued === 0 || !this.timerRanOut(k, between)) return null;
    }
    this.interByte = null;
    this.readDeadline = null;
    const bytes = d.read(want);
    t.feed();
    t.activity++;
    return bytes;
  }

  /**
   * VMIN and VTIME both set, fewer than VMIN bytes there: whether VTIME has passed since the
   * last byte came (or since the read began, for bytes already there), as n_tty_read's timer.
   * The bytes stay queued meanwhile, where the kernel's read has taken them already.
   */
  private timerRanOut(k: LinuxKernel, between: bigint): boolean {
    const arrivals = this.terminal.discipline.arrivals;
    const fresh = k.thread.resumeDeadline === undefined; // not a read that blocked and runs again
    if (fresh || this.interByte === null || this.interByte.arrivals !== arrivals)
      this.interByte = { arrivals, deadline: now() + between };
    if (now() >= this.interByte.deadline) return true;
    this.readDeadline = this.interByte.deadline;
    return false;
  }

  write(k: LinuxKernel, bytes: Uint8Array): number | null {
    const t = this.terminal;
    if (t.hungUp) fail(E.EIO);
    if (t.termios.lflag & TOSTOP) checkBackgroundChange(k, t);
    t.write(bytes);
    return bytes.length;
  }

  poll(_k: LinuxKernel, events: number): number {
    const t = this.terminal;
    if (t.hungUp) return (events & (POLLIN | POLLOUT)) | POLLHUP;
    return (t.discipline.pending() ? events & POLLIN : 0) | (events & POLLOUT);
  }

  stat(): BigIntStats {
    return this.statOf();
  }

  release(): void {
    this.onRelease();
  }
}

export function isTerminalFile(special: SpecialFile | null): special is TerminalFile {
  return special instanceof TerminalFile;
}
