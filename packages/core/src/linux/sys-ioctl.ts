import { fstatSync } from 'node:fs';
import { E, fail } from './errno.js';
import type { OpenFile } from './fd-table.js';
import { hostIsTerminal } from './host-builtins.js';
import { Inotify } from './inotify.js';
import { int, type LinuxKernel, ptr } from './kernel.js';
import { namespaceIoctl } from './ns-ioctl.js';
import { SYS } from './numbers.js';
import { isSocket } from './socket.js';
import { socketIoctl } from './socket-ioctl.js';
import { isTerminalSpecial, terminalIoctl } from './terminal/tty-ioctl.js';

const O_NONBLOCK = 0o4000;
const FIONREAD = 0x541b;
const FIONBIO = 0x5421;
const FIONCLEX = 0x5450;
const FIOCLEX = 0x5451;

/**
 * The requests the kernel answers for every descriptor before asking the file itself
 * (do_vfs_ioctl): close-on-exec, non-blocking mode (Python's os.set_blocking uses FIONBIO), and
 * FIONREAD of a regular file (what is left after the offset). Null when the file must answer.
 */
function commonIoctl(
  k: LinuxKernel,
  fd: number,
  file: OpenFile,
  request: number,
  arg: bigint,
): number | null {
  switch (request) {
    case FIOCLEX:
    case FIONCLEX:
      k.fds.setCloexec(fd, request === FIOCLEX);
      return 0;
    case FIONBIO:
      if (k.memory.read32(ptr(arg)) !== 0) file.statusFlags |= O_NONBLOCK;
      else file.statusFlags &= ~O_NONBLOCK;
      return 0;
    case FIONREAD:
      if (file.kind !== 'file' || file.position === null) return null;
      k.memory.write32(
        ptr(arg),
        Math.max(0, Math.min(0x7fffffff, fstatSync(file.hostFd).size - file.position)),
      );
      return 0;
    default:
      return null;
  }
}

/**
 * c_cc of a new terminal (the kernel's INIT_C_CC): ^C ^\\ DEL ^U ^D, VTIME 0, VMIN 1, VSWTC 0,
 * ^Q ^S ^Z, VEOL 0, ^R ^O ^W ^V, VEOL2 0, then unused.
 */
const INITIAL_CONTROL_CHARACTERS = [
  3, 0o34, 0o177, 0o25, 4, 0, 1, 0, 0o21, 0o23, 0o32, 0, 0o22, 0o17, 0o27, 0o26, 0,
];

function ioctl(k: LinuxKernel, fd: number, request: number, arg: bigint): number {
  const file = k.fds.get(fd);
  const common = commonIoctl(k, fd, file, request, arg);
  if (common !== null) return common;
  if (isTerminalSpecial(file.special)) return terminalIoctl(k, file, file.special, request, arg);
  if (isSocket(file.special)) return socketIoctl(k, file.special, request, Number(arg));
  if (file.namespace !== null) return namespaceIoctl(k, file.namespace, request, arg);
  if (file.special instanceof Inotify) {
    if (request !== FIONREAD) fail(E.ENOTTY);
    k.memory.write32(ptr(arg), file.special.pendingBytes);
    return 0;
  }
  if (file.pipe) {
    if (request !== FIONREAD) fail(E.ENOTTY); // FIONREAD: bytes waiting to be read
    k.memory.write32(ptr(arg), file.pipe.end !== 'write' ? file.pipe.buffer.size : 0);
    return 0;
  }
  const tty = hostIsTerminal(file.hostFd);
  switch (request) {
    case 0x5401: {
      // TCGETS: only terminals answer; glibc's isatty() relies on ENOTTY for the rest.
      if (!tty) fail(E.ENOTTY);
      // The kernel's struct termios, 36 bytes: four flag words, c_line, c_cc[19]. (libc's
      // is larger; writing more overruns the caller's stack buffer.) Node cannot read the
      // host terminal's settings, so these are a fresh terminal's, as the kernel sets them.
      const termios = new Uint8Array(36);
      const v = new DataView(termios.buffer);
      v.setUint32(0, 0o2400, true); // ICRNL | IXON
      v.setUint32(4, 0o5, true); // OPOST | ONLCR
      v.setUint32(8, 0o277, true); // CS8 | CREAD | B38400
      v.setUint32(12, 0o105073, true); // ISIG ICANON ECHO ECHOE ECHOK ECHOCTL ECHOKE IEXTEN
      termios.set(INITIAL_CONTROL_CHARACTERS, 17);
      k.memory.writeBytes(ptr(arg), termios);
      return 0;
    }
    case 0x5413: {
      // TIOCGWINSZ
      if (!tty) fail(E.ENOTTY);
      const ws = new Uint16Array([process.stdout.rows || 24, process.stdout.columns || 80, 0, 0]);
      k.memory.writeBytes(ptr(arg), new Uint8Array(ws.buffer));
      return 0;
    }
    default:
      fail(tty ? E.EINVAL : E.ENOTTY);
  }
}

/** Registers ioctl. */
export function registerIoctlSyscalls(k: LinuxKernel): void {
  k.register(SYS.ioctl, (k, a) => ioctl(k, int(a[0]), int(a[1]), a[2]));
}
