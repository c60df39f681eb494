import {
  ECHO,
  ECHOCTL,
  ECHOE,
  ECHOK,
  ECHOKE,
  ECHONL,
  ICANON,
  ICRNL,
  IEXTEN,
  IGNCR,
  INLCR,
  ISIG,
  ISTRIP,
  IXON,
  NOFLSH,
  type Termios,
  VEOF,
  VEOL,
  VEOL2,
  VERASE,
  VINTR,
  VKILL,
  VLNEXT,
  VMIN,
  VQUIT,
  VSTART,
  VSTOP,
  VSUSP,
  VTIME,
  VWERASE,
} from './termios.js';

const SIGINT = 2;
const SIGQUIT = 3;
const SIGTSTP = 20;

/**
 * The size of n_tty's read buffer: it holds at most one byte less (4095), except that a line
 * being edited past that keeps overwriting its last byte, so its newline still gets in.
 */
export const N_TTY_BUF_SIZE = 4096;

/** What n_tty stores for VEOF: a NUL that ends a line, and that a canonical read does not copy. */
const EOF_MARK = 0;

/**
 * The kernel's N_TTY line discipline for the bytes typed at a terminal (written to a pty's
 * master, or read from the host's terminal): input translation (ISTRIP, IGNCR, ICRNL, INLCR),
 * the signal characters (ISIG: ^C, ^\, ^Z to the foreground process group), line editing in
 * canonical mode (erase, kill, word erase, literal next, VEOF, VEOL), and echo (ECHO, ECHOCTL,
 * ECHOE, ECHOK, ECHOKE, ECHONL). Echoes go out through `echo`, which applies output processing.
 *
 * The bytes wait in one queue, as in n_tty's read_buf, with the line ends marked: VEOF is kept
 * as a NUL that ends its line, so a program that turns ICANON off reads it, and turning ICANON
 * on makes whatever is queued one line at once (n_tty_set_termios' push).
 */
export class LineDiscipline {
  /** Received and not read yet: read_tail to read_head. */
  private queue: number[] = [];
  /** Whether each queued byte ends a line (read_flags). */
  private ends: boolean[] = [];
  /** How many bytes at the front of the queue are whole lines (canon_head - read_tail). */
  private completed = 0;
  private literalNext = false;
  /** Echoes of the bytes being received, shown together when they are all taken. */
  private echoes: number[] = [];
  /** Counts bytes queued, so a VMIN/VTIME read can restart its timer when one arrives. */
  arrivals = 0;

  constructor(
    private readonly termios: Termios,
    private readonly show: (bytes: number[]) => void,
    private readonly signal: (signo: number) => void,
  ) {}

  private get canonical(): boolean {
    return (this.termios.lflag & ICANON) !== 0;
  }

  /**
   * Takes bytes typed at the terminal, as many as the queue has room for (n_tty_receive_buf:
   * 4095 bytes; a canonical line with no whole line before it goes on overwriting its last
   * byte, so that a newline can end it), and returns how many it took. Without `echo` nothing
   * is shown: for bytes another line discipline has echoed already.
   */
  receive(bytes: Uint8Array, echo = true): number {
    let taken = 0;
    while (taken < bytes.length) {
      let room = N_TTY_BUF_SIZE - this.queue.length - 1;
      if (room <= 0) {
        const overflow = this.canonical && this.completed === 0;
        if (overflow && room < 0) this.unqueueLast();
        room = overflow ? 1 : 0;
      }
      const n = Math.min(bytes.length - taken, room);
      if (n === 0) break;
      for (let i = 0; i < n; i++) this.receiveByte(bytes[taken++]);
    }
    const echoes = this.echoes;
    this.echoes = [];
    if (echoes.length > 0 && echo) this.show(echoes);
    return taken;
  }

  /**
   * Queues an echo. As n_tty does, echoes are committed when a whole write has been taken, and
   * a signal character without NOFLSH drops those not yet shown ("abc^C" in one write shows ^C).
   */
  private echo(bytes: number[]): void {
    this.echoes.push(...bytes);
  }

  private receiveByte(byte: number): void {
    const t = this.termios;
    let c = t.iflag & ISTRIP ? byte & 0x7f : byte;
    if (this.literalNext) {
      this.literalNext = false;
      this.store(c, true);
      return;
    }
    if (c === 13) {
      if (t.iflag & IGNCR) return;
      if (t.iflag & ICRNL) c = 10;
    } else if (c === 10 && t.iflag & INLCR) c = 13;
    if (t.lflag & ISIG) {
      const signo = t.is(c, VINTR) ? SIGINT : t.is(c, VQUIT) ? SIGQUIT : t.is(c, VSUSP) ? SIGTSTP : 0;
      if (signo !== 0) {
        if (!(t.lflag & NOFLSH)) {
          this.flush();
          this.echoes = [];
        }
        this.signal(signo);
        if (t.lflag & ECHO) this.echoChar(c);
        return;
      }
    }
    if (t.iflag & IXON && (t.is(c, VSTOP) || t.is(c, VSTART))) return; // flow control: taken, not stored
    if (this.canonical && this.edit(c)) return;
    this.store(c, false);
  }

  /** The editing characters of canonical mode; false when `c` is an ordinary one. */
  private edit(c: number): boolean {
    const t = this.termios;
    const extended = (t.lflag & IEXTEN) !== 0;
    if (t.is(c, VERASE)) {
      this.erase(1, c);
      return true;
    }
    if (t.is(c, VKILL)) {
      this.erase(this.editing, c);
      return true;
    }
    if (extended && t.is(c, VWERASE)) {
      let n = 0;
      const q = this.queue;
      const e = this.editing;
      while (n < e && isBlank(q[q.length - 1 - n])) n++;
      while (n < e && !isBlank(q[q.length - 1 - n])) n++;
      this.erase(n, c, true);
      return true;
    }
    if (extended && t.is(c, VLNEXT)) {
      this.literalNext = true;
      if (t.lflag & ECHO && t.lflag & ECHOCTL) this.echo([0x5e, 8]); // "^" then back over it
      return true;
    }
    if (t.is(c, VEOF)) {
      this.endLine(EOF_MARK); // not echoed
      return true;
    }
    return false;
  }

  /** Bytes of the line being edited (canonical mode). */
  private get editing(): number {
    return this.queue.length - this.completed;
  }

  /** Stores an ordinary (or literal) byte, echoing it, and completes a line at a terminator. */
  private store(c: number, literal: boolean): void {
    const t = this.termios;
    if (!this.canonical) {
      this.enqueue(c, false);
      if (t.lflag & ECHO) this.echoChar(c);
      return;
    }
    const ends = !literal && (c === 10 || t.is(c, VEOL) || t.is(c, VEOL2));
    if (c === 10 && !literal ? t.lflag & (ECHO | ECHONL) : t.lflag & ECHO) this.echoChar(c);
    if (ends) this.endLine(c);
    else this.enqueue(c, false);
  }

  private enqueue(c: number, end: boolean): void {
    this.queue.push(c);
    this.ends.push(end);
    this.arrivals++;
  }

  private unqueueLast(): void {
    this.queue.pop();
    this.ends.pop();
  }

  /** Queues `c` as the end of the line being edited, which makes it a whole line. */
  private endLine(c: number): void {
    this.enqueue(c, true);
    this.completed = this.queue.length;
  }

  /** Removes the last `n` bytes of the line being edited, showing it as ECHOE/ECHOK/ECHOKE say. */
  private erase(n: number, c: number, word = false): void {
    const t = this.termios;
    const editing = this.editing;
    const kill = !word && n === editing && !this.termios.is(c, VERASE);
    const count = Math.min(n, editing);
    const removed = this.queue.splice(this.queue.length - count, count);
    this.ends.splice(this.ends.length - count, count);
    if (!(t.lflag & ECHO)) return;
    if (kill && !(t.lflag & ECHOKE && t.lflag & ECHOE)) {
      this.echoChar(c);
      if (t.lflag & ECHOK) this.echo([10]);
      return;
    }
    if (!(t.lflag & ECHOE)) {
      this.echoChar(c);
      return;
    }
    const out: number[] = [];
    for (const r of removed.reverse()) {
      const width = r < 32 || r === 127 ? (t.lflag & ECHOCTL && r !== 9 ? 2 : 0) : 1;
      for (let i = 0; i < width; i++) out.push(8, 32, 8);
    }
    if (out.length > 0) this.echo(out);
  }

  /** Echoes one input byte: control characters as ^X under ECHOCTL (not tab or newline). */
  private echoChar(c: number): void {
    const t = this.termios;
    if (t.lflag & ECHOCTL && (c < 32 || c === 127) && c !== 9 && c !== 10)
      this.echo([0x5e, c === 127 ? 0x3f : c + 0x40]);
    else this.echo([c]);
  }

  /** Discards what was typed and not read (TCIFLUSH, a signal character without NOFLSH). */
  flush(): void {
    this.queue = [];
    this.ends = [];
    this.completed = 0;
    this.literalNext = false;
  }

  /**
   * ICANON changed (n_tty_set_termios): the line ends are forgotten; leaving canonical mode
   * makes everything queued readable, VEOF's NULs included; entering it makes everything queued
   * one whole line at once, its last byte the end.
   */
  modeChanged(wasCanonical: boolean): void {
    if (wasCanonical === this.canonical) return;
    this.ends.fill(false);
    this.completed = 0;
    this.literalNext = false;
    if (this.canonical && this.queue.length > 0) {
      this.ends[this.ends.length - 1] = true;
      this.completed = this.queue.length;
    }
  }

  /** Bytes a read could take now (FIONREAD): whole lines in canonical mode, less VEOF's NULs. */
  available(): number {
    if (!this.canonical) return this.queue.length;
    let n = this.completed;
    for (let i = 0; i < this.completed; i++) if (this.ends[i] && this.queue[i] === EOF_MARK) n--;
    return n;
  }

  /** Bytes queued, whole lines or not. */
  get queued(): number {
    return this.queue.length;
  }

  /** The bytes a non-canonical read waits for (VMIN), 0 in canonical mode. */
  get minimum(): number {
    return this.canonical ? 0 : this.termios.cc[VMIN];
  }

  /**
   * Whether a read of `want` bytes returns now. Canonical: a whole line is there. Non-canonical:
   * VMIN bytes (or `want`, if fewer) are there; with VMIN 0 at once (the caller waits VTIME for a
   * first byte); with VMIN and VTIME both set the caller runs the timer between bytes.
   */
  readable(want = 1): boolean {
    if (this.canonical) return this.completed > 0;
    const min = this.termios.cc[VMIN];
    if (min === 0) return true;
    return this.queue.length >= Math.max(1, Math.min(min, want));
  }

  /** VTIME in nanoseconds when a non-canonical read with VMIN 0 waits that long for a byte. */
  firstByteTimeout(): bigint | null {
    const cc = this.termios.cc;
    if (this.canonical || cc[VMIN] !== 0 || cc[VTIME] === 0) return null;
    return BigInt(cc[VTIME]) * 100_000_000n;
  }

  /**
   * VTIME in nanoseconds when a non-canonical read with VMIN set ends that long after the last
   * byte came, with fewer than VMIN bytes (the kernel's timer between bytes, which starts only
   * once a first byte is there).
   */
  interByteTimeout(): bigint | null {
    const cc = this.termios.cc;
    if (this.canonical || cc[VMIN] === 0 || cc[VTIME] === 0) return null;
    return BigInt(cc[VTIME]) * 100_000_000n;
  }

  /**
   * Whether poll says POLLIN (input_available_p with poll set): a whole line in canonical mode;
   * otherwise a byte, or VMIN bytes when VMIN is set and VTIME is not.
   */
  pending(): boolean {
    if (this.canonical) return this.completed > 0;
    const cc = this.termios.cc;
    const amount = cc[VTIME] === 0 && cc[VMIN] > 0 ? cc[VMIN] : 1;
    return this.queue.length >= amount;
  }

  /**
   * A read of up to `want` bytes, once `readable`. Canonical mode gives at most one line, its
   * end included unless it is VEOF's NUL (so an empty line made by VEOF reads as end of file);
   * a read that fills `want` just before a VEOF takes that VEOF too (canon_skip_eof).
   */
  read(want: number): Uint8Array {
    if (!this.canonical) return this.take(Math.min(want, this.queue.length), want);
    const n = Math.min(want, this.completed);
    const end = this.ends.indexOf(true);
    if (end !== -1 && end < n) {
      const bytes = this.take(end + 1, this.queue[end] === EOF_MARK ? end : end + 1);
      return bytes;
    }
    const bytes = this.take(n, n);
    if (n === want && this.completed > 0 && this.ends[0] && this.queue[0] === EOF_MARK) this.take(1, 0);
    return bytes;
  }

  /** Removes `count` bytes from the front of the queue and returns the first `copied` of them. */
  private take(count: number, copied: number): Uint8Array {
    const bytes = this.queue.splice(0, count);
    this.ends.splice(0, count);
    this.completed = Math.max(0, this.completed - count);
    return Uint8Array.from(bytes.slice(0, copied));
  }
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}
