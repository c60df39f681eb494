import { E, fail } from './errno.js';
import type { LinuxKernel } from './kernel.js';
import { SYS } from './numbers.js';

/**
 * There is no network stack here (yet). socket() and socketpair() answer as a kernel built
 * without the address family does: programs take that as "not available" and go on (libaudit,
 * syslog, nscd lookups), where ENOSYS makes some of them abort.
 */
export function registerSocketSyscalls(k: LinuxKernel): void {
  k.register(SYS.socket, () => fail(E.EAFNOSUPPORT));
  k.register(SYS.socketpair, () => fail(E.EAFNOSUPPORT));
}
