import { fstatSync, readlinkSync } from 'node:fs';
import type { ReadStream } from 'node:tty';
import { attachHostTerminal, hostIsTerminal, type LinuxKernel } from '@arm64kit/core';

/** Loaded only for a run on a terminal, as node:tty is (see hostIsTerminal). */
const childProcess = (): typeof import('node:child_process') =>
  process.getBuiltinModule('node:child_process');

/** Whether host descriptors `a` and `b` are the same terminal device. */
function sameDevice(a: number, b: number): boolean {
  try {
    return fstatSync(a).rdev === fstatSync(b).rdev;
  } catch {
    return false;
  }
}

/**
 * The terminal's settings as `stty -g` prints them (iflag:oflag:cflag:lflag:cc…, hex), as the
 * kernel's 36-byte struct termios; null when stty cannot say.
 */
function hostTermios(): Uint8Array | null {
  const result = childProcess().spawnSync('stty', ['-g'], {
    stdio: ['inherit', 'pipe', 'ignore'],
    encoding: 'utf8',
  });
  const fields = result.status === 0 ? result.stdout.trim().split(':') : [];
  if (fields.length < 4 + 17 || fields.some((f) => !/^[0-9a-f]+$/i.test(f))) return null;
  const values = fields.map((f) => Number.parseInt(f, 16));
  const bytes = new Uint8Array(36);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < 4; i++) view.setUint32(4 * i, values[i] >>> 0, true);
  bytes.set(values.slice(4, 4 + 19), 17); // c_line (byte 16) stays N_TTY
  return bytes;
}

/**
 * When stdin is a terminal, makes it the guest's controlling terminal: the host terminal goes
 * into raw mode without output processing (Node's raw mode, then `stty -opost`), and the
 * emulator's line discipline, with the settings the terminal had, does what the kernel's
 * would for the guest — so Ctrl-C and Ctrl-Z reach the guest's foreground process group, and
 * a resize sends it SIGWINCH; when the program's own job is stopped, arm64kit stops until its
 * shell continues it. Returns a function that gives the terminal back as it was.
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
  const termios = hostTermios();
  const screen = process.stdout.isTTY ? process.stdout : process.stderr.isTTY ? process.stderr : null;
  const takeOver = () => {
    stdin.setRawMode(true);
    childProcess().spawnSync('stty', ['-opost'], { stdio: ['inherit', 'ignore', 'ignore'] });
  };
  // The run's own job stopped (Ctrl-Z at the program arm64kit started): arm64kit stops as
  // the program would, with the terminal as it found it, until the shell continues it.
  const suspend = () => {
    stdin.setRawMode(false);
    process.kill(process.pid, 'SIGTSTP');
    takeOver();
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
    ...(termios ? { termios } : {}),
  });
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
    stdin.setRawMode(false); // Node restores the settings it found, output processing included
    stdin.pause();
  };
}
