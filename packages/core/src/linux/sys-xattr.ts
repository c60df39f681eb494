import { E, fail } from './errno.js';
import { AT_FDCWD, int, type LinuxKernel, ptr } from './kernel.js';
import { SYS } from './numbers.js';
import { statOf } from './sys-files.js';

/** XATTR_NAME_MAX: a name longer than this, or empty, is ERANGE. */
const NAME_MAX = 255;
/** XATTR_SIZE_MAX: a larger value to set is E2BIG. */
const SIZE_MAX = 65536;
const XATTR_CREATE = 1;
const XATTR_REPLACE = 2;
const AT_SYMLINK_NOFOLLOW = 0x100;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;

/** The attribute name at `addr`: 1 to 255 bytes, else ERANGE. */
function readName(k: LinuxKernel, addr: number): string {
  const bytes: number[] = [];
  for (let i = 0; ; i++) {
    const b = k.memory.read8(addr + i);
    if (b === 0) break;
    if (i >= NAME_MAX) fail(E.ERANGE);
    bytes.push(b);
  }
  if (bytes.length === 0) fail(E.ERANGE);
  return Buffer.from(bytes).toString('latin1');
}

type Target = { path: bigint; follow: boolean } | { fd: number };

/** The mode of what the call names: the path looked up (ENOENT, ENOTDIR…) or the descriptor (EBADF). */
function lookUp(k: LinuxKernel, target: Target): number {
  const st =
    'fd' in target
      ? statOf(k, int(BigInt(target.fd)), 0n, 0x1000 /* AT_EMPTY_PATH */)
      : statOf(k, AT_FDCWD, target.path, target.follow ? 0 : AT_SYMLINK_NOFOLLOW);
  return Number(st.mode);
}

/**
 * The "user." namespace is for regular files and directories only: on anything else reading
 * an attribute finds none (ENODATA) and changing one is EPERM, before the file system is asked.
 */
function userNamespaceCheck(name: string, mode: number, writing: boolean): void {
  const type = mode & S_IFMT;
  if (name.startsWith('user.') && type !== S_IFREG && type !== S_IFDIR) fail(writing ? E.EPERM : E.ENODATA);
}

/**
 * The extended attribute calls, answered as the kernel answers them on a file system without
 * extended attributes: the arguments and the file are checked in the kernel's order, then
 * setting, getting and removing are EOPNOTSUPP and every list is empty. The guest's files are
 * the host's, and what the host's file system keeps in them is not the guest's to see or change.
 */
function setxattr(k: LinuxKernel, target: Target, nameAddr: bigint, size: bigint, flags: number): number {
  if (flags & ~(XATTR_CREATE | XATTR_REPLACE)) fail(E.EINVAL);
  const name = readName(k, ptr(nameAddr));
  if (size > BigInt(SIZE_MAX)) fail(E.E2BIG);
  userNamespaceCheck(name, lookUp(k, target), true);
  fail(E.EOPNOTSUPP);
}

function getxattr(k: LinuxKernel, target: Target, nameAddr: bigint): number {
  const name = readName(k, ptr(nameAddr));
  userNamespaceCheck(name, lookUp(k, target), false);
  fail(E.EOPNOTSUPP);
}

function removexattr(k: LinuxKernel, target: Target, nameAddr: bigint): number {
  const name = readName(k, ptr(nameAddr));
  userNamespaceCheck(name, lookUp(k, target), true);
  fail(E.EOPNOTSUPP);
}

function listxattr(k: LinuxKernel, target: Target): number {
  lookUp(k, target);
  return 0;
}

export function registerXattrSyscalls(k: LinuxKernel): void {
  const path = (a: readonly bigint[]) => ({ path: a[0], follow: true });
  const link = (a: readonly bigint[]) => ({ path: a[0], follow: false });
  const fd = (a: readonly bigint[]) => ({ fd: int(a[0]) });
  for (const [n, target] of [
    [SYS.setxattr, path],
    [SYS.lsetxattr, link],
    [SYS.fsetxattr, fd],
  ] as const)
    k.register(n, (k, a) => setxattr(k, target(a), a[1], a[3], int(a[4])));
  for (const [n, target] of [
    [SYS.getxattr, path],
    [SYS.lgetxattr, link],
    [SYS.fgetxattr, fd],
  ] as const)
    k.register(n, (k, a) => getxattr(k, target(a), a[1]));
  for (const [n, target] of [
    [SYS.removexattr, path],
    [SYS.lremovexattr, link],
    [SYS.fremovexattr, fd],
  ] as const)
    k.register(n, (k, a) => removexattr(k, target(a), a[1]));
  for (const [n, target] of [
    [SYS.listxattr, path],
    [SYS.llistxattr, link],
    [SYS.flistxattr, fd],
  ] as const)
    k.register(n, (k, a) => listxattr(k, target(a)));
}
