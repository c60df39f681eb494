import { guestCpus } from './cpus.js';
import { E, fail } from './errno.js';
import type { OpenFile } from './fd-table.js';
import { int, type LinuxKernel, long, ptr } from './kernel.js';
import { SYS } from './numbers.js';

/**
 * Calls that advise the kernel or ask it for what only a real kernel decides (page cache, memory
 * locking, I/O priority): checked as the kernel checks them, then answered as it answers when
 * it takes the advice, since nothing the guest can see depends on it.
 */

const POSIX_FADV_NOREUSE = 5;
const SYNC_FILE_RANGE_ALL = 0x7;
const MCL = { CURRENT: 1, FUTURE: 2, ONFAULT: 4 } as const;
const PERSONALITY_QUERY = 0xffffffff;
const IOPRIO_WHO_MAX = 3;
const IOPRIO_CLASS_MAX = 3;

/** fadvise64 and sync_file_range have nothing to do with a pipe or FIFO: ESPIPE. */
function notPipe(file: OpenFile): void {
  if (file.pipe) fail(E.ESPIPE);
}

/** personality(2) of each process (PER_LINUX, 0, until set). */
const personalities = new WeakMap<LinuxKernel, number>();
/** ioprio_set's value for each process (0: none set, the default class). */
const ioPriorities = new WeakMap<LinuxKernel, number>();

export function registerHintSyscalls(k: LinuxKernel): void {
  k.register(SYS.fadvise64, (k, a) => {
    const file = k.fds.get(int(a[0]));
    notPipe(file);
    if (int(a[3]) < 0 || int(a[3]) > POSIX_FADV_NOREUSE) fail(E.EINVAL);
    return 0;
  });
  k.register(SYS.readahead, (k, a) => {
    const file = k.fds.get(int(a[0]));
    if ((file.statusFlags & 3) === 1) fail(E.EBADF);
    if (file.kind !== 'file') fail(E.EINVAL);
    return 0;
  });
  k.register(SYS.sync_file_range, (k, a) => {
    if (int(a[3]) & ~SYNC_FILE_RANGE_ALL || long(a[1]) < 0 || long(a[2]) < 0) fail(E.EINVAL);
    notPipe(k.fds.get(int(a[0])));
    return 0;
  });
  k.register(SYS.syncfs, (k, a) => {
    k.fds.get(int(a[0]));
    return 0;
  });
  k.register(SYS.mlockall, (_k, a) => {
    const flags = int(a[0]);
    if (flags === 0 || flags & ~(MCL.CURRENT | MCL.FUTURE | MCL.ONFAULT) || flags === MCL.ONFAULT)
      fail(E.EINVAL);
    return 0;
  });
  k.register(SYS.munlockall, () => 0);
  k.register(SYS.getcpu, (k, a) => {
    // The guest's threads run where the host process runs: the first CPU it may use.
    if (ptr(a[0]) !== 0) k.memory.write32(ptr(a[0]), k.thread.affinity?.[0] ?? guestCpus().allowed[0] ?? 0);
    if (ptr(a[1]) !== 0) k.memory.write32(ptr(a[1]), 0);
    return 0;
  });
  k.register(SYS.personality, (k, a) => {
    const old = personalities.get(k) ?? 0;
    const persona = Number(a[0] & 0xffffffffn);
    if (persona !== PERSONALITY_QUERY) personalities.set(k, persona);
    return old;
  });
  k.register(SYS.ioprio_get, (k, a) => {
    if (int(a[0]) < 1 || int(a[0]) > IOPRIO_WHO_MAX) fail(E.EINVAL);
    return ioPriorities.get(k) ?? 0;
  });
  k.register(SYS.ioprio_set, (k, a) => {
    const which = int(a[0]);
    const value = int(a[2]);
    if (which < 1 || which > IOPRIO_WHO_MAX || value >> 13 > IOPRIO_CLASS_MAX || value < 0) fail(E.EINVAL);
    if (which === 1 && (int(a[1]) === 0 || int(a[1]) === k.pid)) ioPriorities.set(k, value);
    return 0;
  });
}
