/** asm-generic values the toy programs pass to the kernel (include/uapi/asm-generic). */
export const AT_FDCWD = -100;
export const O = {
  RDONLY: 0,
  WRONLY: 1,
  RDWR: 2,
  CREAT: 0o100,
  EXCL: 0o200,
  DIRECTORY: 0o200000,
  CLOEXEC: 0o2000000,
  TMPFILE_BIT: 0o20000000, // __O_TMPFILE: O_TMPFILE is this | O_DIRECTORY
} as const;
export const F = { DUPFD: 0, GETFD: 1, SETFD: 2, DUPFD_CLOEXEC: 1030 } as const;
export const FD_CLOEXEC = 1;
export const S_IFMT = 0o170000;
export const S_IFDIR = 0o040000;
export const S_IFREG = 0o100000;
export const DT = { DIR: 4, REG: 8, LNK: 10 } as const;
export const PROT = { NONE: 0, READ: 1, WRITE: 2 } as const;
export const MAP = { SHARED: 1, PRIVATE: 2, FIXED: 0x10, ANONYMOUS: 0x20 } as const;
export const SIG = { USR1: 10, USR2: 12, SEGV: 11, TERM: 15, CHLD: 17, KILL: 9, RTMIN: 34 } as const;
export const SIG_BLOCK = 0;
export const SIG_UNBLOCK = 1;
export const SA = { SIGINFO: 4, RESTART: 0x10000000, NODEFER: 0x40000000 } as const;
export const SEGV_MAPERR = 1;
export const SEGV_ACCERR = 2;
export const CLONE = {
  VM: 0x100,
  FS: 0x200,
  FILES: 0x400,
  SIGHAND: 0x800,
  THREAD: 0x10000,
  SYSVSEM: 0x40000,
} as const;
export const FUTEX = { WAIT: 0, WAKE: 1, PRIVATE: 128 } as const;
export const WNOHANG = 1;
/** Errno values, negated as a system call returns them. */
export const E = {
  EPERM: -1,
  ENOENT: -2,
  EINTR: -4,
  EBADF: -9,
  ECHILD: -10,
  EAGAIN: -11,
  EEXIST: -17,
  ENOTDIR: -20,
  EISDIR: -21,
  EINVAL: -22,
  ENOSYS: -38,
} as const;
