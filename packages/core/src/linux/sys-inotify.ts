import { accessSync, constants, lstatSync, statSync } from 'node:fs';
import { E, fail } from './errno.js';
import { OpenFile } from './fd-table.js';
import { IN, IN_ALL_EVENTS, IN_VALID_BITS, Inotify, inodeKey } from './inotify.js';
import { AT_FDCWD, int, type LinuxKernel } from './kernel.js';
import { SYS } from './numbers.js';

const O_NONBLOCK = 0o4000;
const O_CLOEXEC = 0o2000000;
const O_RDONLY = 0;

function instanceOf(k: LinuxKernel, fd: number): Inotify {
  const special = k.fds.get(fd).special; // EBADF for no descriptor
  if (!(special instanceof Inotify)) fail(E.EINVAL);
  return special;
}

/** inotify_init1, inotify_add_watch and inotify_rm_watch (the file operations report in fs-events.ts). */
export function registerInotifySyscalls(k: LinuxKernel): void {
  k.register(SYS.inotify_init1, (k, a) => {
    const flags = int(a[0]);
    if (flags & ~(O_NONBLOCK | O_CLOEXEC)) fail(E.EINVAL);
    const file = OpenFile.forSpecial(new Inotify(k.fsWatchers), O_RDONLY | (flags & O_NONBLOCK));
    return k.fds.install(file, (flags & O_CLOEXEC) !== 0);
  });
  k.register(SYS.inotify_add_watch, (k, a) => {
    const instance = instanceOf(k, int(a[0]));
    const mask = int(a[2]) >>> 0;
    // The kernel's order: flag conflicts and unknown bits, then the path, then an event to watch.
    if (mask & IN.MASK_ADD && mask & IN.MASK_CREATE) fail(E.EINVAL);
    if ((mask & IN_VALID_BITS) === 0) fail(E.EINVAL);
    const follow = (mask & IN.DONT_FOLLOW) === 0;
    const { host } = k.hostPath(AT_FDCWD, a[1], follow);
    const st = follow ? statSync(host, { bigint: true }) : lstatSync(host, { bigint: true });
    if (mask & IN.ONLYDIR && !st.isDirectory()) fail(E.ENOTDIR);
    if (!st.isSymbolicLink()) accessSync(host, constants.R_OK); // the kernel asks for read permission
    if ((mask & IN_ALL_EVENTS) === 0) fail(E.EINVAL);
    return instance.addWatch(inodeKey(st.dev, st.ino), mask & IN_VALID_BITS);
  });
  k.register(SYS.inotify_rm_watch, (k, a) => {
    instanceOf(k, int(a[0])).removeWd(int(a[1]));
    return 0;
  });
}
