import { E, fail } from './errno.js';
import type { LinuxKernel } from './kernel.js';
import { SYS } from './numbers.js';

const CLOSE_RANGE_UNSHARE = 0x2;
const CLOSE_RANGE_CLOEXEC = 0x4;

/**
 * close_range(first, last, flags): closes (or with CLOSE_RANGE_CLOEXEC marks close-on-exec) the
 * open descriptors from first to last, both unsigned. CLOSE_RANGE_UNSHARE gives the caller a
 * table of its own first: a process's threads share one table here, as after clone(CLONE_FILES),
 * and the calls that use it (closefrom before exec, in one thread) see no difference.
 */
function closeRange(k: LinuxKernel, first: bigint, last: bigint, flags: number): number {
  const low = Number(first & 0xffffffffn);
  const high = Number(last & 0xffffffffn);
  if (flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC) || low > high) fail(E.EINVAL);
  k.fds.closeRange(low, high, (flags & CLOSE_RANGE_CLOEXEC) !== 0);
  return 0;
}

export function registerCloseRangeSyscall(k: LinuxKernel): void {
  k.register(SYS.close_range, (k, a) => closeRange(k, a[0], a[1], Number(a[2] & 0xffffffffn)));
}
