import { constants, fstatSync, openSync } from 'node:fs';
import { E, fail } from './errno.js';
import { OpenFile } from './fd-table.js';
import { type LinuxKernel, ptr } from './kernel.js';
import { CLONE_NEW } from './namespace-flags.js';

const NS_GET_USERNS = 0xb701;
const NS_GET_PARENT = 0xb702;
const NS_GET_NSTYPE = 0xb703;
const NS_GET_OWNER_UID = 0xb704;

/** Each namespace link's CLONE_NEW* flag (what NS_GET_NSTYPE answers). */
const NAMESPACE_TYPES: Readonly<Record<string, number>> = {
  ...CLONE_NEW,
  pid_for_children: CLONE_NEW.pid,
  time_for_children: CLONE_NEW.time,
};

/** A description of the host process's namespace `name` (/proc/PID/ns/NAME opened). */
export function openNamespace(name: string, flags: number): OpenFile {
  const fd = openSync(`/proc/self/ns/${name}`, constants.O_RDONLY);
  const file = new OpenFile(fd, null, null, flags, fstatSync(fd).isFile() ? 'file' : 'stream', true);
  file.namespace = name;
  return file;
}

/**
 * The nsfs ioctls on a namespace descriptor, as the kernel answers them from inside the host
 * process's namespaces (Node cannot pass an ioctl to the host): its type, its owning user
 * namespace as a new descriptor, no parent the caller may see (the run's namespaces are its
 * outermost), and the owner of a user namespace (root, for one the run can see the bottom of).
 */
export function namespaceIoctl(k: LinuxKernel, name: string, request: number, arg: bigint): number {
  switch (request) {
    case NS_GET_NSTYPE:
      return NAMESPACE_TYPES[name] ?? fail(E.EINVAL);
    case NS_GET_USERNS:
      if (name === 'user') fail(E.EPERM); // the owner of the outermost user namespace
      return k.fds.install(openNamespace('user', 0), true);
    case NS_GET_PARENT:
      if (name !== 'user' && !name.startsWith('pid')) fail(E.EINVAL);
      return fail(E.EPERM);
    case NS_GET_OWNER_UID:
      if (name !== 'user') fail(E.EINVAL);
      k.memory.write32(ptr(arg), 0);
      return 0;
    default:
      return fail(E.ENOTTY);
  }
}
