import { accessSync, type BigIntStats, constants, statSync } from 'node:fs';
import { E, fail } from './errno.js';
import { OpenFile } from './fd-table.js';
import type { LinuxKernel } from './kernel.js';
import { PipeBuffer, type PipeEnd } from './pipe.js';
import type { GuestThread } from './thread.js';

const O_ACCMODE = 0o3;
const O_RDONLY = 0;
const O_WRONLY = 1;
const O_NONBLOCK = 0o4000;

/**
 * A named pipe (FIFO) as the guest processes of a run share it. The host's FIFO node is only
 * its name: opening it on the host would block the whole emulator until another host process
 * opened the other end, so the guests that open one meet in a pipe of the run's own, which
 * lasts while any of them has it open (its data is dropped when the last end closes, as in the
 * kernel).
 */
export class NamedPipe {
  buffer = new PipeBuffer();
  /** Opens of each side so far: an opener waiting for the other side wakes when it changes. */
  readOpens = 0;
  writeOpens = 0;
  /**
   * Threads in a blocking open of each side. As in the kernel, each already counts as a reader
   * or writer of the pipe, so the other side's open goes ahead and its writes do not fail.
   */
  private readonly waiting = { read: new Set<GuestThread>(), write: new Set<GuestThread>() };

  /** A new pipe once every end has closed (the kernel frees it with its last reader and writer). */
  renewIfClosed(): void {
    this.forgetDeadWaiters();
    if (this.buffer.readers === 0 && this.buffer.writers === 0) this.buffer = new PipeBuffer();
  }

  startWaiting(thread: GuestThread, side: 'read' | 'write'): void {
    this.waiting[side].add(thread);
    this.count(side, 1);
  }

  stopWaiting(thread: GuestThread, side: 'read' | 'write'): void {
    if (this.waiting[side].delete(thread)) this.count(side, -1);
  }

  /** A thread that died while it waited (killed by a signal) no longer counts. */
  private forgetDeadWaiters(): void {
    for (const side of ['read', 'write'] as const) {
      for (const thread of this.waiting[side]) {
        if (thread.state === 'dead' || thread.fifoOpen?.pipe !== this) this.stopWaiting(thread, side);
      }
    }
  }

  private count(side: 'read' | 'write', delta: number): void {
    if (side === 'read') this.buffer.readers += delta;
    else this.buffer.writers += delta;
  }
}

/** A blocking open of a FIFO that waits for the other side (kept on the thread across restarts). */
export interface PendingFifoOpen {
  readonly pipe: NamedPipe;
  readonly side: 'read' | 'write';
  /** The other side's open count when the wait began. */
  readonly since: number;
}

/** The named pipes of one run (or one process without a scheduler), by host device and inode. */
const registries = new WeakMap<object, Map<string, NamedPipe>>();

function namedPipe(k: LinuxKernel, dev: bigint, ino: bigint): NamedPipe {
  const owner = k.system ?? k;
  let pipes = registries.get(owner);
  if (pipes === undefined) registries.set(owner, (pipes = new Map()));
  const key = `${dev}:${ino}`;
  let pipe = pipes.get(key);
  if (pipe === undefined) pipes.set(key, (pipe = new NamedPipe()));
  pipe.renewIfClosed();
  return pipe;
}

/** The node `host` names, if it is a FIFO (following symlinks, as the walk already did). */
export function fifoAt(host: string | Buffer): BigIntStats | null {
  const st = statSync(host, { bigint: true, throwIfNoEntry: false });
  return st?.isFIFO() ? st : null;
}

/**
 * open(2) of a FIFO: a read-only open waits until a writer opens it (unless O_NONBLOCK), a
 * write-only open until a reader does (with O_NONBLOCK and no reader: ENXIO), a read-write open
 * never waits. An open that waits can be interrupted by a signal like a pipe read.
 */
export function openFifo(
  k: LinuxKernel,
  guest: string,
  host: string | Buffer,
  node: BigIntStats,
  flags: number,
): OpenFile {
  const mode = flags & O_ACCMODE;
  accessSync(
    host,
    mode === O_RDONLY ? constants.R_OK : mode === O_WRONLY ? constants.W_OK : constants.R_OK | constants.W_OK,
  );
  const pipe = namedPipe(k, node.dev, node.ino);
  const nonblocking = (flags & O_NONBLOCK) !== 0;
  const end: PipeEnd['end'] = mode === O_RDONLY ? 'read' : mode === O_WRONLY ? 'write' : 'both';
  if (end === 'write' && nonblocking && pipe.buffer.readers === 0) fail(E.ENXIO);
  if (end !== 'both' && !nonblocking) waitForOtherSide(k, pipe, end);
  if (end !== 'write') pipe.readOpens++;
  if (end !== 'read') pipe.writeOpens++;
  const file = new OpenFile(-1, guest, host, flags, 'pipe', false);
  file.attachPipe({ buffer: pipe.buffer, end });
  return file;
}

/** Returns once the other side of `pipe` is open or has been opened since the wait began. */
function waitForOtherSide(k: LinuxKernel, pipe: NamedPipe, side: 'read' | 'write'): void {
  const thread = k.thread;
  const pending = thread.fifoOpen;
  const resumed = pending !== null && pending.pipe === pipe && pending.side === side;
  const since = resumed ? pending.since : side === 'read' ? pipe.writeOpens : pipe.readOpens;
  // The other side is open, waiting in its own open, or came (and maybe went) meanwhile.
  const otherSideCame = () =>
    side === 'read'
      ? pipe.buffer.writers > 0 || pipe.writeOpens !== since
      : pipe.buffer.readers > 0 || pipe.readOpens !== since;
  if (resumed) done(thread, pipe, side); // its own count goes; the open file's comes
  if (otherSideCame()) return;
  thread.fifoOpen = { pipe, side, since };
  pipe.startWaiting(thread, side);
  const other = side === 'read' ? 'writing' : 'reading';
  k.block(null, `open of a FIFO that nothing opens for ${other}`, k.signals.mask, otherSideCame);
  // Interrupted by a signal: the open fails with EINTR, or runs again after an SA_RESTART handler.
  done(thread, pipe, side);
  fail(E.ERESTARTSYS);
}

function done(thread: GuestThread, pipe: NamedPipe, side: 'read' | 'write'): void {
  thread.fifoOpen = null;
  pipe.stopWaiting(thread, side);
}
