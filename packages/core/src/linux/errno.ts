import { constants } from 'node:os';

/** Linux errno values (the same in asm-generic and on x86_64). */
export const E = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  EIO: 5,
  ENXIO: 6,
  E2BIG: 7,
  ENOEXEC: 8,
  EBADF: 9,
  ECHILD: 10,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  EXDEV: 18,
  ENODEV: 19,
  ENOTDIR: 20,
  EISDIR: 21,
  EINVAL: 22,
  EMFILE: 24,
  ENOTTY: 25,
  ETXTBSY: 26,
  ESPIPE: 29,
  EROFS: 30,
  EPIPE: 32,
  ERANGE: 34,
  EDEADLK: 35,
  ENAMETOOLONG: 36,
  ENOSYS: 38,
  ENOTEMPTY: 39,
  ELOOP: 40,
  ENODATA: 61,
  EOVERFLOW: 75,
  EAFNOSUPPORT: 97,
  ETIMEDOUT: 110,
  /** Kernel-internal: restart the call after the handler if it has SA_RESTART, else EINTR. */
  ERESTARTSYS: 512,
} as const;

/** Raised inside syscall handlers to return -errno to the guest. */
export class SyscallError extends Error {
  constructor(readonly errno: number) {
    super(`errno ${errno}`);
  }
}

export function fail(errno: number): never {
  throw new SyscallError(errno);
}

/** The errno a Node fs error stands for (host errno numbers equal the guest's). */
export function errnoOf(error: unknown): number | null {
  if (error instanceof SyscallError) return error.errno;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    const n = (constants.errno as Record<string, number>)[code];
    if (typeof n === 'number') return n;
  }
  return null;
}
