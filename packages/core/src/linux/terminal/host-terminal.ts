import { type BigIntStats, fstatSync, writeSync } from 'node:fs';
import { E, errnoOf } from '../errno.js';
import { OpenFile } from '../fd-table.js';
import type { LinuxKernel } from '../kernel.js';
import { processesOf, terminalsOf } from './registry.js';
import { Terminal } from './terminal.js';
import { TerminalFile } from './terminal-file.js';
import { TERMIOS_SIZE } from './termios.js';

export interface HostTerminalOptions {
  /** The guest descriptors (of 0, 1, 2) that are the terminal; they become one description. */
  readonly fds: readonly number[];
  /** The host descriptor of the terminal, whose device numbers fstat shows (default 0). */
  readonly hostFd?: number;
  /** Its name for ttyname and /proc/PID/fd, e.g. the host's "/dev/pts/3". */
  readonly path: string;
  /** The window size now. */
  readonly rows: number;
  readonly columns: number;
  /** The host terminal's settings as the kernel's 36-byte struct termios (default: a new terminal's). */
  readonly termios?: Uint8Array;
  /**
   * Stops the host process until it is continued (for the run's own job taking a stop
   * signal, as Ctrl-Z), returning once it runs again; without it such a stop is discarded,
   * as for an orphaned process group.
   */
  readonly suspend?: () => void;
  /** Shows bytes on the host terminal (default: written to host descriptor 1). */
  readonly show?: (bytes: Uint8Array) => void;
}

/** What the host side does with an attached terminal. */
export interface HostTerminal {
  /** Bytes typed at the host terminal (read from it in raw mode). */
  type(bytes: Uint8Array): void;
  /**
   * Bytes that were typed before the host terminal went into raw mode: its own line discipline
   * has echoed (and edited) them already, so they are queued for the guest without an echo.
   */
  typedAhead(bytes: Uint8Array): void;
  /** The terminal's settings now, as the guest left them: the kernel's 36-byte struct termios. */
  settings(): Uint8Array;
  /** The host terminal's window changed size: the foreground group gets SIGWINCH. */
  resize(rows: number, columns: number): void;
  /** The run ends: the terminal no longer keeps the run waiting for host input. */
  detach(): void;
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (done < bytes.length) {
    try {
      done += writeSync(fd, bytes, done, bytes.length - done);
    } catch (error) {
      if (errnoOf(error) !== E.EAGAIN) return; // the terminal went away: nothing to show it on
      Atomics.wait(pause, 0, 0, 2);
    }
  }
}

/**
 * Makes the host's terminal the controlling terminal of `k`'s session, as the kernel's is for a
 * program started on it: `fds` become one open description of a guest terminal whose line
 * discipline runs here (the host terminal is to be in raw mode, with no output processing of
 * its own), so the guest's termios decide echo, canonical editing and signals — Ctrl-C and
 * Ctrl-Z reach the foreground process group the guest chose with TIOCSPGRP — and its output
 * processing decides what reaches the screen. While it is attached, a run whose threads all
 * wait gives the event loop the time for host input.
 */
export function attachHostTerminal(k: LinuxKernel, options: HostTerminalOptions): HostTerminal {
  const hostFd = options.hostFd ?? 0;
  const show = options.show ?? ((bytes: Uint8Array) => writeAll(1, bytes));
  const terminal = new Terminal(options.path, processesOf(k), show);
  if (options.termios !== undefined) {
    if (options.termios.length !== TERMIOS_SIZE)
      throw new RangeError("termios must be the kernel's 36-byte struct");
    terminal.setTermios(options.termios);
  }
  terminal.winsize = { rows: options.rows, columns: options.columns, xpixel: 0, ypixel: 0 };
  terminal.session = k.sid;
  terminal.foreground = k.pgid;
  const stat = (): BigIntStats => fstatSync(hostFd, { bigint: true });
  const registry = terminalsOf(k);
  registry.host = terminal;
  registry.hostStat = stat;
  registry.suspendHost = options.suspend ?? null;
  const file = OpenFile.forSpecial(new TerminalFile(terminal, stat), 2); // O_RDWR, as a login's terminal
  file.refs = 0;
  for (const fd of options.fds) {
    k.fds.installAt(fd, file);
    file.refs++;
  }
  const host = k.system?.host ?? null;
  if (host) host.open++;
  let attached = true;
  return {
    type(bytes) {
      terminal.type(bytes);
      host?.notify();
    },
    typedAhead(bytes) {
      terminal.typeEchoed(bytes);
      host?.notify();
    },
    settings() {
      return terminal.termios.encode();
    },
    resize(rows, columns) {
      terminal.resize({ rows, columns, xpixel: 0, ypixel: 0 });
      host?.notify();
    },
    detach() {
      if (!attached) return;
      attached = false;
      registry.suspendHost = null;
      if (host) host.open--;
    },
  };
}
