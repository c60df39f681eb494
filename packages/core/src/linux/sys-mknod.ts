import { closeSync, lstatSync, openSync, unlinkSync } from 'node:fs';
import { CAP } from './capabilities.js';
import { E, fail } from './errno.js';
import { pathEvent } from './fs-events.js';
import { withGuestUmask } from './guest-umask.js';
import { IN } from './inotify.js';
import { int, type LinuxKernel } from './kernel.js';
import { SYS } from './numbers.js';

const S_IFMT = 0o170000;
const S_IFSOCK = 0o140000;
const S_IFREG = 0o100000;
const S_IFBLK = 0o060000;
const S_IFDIR = 0o040000;
const S_IFCHR = 0o020000;
const S_IFIFO = 0o010000;

/**
 * Makes a FIFO or a device node on the host. Node has no mknod(2), so the host's own `mkfifo`
 * and `mknod` (coreutils) make it; the caller has checked everything the kernel checks first,
 * so they fail only for reasons the kernel would not (then EIO).
 */
function makeNode(command: string, options: string[], host: Buffer, operands: string[] = []): void {
  const { spawnSync } = process.getBuiltinModule('node:child_process');
  const made = spawnSync(command, [...options, '--', host.toString(), ...operands], { stdio: 'ignore' });
  if (made.status !== 0) fail(E.EIO);
}

/**
 * mknodat(2): a FIFO, an empty regular file, or (with CAP_MKNOD, when the host process may
 * too) a character or block device, as the kernel makes them; the mode goes through the umask.
 * A socket node cannot be made without binding a socket there: EPERM, as for an unprivileged
 * device.
 */
function mknodat(k: LinuxKernel, dirfd: number, pathAddr: bigint, mode: number, dev: bigint): number {
  const type = mode & S_IFMT;
  const permissions = mode & 0o7777 & ~k.umask;
  if (type === S_IFDIR) fail(E.EPERM);
  if (![0, S_IFREG, S_IFIFO, S_IFCHR, S_IFBLK, S_IFSOCK].includes(type)) fail(E.EINVAL);
  const device = type === S_IFCHR || type === S_IFBLK;
  if (device && !k.credentials.capable(CAP.MKNOD)) fail(E.EPERM);
  const { host } = k.hostPath(dirfd, pathAddr, false);
  if (lstatSync(host, { throwIfNoEntry: false }) !== undefined) fail(E.EEXIST);
  if (type === 0 || type === S_IFREG) {
    closeSync(withGuestUmask(() => openSync(host, 'wx', permissions))); // the parent's errors as they are
    pathEvent(k, host, IN.CREATE);
    return 0;
  }
  // The parent's errors, before a helper program runs: an empty file made and removed again.
  closeSync(openSync(host, 'wx', 0));
  unlinkSync(host);
  if (type === S_IFSOCK || (device && process.geteuid?.() !== 0)) fail(E.EPERM);
  const octal = permissions.toString(8);
  if (type === S_IFIFO) makeNode('mkfifo', ['-m', octal], host);
  else {
    // The kernel's new_decode_dev: major in bits 8-19, minor in bits 0-7 and 20-31.
    const major = Number((dev >> 8n) & 0xfffn);
    const minor = Number((dev & 0xffn) | ((dev >> 12n) & 0xfff00n));
    makeNode('mknod', ['-m', octal], host, [type === S_IFCHR ? 'c' : 'b', String(major), String(minor)]);
  }
  pathEvent(k, host, IN.CREATE);
  return 0;
}

export function registerMknodSyscall(k: LinuxKernel): void {
  k.register(SYS.mknodat, (k, a) => mknodat(k, int(a[0]), a[1], int(a[2]), a[3]));
}
