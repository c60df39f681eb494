import { E, errnoOf, fail } from '../errno.js';
import type { OpenFile } from '../fd-table.js';
import type { LinuxKernel } from '../kernel.js';
import { ptr } from '../kernel.js';
import { checkBackgroundChange } from './job-access.js';
import { openSlave, PtyMaster } from './pty.js';
import { controllingTerminal } from './registry.js';
import type { Terminal } from './terminal.js';
import { TerminalFile } from './terminal-file.js';
import { TERMIOS_SIZE } from './termios.js';

const TCGETS = 0x5401;
const TCSETS = 0x5402;
const TCSETSW = 0x5403;
const TCSETSF = 0x5404;
const TCSBRK = 0x5409;
const TCXONC = 0x540a;
const TCFLSH = 0x540b;
const TIOCEXCL = 0x540c;
const TIOCNXCL = 0x540d;
const TIOCSCTTY = 0x540e;
const TIOCGPGRP = 0x540f;
const TIOCSPGRP = 0x5410;
const TIOCOUTQ = 0x5411;
const TIOCGWINSZ = 0x5413;
const TIOCSWINSZ = 0x5414;
const FIONREAD = 0x541b;
const TIOCNOTTY = 0x5422;
const TIOCGETD = 0x5424;
const TCSBRKP = 0x5425;
const TIOCGSID = 0x5429;
const TIOCGPTN = 0x80045430 | 0;
const TIOCSPTLCK = 0x40045431;
const TIOCSIG = 0x40045436;
const TIOCGPTLCK = 0x80045439 | 0;
const TIOCGPTPEER = 0x5441;

const SIGHUP = 1;
const SIGCONT = 18;
const O_NOCTTY = 0o400;

/** A terminal's descriptor: a pty master, a pty slave or the host's terminal. */
export function isTerminalSpecial(special: unknown): special is TerminalFile | PtyMaster {
  return special instanceof TerminalFile || special instanceof PtyMaster;
}

/**
 * ioctl on a terminal (tty_ioctl with N_TTY): termios, window size, the controlling terminal
 * and its foreground group, queues; on a pty master also the pair's number and lock and a
 * descriptor of its slave. The master's requests that concern the terminal act on its slave,
 * as the kernel's real_tty. Requests a terminal does not know are ENOTTY.
 */
export function terminalIoctl(
  k: LinuxKernel,
  file: OpenFile,
  special: TerminalFile | PtyMaster,
  request: number,
  arg: bigint,
): number {
  const t = special.terminal;
  const master = special instanceof PtyMaster ? special : null;
  const addr = ptr(arg);
  switch (request | 0) {
    case TCGETS:
      k.memory.writeBytes(addr, t.termios.encode());
      return 0;
    case TCSETS:
    case TCSETSW:
    case TCSETSF: {
      const bytes = k.memory.readBytes(addr, TERMIOS_SIZE);
      checkBackgroundChange(k, t);
      if (request === TCSETSF) t.flushInput();
      t.setTermios(bytes);
      return 0;
    }
    case TCSBRK:
    case TCSBRKP:
    case TIOCEXCL:
    case TIOCNXCL:
      return 0; // output is never held back here, so draining is done at once
    case TCXONC:
      if (addr > 3) fail(E.EINVAL);
      checkBackgroundChange(k, t);
      return 0;
    case TCFLSH:
      if (addr > 2) fail(E.EINVAL);
      checkBackgroundChange(k, t);
      if (addr !== 1) t.flushInput();
      return 0;
    case TIOCGWINSZ: {
      const w = t.winsize;
      k.memory.writeBytes(
        addr,
        new Uint8Array(new Uint16Array([w.rows, w.columns, w.xpixel, w.ypixel]).buffer),
      );
      return 0;
    }
    case TIOCSWINSZ: {
      const [rows, columns, xpixel, ypixel] = new Uint16Array(k.memory.readBytes(addr, 8).slice().buffer);
      t.resize({ rows, columns, xpixel, ypixel });
      return 0;
    }
    case FIONREAD:
      k.memory.write32(addr, master ? master.queuedBytes : t.discipline.available());
      return 0;
    case TIOCOUTQ:
      k.memory.write32(addr, 0);
      return 0;
    case TIOCGETD:
      k.memory.write32(addr, 0); // N_TTY
      return 0;
    case TIOCSCTTY:
      return setControllingTerminal(k, t, file);
    case TIOCNOTTY:
      // The leader's ends the session's hold (SIGHUP and SIGCONT to the foreground group, as
      // disassociate_ctty); another process's leaves the terminal to the rest of the session.
      if (master || controllingTerminal(k) !== t) fail(E.ENOTTY);
      if (k.sid === k.pid) {
        t.signalForeground(SIGHUP);
        t.signalForeground(SIGCONT);
        t.session = null;
      } else k.leftTerminalOf = k.sid;
      return 0;
    case TIOCGPGRP:
      if (!master && controllingTerminal(k) !== t) fail(E.ENOTTY);
      k.memory.write32(addr, t.session === null ? 0 : t.foreground);
      return 0;
    case TIOCSPGRP:
      return setForeground(k, t, k.memory.read32(addr) | 0);
    case TIOCGSID:
      if ((!master && controllingTerminal(k) !== t) || t.session === null) fail(E.ENOTTY);
      k.memory.write32(addr, t.session);
      return 0;
  }
  if (master === null) fail(E.ENOTTY);
  switch (request | 0) {
    case TIOCGPTN:
      k.memory.write32(addr, master.index);
      return 0;
    case TIOCSPTLCK:
      master.locked = k.memory.read32(addr) !== 0;
      return 0;
    case TIOCGPTLCK:
      k.memory.write32(addr, master.locked ? 1 : 0);
      return 0;
    case TIOCGPTPEER:
      return k.fds.install(openSlave(k, master.index, addr | O_NOCTTY), (addr & 0o2000000) !== 0);
    case TIOCSIG:
      if (addr < 1 || addr > 64) fail(E.EINVAL);
      t.signalForeground(addr);
      return 0;
    default:
      fail(E.ENOTTY);
  }
}

/** TIOCSCTTY (tiocsctty): a session leader without one takes a terminal no session holds. */
function setControllingTerminal(k: LinuxKernel, t: Terminal, file: OpenFile): number {
  const leader = k.sid === k.pid;
  if (leader && t.session === k.sid) return 0;
  if (!leader || controllingTerminal(k) !== null) fail(E.EPERM);
  if (t.session !== null) fail(E.EPERM); // stealing it takes CAP_SYS_ADMIN
  if ((file.statusFlags & 3) === 1) fail(E.EPERM); // opened write-only
  t.session = k.sid;
  t.foreground = k.pgid;
  return 0;
}

/** TIOCSPGRP (tiocspgrp): a group of the caller's session becomes the foreground one. */
function setForeground(k: LinuxKernel, t: Terminal, pgid: number): number {
  try {
    checkBackgroundChange(k, t);
  } catch (error) {
    if (errnoOf(error) === E.EIO) fail(E.ENOTTY);
    throw error;
  }
  if (controllingTerminal(k) !== t || t.session !== k.sid) fail(E.ENOTTY);
  if (pgid < 0) fail(E.EINVAL);
  const members = [...(k.system?.processes.values() ?? [k])].filter(
    (p) => p.state === 'alive' && p.pgid === pgid,
  );
  if (members.length === 0) fail(E.ESRCH);
  if (members.some((p) => p.sid !== k.sid)) fail(E.EPERM);
  t.foreground = pgid;
  return 0;
}
