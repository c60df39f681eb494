import { CAP } from './capabilities.js';
import { E, fail } from './errno.js';
import { int, type LinuxKernel, ptr } from './kernel.js';
import { SYS } from './numbers.js';
import { changingCredentials } from './set-id.js';

const NGROUPS_MAX = 65536;

/** An id argument: the low 32 bits (uid_t), so that -1 is 0xffffffff. */
const id = (v: bigint): number => Number(v & 0xffffffffn);

function writeIds(k: LinuxKernel, addrs: readonly bigint[], values: readonly number[]): number {
  values.forEach((value, i) => {
    k.memory.write32(ptr(addrs[i]), value);
  });
  return 0;
}

function getgroups(k: LinuxKernel, size: number, list: number): number {
  const groups = k.credentials.groups;
  if (size < 0) fail(E.EINVAL);
  if (size === 0) return groups.length;
  if (size < groups.length) fail(E.EINVAL);
  groups.forEach((g, i) => {
    k.memory.write32(list + 4 * i, g);
  });
  return groups.length;
}

function setgroups(k: LinuxKernel, size: number, list: number): number {
  if (!k.credentials.capable(CAP.SETGID)) fail(E.EPERM); // before the size, as the kernel checks
  if (size < 0 || size > NGROUPS_MAX) fail(E.EINVAL);
  k.credentials.setGroups(Array.from({ length: size }, (_, i) => k.memory.read32(list + 4 * i)));
  return 0;
}

/** Registers the calls that read and change a process's user and group ids. */
export function registerCredentialSyscalls(k: LinuxKernel): void {
  const creds = (k: LinuxKernel) => k.credentials;
  k.register(SYS.getuid, (k) => creds(k).user.real);
  k.register(SYS.geteuid, (k) => creds(k).user.effective);
  k.register(SYS.getgid, (k) => creds(k).group.real);
  k.register(SYS.getegid, (k) => creds(k).group.effective);
  k.register(SYS.getresuid, (k, a) => {
    const { real, effective, saved } = creds(k).user;
    return writeIds(k, a, [real, effective, saved]);
  });
  k.register(SYS.getresgid, (k, a) => {
    const { real, effective, saved } = creds(k).group;
    return writeIds(k, a, [real, effective, saved]);
  });
  k.register(SYS.setuid, (k, a) => {
    changingCredentials(k, () => creds(k).set('user', id(a[0])));
    return 0;
  });
  k.register(SYS.setgid, (k, a) => {
    changingCredentials(k, () => creds(k).set('group', id(a[0])));
    return 0;
  });
  k.register(SYS.setreuid, (k, a) => {
    changingCredentials(k, () => creds(k).setRealEffective('user', id(a[0]), id(a[1])));
    return 0;
  });
  k.register(SYS.setregid, (k, a) => {
    changingCredentials(k, () => creds(k).setRealEffective('group', id(a[0]), id(a[1])));
    return 0;
  });
  k.register(SYS.setresuid, (k, a) => {
    changingCredentials(k, () => creds(k).setRealEffectiveSaved('user', id(a[0]), id(a[1]), id(a[2])));
    return 0;
  });
  k.register(SYS.setresgid, (k, a) => {
    changingCredentials(k, () => creds(k).setRealEffectiveSaved('group', id(a[0]), id(a[1]), id(a[2])));
    return 0;
  });
  k.register(SYS.setfsuid, (k, a) => changingCredentials(k, () => creds(k).setFs('user', id(a[0]))));
  k.register(SYS.setfsgid, (k, a) => changingCredentials(k, () => creds(k).setFs('group', id(a[0]))));
  k.register(SYS.getgroups, (k, a) => getgroups(k, int(a[0]), ptr(a[1])));
  k.register(SYS.setgroups, (k, a) => setgroups(k, int(a[0]), ptr(a[1])));
}
