/**
 * The kernel's `struct termios` (asm-generic, 36 bytes: four flag words, c_line, c_cc[19]) and
 * the flag bits the line discipline acts on. (glibc's struct is larger; the kernel's is what
 * TCGETS writes, and writing more would overrun the caller's buffer.)
 */
export const TERMIOS_SIZE = 36;
export const NCCS = 19;

/** c_cc indexes. */
export const VINTR = 0;
export const VQUIT = 1;
export const VERASE = 2;
export const VKILL = 3;
export const VEOF = 4;
export const VTIME = 5;
export const VMIN = 6;
export const VSTART = 8;
export const VSTOP = 9;
export const VSUSP = 10;
export const VEOL = 11;
export const VREPRINT = 12;
export const VWERASE = 14;
export const VLNEXT = 15;
export const VEOL2 = 16;

/** c_iflag. */
export const ISTRIP = 0o40;
export const INLCR = 0o100;
export const IGNCR = 0o200;
export const ICRNL = 0o400;
export const IXON = 0o2000;

/** c_oflag. */
export const OPOST = 0o1;
export const ONLCR = 0o4;
export const OCRNL = 0o10;

/** c_lflag. */
export const ISIG = 0o1;
export const ICANON = 0o2;
export const ECHO = 0o10;
export const ECHOE = 0o20;
export const ECHOK = 0o40;
export const ECHONL = 0o100;
export const NOFLSH = 0o200;
export const TOSTOP = 0o400;
export const ECHOCTL = 0o1000;
export const ECHOKE = 0o4000;
export const IEXTEN = 0o100000;

/**
 * c_cc of a new terminal (the kernel's INIT_C_CC): ^C ^\\ DEL ^U ^D, VTIME 0, VMIN 1, VSWTC 0,
 * ^Q ^S ^Z, VEOL 0, ^R ^O ^W ^V, VEOL2 0, then unused.
 */
const INITIAL_CONTROL_CHARACTERS = [
  3, 0o34, 0o177, 0o25, 4, 0, 1, 0, 0o21, 0o23, 0o32, 0, 0o22, 0o17, 0o27, 0o26, 0,
];

export class Termios {
  iflag = ICRNL | IXON;
  oflag = OPOST | ONLCR;
  /** B38400 | CS8 | CREAD: what the kernel gives a pseudo-terminal's slave. */
  cflag = 0o277;
  lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN;
  line = 0;
  readonly cc = new Uint8Array(NCCS);

  constructor() {
    this.cc.set(INITIAL_CONTROL_CHARACTERS);
  }

  /** The 36 bytes TCGETS gives. */
  encode(): Uint8Array {
    const bytes = new Uint8Array(TERMIOS_SIZE);
    const v = new DataView(bytes.buffer);
    v.setUint32(0, this.iflag, true);
    v.setUint32(4, this.oflag, true);
    v.setUint32(8, this.cflag, true);
    v.setUint32(12, this.lflag, true);
    bytes[16] = this.line;
    bytes.set(this.cc, 17);
    return bytes;
  }

  /** Takes the settings TCSETS* gives. */
  decode(bytes: Uint8Array): void {
    const v = new DataView(bytes.buffer, bytes.byteOffset, TERMIOS_SIZE);
    this.iflag = v.getUint32(0, true);
    this.oflag = v.getUint32(4, true);
    this.cflag = v.getUint32(8, true);
    this.lflag = v.getUint32(12, true);
    this.line = bytes[16];
    this.cc.set(bytes.subarray(17, 17 + NCCS));
  }

  /** Whether `c` is the enabled control character at index `which` (0 disables one). */
  is(c: number, which: number): boolean {
    return this.cc[which] !== 0 && this.cc[which] === c;
  }
}
