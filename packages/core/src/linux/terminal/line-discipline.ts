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

/** A line canonical mode completed: its bytes (the terminator included, but not VEOF). */
interface Line {
  bytes: number[];
}

/**
 * The kernel's N_TTY line discipline for the bytes typed at a terminal (written to a pty's
 * master, or read from the host's terminal): input translation (ISTRIP, IGNCR, ICRNL, INLCR),
 * the signal characters (ISIG: ^C, ^\, ^Z to the foreground process group), line editing in
 * canonical mode (erase, kill, word erase, literal next, VEOF, VEOL), and echo (ECHO, ECHOCTL,
 * ECHOE, ECHOK, ECHOKE, ECHONL). Echoes go out through `echo`, which applies output processing.
 */
export class LineDiscipline {
  /** Completed lines (canonical mode), oldest first. */
  private lines: Line[] = [];
  /** The line being edited (canonical mode). */
  private editing: number[] = [];
  /** Bytes for non-canonical reads. */
  private raw: number[] = [];
  private literalNext = false;
  /** Echoes of the bytes being received, shown together when they are all taken. */
  private echoes: number[] = [];

  constructor(
    private readonly termios: Termios,
    private readonly show: (bytes: number[]) => void,
    private readonly signal: (signo: number) => void,
  ) {}

  private get canonical(): boolean {
    return (this.termios.lflag & ICANON) !== 0;
  }

  /** Takes bytes typed at the terminal. */
  receive(bytes: Uint8Array): void {
    for (const byte of bytes) this.receiveByte(byte);
    const echoes = this.echoes;
    this.echoes = [];
    if (echoes.length > 0) this.show(echoes);
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
      this.erase(this.editing.length, c);
      return true;
    }
    if (extended && t.is(c, VWERASE)) {
      let n = 0;
      const e = this.editing;
      while (n < e.length && isBlank(e[e.length - 1 - n])) n++;
      while (n < e.length && !isBlank(e[e.length - 1 - n])) n++;
      this.erase(n, c, true);
      return true;
    }
    if (extended && t.is(c, VLNEXT)) {
      this.literalNext = true;
      if (t.lflag & ECHO && t.lflag & ECHOCTL) this.echo([0x5e, 8]); // "^" then back over it
      return true;
    }
    if (t.is(c, VEOF)) {
      this.complete(); // not stored, not echoed
      return true;
    }
    return false;
  }

  /** Stores an ordinary (or literal) byte, echoing it, and completes a line at a terminator. */
  private store(c: number, literal: boolean): void {
    const t = this.termios;
    if (!this.canonical) {
      this.raw.push(c);
      if (t.lflag & ECHO) this.echoChar(c);
      return;
    }
    const ends = !literal && (c === 10 || t.is(c, VEOL) || t.is(c, VEOL2));
    this.editing.push(c);
    if (c === 10 && !literal ? t.lflag & (ECHO | ECHONL) : t.lflag & ECHO) this.echoChar(c);
    if (ends) this.complete();
  }

  private complete(): void {
    this.lines.push({ bytes: this.editing });
    this.editing = [];
  }

  /** Removes the last `n` bytes of the line being edited, showing it as ECHOE/ECHOK/ECHOKE say. */
  private erase(n: number, c: number, word = false): void {
    const t = this.termios;
    const kill = !word && n === this.editing.length && !this.termios.is(c, VERASE);
    const removed = this.editing.splice(this.editing.length - Math.min(n, this.editing.length));
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
    this.lines = [];
    this.editing = [];
    this.raw = [];
    this.literalNext = false;
  }

  /**
   * ICANON changed: leaving canonical mode makes what was typed readable at once; entering it
   * makes unread bytes the start of the line being edited, as n_tty_set_termios does.
   */
  modeChanged(wasCanonical: boolean): void {
    if (wasCanonical === this.canonical) return;
    if (wasCanonical) {
      for (const line of this.lines) this.raw.push(...line.bytes);
      this.raw.push(...this.editing);
      this.lines = [];
      this.editing = [];
    } else {
      this.editing = [...this.raw, ...this.editing];
      this.raw = [];
    }
  }

  /** Bytes a read could take now (FIONREAD): whole lines in canonical mode. */
  available(): number {
    if (!this.canonical) return this.raw.length;
    return this.lines.reduce((n, line) => n + line.bytes.length, 0);
  }

  /**
   * Whether a read of `want` bytes returns now. Non-canonical: VMIN bytes (or `want`, if
   * fewer) are there; with VMIN 0 at once (the caller waits VTIME for a first byte); with VMIN
   * and VTIME both set, once a byte is there (the kernel's timer between bytes is taken as
   * already run out, so such a read may return earlier, never with other bytes).
   */
  readable(want = 1): boolean {
    if (this.canonical) return this.lines.length > 0;
    const min = this.termios.cc[VMIN];
    if (min === 0) return true;
    const enough = this.termios.cc[VTIME] > 0 ? 1 : Math.min(min, want);
    return this.raw.length >= Math.max(1, enough);
  }

  /** VTIME in nanoseconds when a non-canonical read with VMIN 0 waits that long for a byte. */
  firstByteTimeout(): bigint | null {
    const cc = this.termios.cc;
    if (this.canonical || cc[VMIN] !== 0 || cc[VTIME] === 0) return null;
    return BigInt(cc[VTIME]) * 100_000_000n;
  }

  /** Whether anything at all is waiting (poll's POLLIN). */
  pending(): boolean {
    return this.canonical ? this.lines.length > 0 : this.raw.length > 0;
  }

  /**
   * A read of up to `want` bytes, once `readable`: canonical mode gives at most one line (an
   * empty one, made by VEOF at the start of a line, reads as end of file).
   */
  read(want: number): Uint8Array {
    if (!this.canonical) return Uint8Array.from(this.raw.splice(0, want));
    const line = this.lines[0];
    if (line === undefined) return new Uint8Array(0);
    const taken = line.bytes.splice(0, want);
    if (line.bytes.length === 0) this.lines.shift();
    return Uint8Array.from(taken);
  }
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}
