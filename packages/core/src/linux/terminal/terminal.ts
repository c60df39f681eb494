import type { LinuxKernel } from '../kernel.js';
import { SI, senderInfo } from '../siginfo.js';
import { LineDiscipline } from './line-discipline.js';
import { ICANON, OCRNL, ONLCR, OPOST, Termios } from './termios.js';

const SIGHUP = 1;
const SIGCONT = 18;
const SIGWINCH = 28;

/**
 * What the tty port's buffers between a pty's master and its line discipline hold at most:
 * the kernel's TTYB_DEFAULT_MEM_LIMIT, after which writes to the master wait (or EAGAIN).
 */
export const TYPED_LIMIT = 65536;

export interface WindowSize {
  rows: number;
  columns: number;
  xpixel: number;
  ypixel: number;
}

/**
 * A terminal as the kernel's tty layer keeps it: settings (termios), window size, the session it
 * controls and that session's foreground process group, and the line discipline between what
 * is typed and what programs read. What programs write goes out through `show` after output
 * processing: to a pty's master, or to the host's terminal.
 */
export class Terminal {
  readonly termios = new Termios();
  readonly discipline: LineDiscipline;
  winsize: WindowSize = { rows: 0, columns: 0, xpixel: 0, ypixel: 0 };
  /** The session it is the controlling terminal of (its leader's pid), or null. */
  session: number | null = null;
  /** The foreground process group: it reads, and gets the signal characters' signals. */
  foreground = 0;
  /** Hung up: reads see end of file, writes fail with EIO (the master side went away). */
  hungUp = false;
  /** Counts changes, for edge-triggered epoll. */
  activity = 0;
  /**
   * Bytes typed that the line discipline had no room for yet, oldest first: the tty port's
   * buffers between a pty's master and n_tty, which hold at most TYPED_LIMIT bytes.
   */
  private typed: Uint8Array[] = [];
  private typedBytes = 0;

  constructor(
    /** Its name in the guest, e.g. "/dev/pts/0" (ttyname, /proc/PID/fd). */
    readonly path: string,
    /** The processes that signals may reach (the run's). */
    private readonly processes: () => Iterable<LinuxKernel>,
    private readonly show: (bytes: Uint8Array) => void,
  ) {
    this.discipline = new LineDiscipline(
      this.termios,
      (bytes) => this.write(Uint8Array.from(bytes)),
      (signo) => this.signalForeground(signo),
    );
  }

  /** Bytes typed at the terminal: they wait for room in the line discipline's queue. */
  type(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.typed.push(bytes.slice()); // the caller's buffer may be guest memory, which changes
    this.typedBytes += bytes.length;
    this.feed();
    this.activity++;
  }

  /**
   * Bytes typed before this line discipline took over, which the one before it (the host's)
   * has echoed already: queued as typed, not echoed again.
   */
  typeEchoed(bytes: Uint8Array): void {
    this.feed();
    let at = 0;
    while (at < bytes.length && this.typed.length === 0) {
      const taken = this.discipline.receive(bytes.subarray(at), false);
      if (taken === 0) break;
      at += taken;
    }
    if (at < bytes.length) this.type(bytes.subarray(at)); // no room: these will echo, late
    this.activity++;
  }

  /** How many more bytes `type` may be given before a pty's master stops taking writes. */
  get typingRoom(): number {
    return Math.max(0, TYPED_LIMIT - this.typedBytes);
  }

  /** Hands waiting typed bytes to the line discipline, as far as its queue has room. */
  feed(): void {
    while (this.typed.length > 0) {
      const chunk = this.typed[0];
      const taken = this.discipline.receive(chunk);
      this.typedBytes -= taken;
      if (taken < chunk.length) {
        this.typed[0] = chunk.subarray(taken);
        return;
      }
      this.typed.shift();
    }
  }

  /** TCIFLUSH: what was typed and not read, in the line discipline and waiting before it. */
  flushInput(): void {
    this.discipline.flush();
    this.typed = [];
    this.typedBytes = 0;
    this.activity++;
  }

  /** Bytes a program writes to the terminal (and echoes), after output processing (OPOST). */
  write(bytes: Uint8Array): void {
    const o = this.termios.oflag;
    if (!(o & OPOST) || !(o & (ONLCR | OCRNL))) {
      this.show(bytes);
      return;
    }
    const out: number[] = [];
    for (const c of bytes) {
      if (c === 10 && o & ONLCR) out.push(13, 10);
      else if (c === 13 && o & OCRNL) out.push(10);
      else out.push(c);
    }
    this.show(Uint8Array.from(out));
  }

  /** New settings (TCSETS*): the line discipline follows a change of ICANON. */
  setTermios(bytes: Uint8Array): void {
    const wasCanonical = (this.termios.lflag & ICANON) !== 0;
    this.termios.decode(bytes);
    this.discipline.modeChanged(wasCanonical);
    this.feed();
    this.activity++;
  }

  /** TIOCSWINSZ, or the host's terminal resized: the foreground group gets SIGWINCH on a change. */
  resize(size: WindowSize): void {
    const w = this.winsize;
    const changed =
      w.rows !== size.rows ||
      w.columns !== size.columns ||
      w.xpixel !== size.xpixel ||
      w.ypixel !== size.ypixel;
    this.winsize = { ...size };
    if (changed) this.signalForeground(SIGWINCH);
  }

  /** Sends `signo` to every process of the foreground group, as the kernel does (SI_KERNEL). */
  signalForeground(signo: number): void {
    if (this.session === null) return;
    this.signalGroup(this.foreground, signo);
  }

  signalGroup(pgid: number, signo: number): void {
    for (const p of this.processes())
      if (p.state === 'alive' && p.pgid === pgid) p.postSignal(signo, senderInfo(signo, SI.KERNEL, 0, 0));
  }

  /**
   * The master side went away (tty_vhangup): the session leader gets SIGHUP and SIGCONT, the
   * terminal controls no session any more, reads see end of file and writes fail.
   */
  hangUp(): void {
    this.hungUp = true;
    this.activity++;
    if (this.session === null) return;
    for (const p of this.processes()) {
      if (p.state !== 'alive' || p.pid !== this.session) continue;
      p.postSignal(SIGHUP, senderInfo(SIGHUP, SI.KERNEL, 0, 0));
      p.postSignal(SIGCONT, senderInfo(SIGCONT, SI.KERNEL, 0, 0));
    }
    this.session = null;
  }
}
