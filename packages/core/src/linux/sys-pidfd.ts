import { E, fail } from './errno.js';
import { OpenFile } from './fd-table.js';
import { int, type LinuxKernel, ptr } from './kernel.js';
import { SYS } from './numbers.js';
import { POLLHUP, POLLIN } from './pipe.js';
import type { SpecialFile } from './special-file.js';
import { signalThroughPidfd } from './sys-signals.js';

/** pidfd_open's flags: PIDFD_NONBLOCK (O_NONBLOCK) and PIDFD_THREAD (O_EXCL). */
const PIDFD_NONBLOCK = 0o4000;
const PIDFD_THREAD = 0o200;
/** pidfd_send_signal's flags: PIDFD_SIGNAL_THREAD, _THREAD_GROUP, _PROCESS_GROUP. */
const PIDFD_SIGNAL_FLAGS = 0x7;
const POLLRDNORM = 0x40;

/**
 * A process's pidfd: it stays bound to that process (a pid reused later is another), polls
 * readable once the process has exited and hung up once it was reaped; it cannot be read or
 * written (EINVAL).
 */
class Pidfd implements SpecialFile {
  readonly name = '[pidfd]';
  constructor(readonly target: LinuxKernel) {}

  read(): Uint8Array | null {
    fail(E.EINVAL);
  }

  write(): number | null {
    fail(E.EINVAL);
  }

  poll(_k: LinuxKernel, events: number): number {
    if (this.target.state === 'alive') return 0;
    const ended = POLLIN | POLLRDNORM | (this.target.state === 'reaped' ? POLLHUP : 0);
    return ended & (events | POLLHUP);
  }
}

/** The guest process `pid`, alive or a zombie not yet waited for, or ESRCH. */
function processNamed(k: LinuxKernel, pid: number): LinuxKernel {
  const target = pid === k.pid ? k : k.system?.processes.get(pid);
  if (!target || target.state === 'reaped') fail(E.ESRCH);
  return target;
}

function pidfdOpen(k: LinuxKernel, pid: number, flags: number): number {
  if (flags & ~(PIDFD_NONBLOCK | PIDFD_THREAD) || pid <= 0) fail(E.EINVAL);
  const file = OpenFile.forSpecial(
    new Pidfd(processNamed(k, pid)),
    2 /* O_RDWR */ | (flags & PIDFD_NONBLOCK),
  );
  return k.fds.install(file, true); // always close-on-exec
}

function pidfdSendSignal(k: LinuxKernel, fd: number, signo: number, infoAddr: number, flags: number): number {
  if (flags & ~PIDFD_SIGNAL_FLAGS) fail(E.EINVAL);
  const pidfd = k.fds.get(fd).special;
  if (!(pidfd instanceof Pidfd)) fail(E.EBADF);
  if (pidfd.target.state === 'reaped') fail(E.ESRCH);
  signalThroughPidfd(k, pidfd.target, signo, infoAddr);
  return 0;
}

export function registerPidfdSyscalls(k: LinuxKernel): void {
  k.register(SYS.pidfd_open, (k, a) => pidfdOpen(k, int(a[0]), int(a[1])));
  k.register(SYS.pidfd_send_signal, (k, a) => pidfdSendSignal(k, int(a[0]), int(a[1]), ptr(a[2]), int(a[3])));
}
