import { constants } from 'node:fs';
import type { Architecture } from '../arch.js';

export const O_ACCMODE = 3;
export const O_CLOEXEC = 0o2000000;
/** asm-generic values of the flags some architectures number differently. */
export const GENERIC_OPEN_FLAGS = {
  directory: 0o200000,
  nofollow: 0o400000,
  direct: 0o40000,
  largefile: 0o100000,
};

/** The guest's numbering of the open flags that differ between architectures. */
export function guestOpenFlags(arch: Architecture): typeof GENERIC_OPEN_FLAGS {
  return arch.syscalls.openFlags ?? GENERIC_OPEN_FLAGS;
}

/** Guest open flags → host open flags (the host's numbering for the arch-specific ones). */
export function hostOpenFlags(arch: Architecture, flags: number): number {
  const guest = guestOpenFlags(arch);
  const special = guest.directory | guest.nofollow | guest.direct | guest.largefile;
  let host = flags & ~special & ~O_CLOEXEC;
  if (flags & guest.directory) host |= constants.O_DIRECTORY;
  if (flags & guest.nofollow) host |= constants.O_NOFOLLOW;
  if (flags & guest.direct) host |= constants.O_DIRECT ?? 0;
  return host;
}
