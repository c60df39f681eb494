import { closeSync, constants, fstatSync, openSync, readlinkSync, readSync } from 'node:fs';
import type { ReadStream } from 'node:tty';
import { attachHostTerminal, hostIsTerminal, type LinuxKernel } from '@arm64kit/core';

/** Loaded only for a run on a terminal, as node:tty is (see hostIsTerminal). */
const childProcess = (): typeof import('node:child_process') =>
  process.getBuiltinModule('node:child_process');

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** Whether host descriptors `a` and `b` are the same terminal device. */
function sameDevice(a: number, b: number): boolean {
  try {
    return fstatSync(a).rdev === fstatSync(b).rdev;
  } catch {
    return false;
  }
}

/** The kernel's control characters (c_cc) in a struct termios; glibc's, which stty prints, has more. */
const KERNEL_NCCS = 19;

/**
 * The terminal's settings as `stty -g` prints them (iflag:oflag:cflag:lflag:cc…, hex): its
 * fields, and the kernel's 36-byte struct termios they make; null when stty cannot say.
 */
function hostTermios(): { fields: string[]; termios: Uint8Array } | null {
  const result = childProcess().spawnSync('stty', ['-g'], {
    stdio: ['inherit', 'pipe', 'ignore'],
    encoding: 'utf8',
  });
  const fields = result.status === 0 ? result.stdout.trim().split(':') : [];
  if (fields.length < 4 + 17 || fields.some((f) => !/^[0-9a-f]+$/i.test(f))) return null;
  const values = fields.map((f) => Number.parseInt(f, 16));
  const termios = new Uint8Array(36);
  const view = new DataView(termios.buffer);
  for (let i = 0; i < 4; i++) view.setUint32(4 * i, values[i] >>> 0, true);
  termios.set(values.slice(4, 4 + KERNEL_NCCS), 17); // c_line (byte 16) stays N_TTY
  return { fields, termios };
}

/**
 * Puts `termios` (the kernel's struct, as the guest left it) on the host terminal with `stty`,
 * in `stty -g`'s form: the flags and control characters the kernel's struct has, the rest of
 * `fields` (glibc's further c_cc) as they were.
 */
function applyTermios(fields: readonly string[], termios: Uint8Array): void {
  const view = new DataView(termios.buffer, termios.byteOffset, termios.byteLength);
  const settings = [...fields];
  for (let i = 0; i < 4; i++) settings[i] = view.getUint32(4 * i, true).toString(16);
  for (let i = 0; i < KERNEL_NCCS && 4 + i < settings.length; i++)
    settings[4 + i] = termios[17 + i].toString(16);
  childProcess().spawnSync('stty', [settings.join(':')], { stdio: ['inherit', 'ignore', 'ignore'] });
}

/**
 * Takes what is waiting in the host terminal's input queue: what was typed before it went
 * into raw mode, which its line discipline has echoed already. Read through a description of
 * its own (non-blocking), so the one Node reads stdin through keeps its mode.
 */
function takeTypedAhead(path: string): Uint8Array {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch {
    return Buffer.alloc(0);
  }
  const chunks: Buffer[] = [];
  try {
    for (;;) {
      const chunk = Buffer.alloc(4096);
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n <= 0) break;
      chunks.push(chunk.subarray(0, n));
    }
  } catch {
    // EAGAIN: nothing more is waiting
  } finally {
    closeSync(fd);
  }
  return Buffer.concat(chunks);
}

/**
 * When stdin is a terminal, makes it the guest's controlling terminal: the host terminal goes
 * into raw mode without output processing (Node's raw mode, then `stty -opost`), and the
 * emulator's line discipline, with the settings the terminal had, does what the kernel's
 * would for the guest — so Ctrl-C and Ctrl-Z reach the guest's foreground process group, and
 * a resize sends it SIGWINCH; when the program's own job is stopped, arm64kit stops until its
 * shell continues it. What was typed before the takeover reaches the guest without a second
 * echo. Returns a function that gives the terminal back with the settings the guest left on
 * it, as a program's own tcsetattr leaves them (under qemu too, whose guest sets the host's
 * terminal itself). Should arm64kit die instead, Node puts back the settings the terminal had
 * when it started (its exit and fatal-signal handlers do); only SIGKILL leaves it raw, as it
 * leaves any program's.
 */
export function connectHostTerminal(kernel: LinuxKernel): (() => void) | null {
  // A terminal first: process.stdin builds a stream on first use (a file or pipe stream when stdin
  // is not a terminal), which a run without a terminal never needs.
  if (!hostIsTerminal(0)) return null;
  const stdin = process.stdin as ReadStream;
  if (!stdin.isTTY) return null;
  const fds = [0, 1, 2].filter((fd) => hostIsTerminal(fd) && sameDevice(fd, 0));
  let path = '/dev/tty';
  try {
    path = readlinkSync('/proc/self/fd/0');
  } catch {}
  const found = hostTermios();
  const screen = process.stdout.isTTY ? process.stdout : process.stderr.isTTY ? process.stderr : null;
  let typedAhead: Uint8Array = new Uint8Array(0);
  const takeOver = () => {
    stdin.setRawMode(true);
    childProcess().spawnSync('stty', ['-opost'], { stdio: ['inherit', 'ignore', 'ignore'] });
    typedAhead = takeTypedAhead(path);
  };
  // The run's own job stopped (Ctrl-Z at the program arm64kit started): arm64kit stops as
  // the program would, with the terminal as it found it, until the shell continues it.
  const suspend = () => {
    stdin.setRawMode(false);
    process.kill(process.pid, 'SIGTSTP');
    takeOver();
    terminal.typedAhead(typedAhead);
    const [columns, rows] = screen?.getWindowSize() ?? [0, 0];
    if (screen) terminal.resize(rows, columns);
  };
  takeOver();
  const terminal = attachHostTerminal(kernel, {
    suspend,
    fds,
    path,
    rows: screen?.rows ?? 0,
    columns: screen?.columns ?? 0,
    ...(found ? { termios: found.termios } : {}),
  });
  terminal.typedAhead(typedAhead);
  const onData = (chunk: Buffer) => terminal.type(chunk);
  const onResize = () => {
    if (screen) terminal.resize(screen.rows, screen.columns);
  };
  stdin.on('data', onData);
  screen?.on('resize', onResize);
  return () => {
    terminal.detach();
    stdin.off('data', onData);
    screen?.off('resize', onResize);
    const left = terminal.settings();
    stdin.setRawMode(false); // Node restores the settings it found, output processing included
    if (found && !sameBytes(left, found.termios)) {
      applyTermios(found.fields, left);
      // Node's exit puts back the settings it started with on each of 0, 1 and 2 that is
      // still the file it was; closed as the last thing, they keep the guest's.
      process.once('exit', () => {
        for (const fd of new Set([0, ...fds])) {
          try {
            closeSync(fd);
          } catch {}
        }
      });
    }
    stdin.pause();
  };
}
