import {
  ACCESS_AT_FLAGS,
  ACCESS_MODES,
  AT_FLAGS,
  CLOCK_IDS,
  GETRANDOM_FLAGS,
  INOTIFY_INIT_FLAGS,
  INOTIFY_MASK,
  IOCTL_REQUESTS,
  MADVICE,
  MREMAP_FLAGS,
  PIPE_FLAGS,
  PROT_FLAGS,
  RLIMIT_RESOURCES,
  SIGPROCMASK_HOW,
  SOCKET_DOMAINS,
  STATX_MASK,
  TIMER_FLAGS,
  WAIT_OPTIONS,
  WAIT4_OPTIONS,
  WHENCE,
} from './flag-names.js';
import {
  type ArgKind,
  DIRFD,
  FD,
  flags,
  HEX,
  INT,
  inBuffer,
  LONG,
  OCTAL,
  OFFSET,
  OUT_BUFFER,
  OUT_INT,
  OUT_INT_PAIR,
  OUT_SIGSET,
  OUT_STRING,
  oneOf,
  PATH,
  PTR,
  SIGNAL,
  SIGSET,
  SIZE,
  STRING,
  UNSIGNED,
} from './format.js';
import { iovecKind } from './iovec-kind.js';
import { inSockaddr, outSockaddr } from './sockaddr-kind.js';
import {
  ARGV,
  ENVP,
  FCNTL_COMMAND,
  fcntlArgs,
  futexArgs,
  futexOp,
  MMAP_FLAGS,
  WAIT_STATUS,
} from './special-kinds.js';
import { OUT_STAT, timespecKind } from './struct-kinds.js';

/** Kinds that depend on the architecture or on the call as a whole, resolved by `TracedCall`. */
export type Placeholder = 'open' | 'socketType' | 'clone' | 'fcntlArg' | 'sigaction' | 'oldSigaction';

/** How a result is shown: decimal (ints, fds, sizes) or hex (addresses). */
export type ResultKind = 'int' | 'hex';

/**
 * One call's arguments as strace shows them. `open` stands for the open flags (their values
 * depend on the architecture) and `socketType` for a socket type with its flags; `count` says
 * how many arguments the call uses when that depends on them (openat's mode only with O_CREAT).
 */
export interface Signature {
  readonly args: readonly (ArgKind | Placeholder)[];
  readonly result?: ResultKind | 'fcntl';
  readonly count?: (args: readonly bigint[]) => number;
}

const O_CREAT = 0o100;
const O_TMPFILE_BIT = 0o20000000;
const withMode = (flagsArg: number) => (args: readonly bigint[]) =>
  Number(args[flagsArg] ?? 0n) & (O_CREAT | O_TMPFILE_BIT) ? flagsArg + 2 : flagsArg + 1;

const FUTEX_OP: ArgKind = { show: futexOp };
const PROT = flags(PROT_FLAGS, 'PROT_NONE');
const MODE_BITS = flags(ACCESS_MODES, 'F_OK');

/** The calls ordinary programs make; every other call is shown with raw hex arguments. */
export const SIGNATURES: Readonly<Record<string, Signature>> = {
  // Files and descriptors
  openat: { args: [DIRFD, PATH, 'open', OCTAL], count: withMode(2) },
  close: { args: [FD] },
  read: { args: [FD, OUT_BUFFER, SIZE] },
  write: { args: [FD, inBuffer(2), SIZE] },
  pread64: { args: [FD, OUT_BUFFER, SIZE, LONG] },
  pwrite64: { args: [FD, inBuffer(2), SIZE, LONG] },
  readv: { args: [FD, iovecKind(2, true), INT] },
  writev: { args: [FD, iovecKind(2, false), INT] },
  lseek: { args: [FD, LONG, oneOf(WHENCE)] },
  dup: { args: [FD] },
  dup3: { args: [FD, FD, flags(PIPE_FLAGS)] },
  fcntl: { args: [FD, FCNTL_COMMAND, 'fcntlArg'], result: 'fcntl', count: fcntlArgs },
  ioctl: { args: [FD, oneOf(IOCTL_REQUESTS), PTR] },
  pipe2: { args: [OUT_INT_PAIR, flags(PIPE_FLAGS)] },
  newfstatat: { args: [DIRFD, PATH, OUT_STAT, flags(AT_FLAGS)] },
  fstat: { args: [FD, OUT_STAT] },
  statx: { args: [DIRFD, PATH, flags(AT_FLAGS, 'AT_STATX_SYNC_AS_STAT'), flags(STATX_MASK), PTR] },
  statfs: { args: [PATH, PTR] },
  fstatfs: { args: [FD, PTR] },
  faccessat: { args: [DIRFD, PATH, MODE_BITS] },
  faccessat2: { args: [DIRFD, PATH, MODE_BITS, flags(ACCESS_AT_FLAGS)] },
  readlinkat: { args: [DIRFD, PATH, OUT_BUFFER, SIZE] },
  getdents64: { args: [FD, PTR, SIZE] },
  getcwd: { args: [OUT_STRING, SIZE] },
  chdir: { args: [PATH] },
  fchdir: { args: [FD] },
  mkdirat: { args: [DIRFD, PATH, OCTAL] },
  unlinkat: { args: [DIRFD, PATH, flags(AT_FLAGS)] },
  symlinkat: { args: [PATH, DIRFD, PATH] },
  linkat: { args: [DIRFD, PATH, DIRFD, PATH, flags(AT_FLAGS)] },
  renameat: { args: [DIRFD, PATH, DIRFD, PATH] },
  renameat2: { args: [DIRFD, PATH, DIRFD, PATH, UNSIGNED] },
  fchmod: { args: [FD, OCTAL] },
  fchmodat: { args: [DIRFD, PATH, OCTAL] },
  fchownat: { args: [DIRFD, PATH, INT, INT, flags(AT_FLAGS)] },
  fchown: { args: [FD, INT, INT] },
  ftruncate: { args: [FD, LONG] },
  truncate: { args: [PATH, LONG] },
  fsync: { args: [FD] },
  fdatasync: { args: [FD] },
  umask: { args: [OCTAL], result: 'int' },
  utimensat: { args: [DIRFD, PATH, PTR, flags(AT_FLAGS)] },
  getxattr: { args: [PATH, STRING, PTR, SIZE] },
  lgetxattr: { args: [PATH, STRING, PTR, SIZE] },
  fgetxattr: { args: [FD, STRING, PTR, SIZE] },
  sendfile: { args: [FD, FD, PTR, SIZE] },
  ppoll: { args: [PTR, UNSIGNED, PTR, PTR, SIZE] },
  pselect6: { args: [INT, PTR, PTR, PTR, PTR, PTR] },
  epoll_create1: { args: [flags(PIPE_FLAGS)] },
  epoll_ctl: { args: [FD, INT, FD, PTR] },
  epoll_pwait: { args: [FD, PTR, INT, INT, PTR, SIZE] },
  eventfd2: { args: [UNSIGNED, flags(PIPE_FLAGS)] },
  memfd_create: { args: [STRING, HEX] },
  // Memory
  brk: { args: [PTR], result: 'hex' },
  mmap: { args: [PTR, SIZE, PROT, MMAP_FLAGS, FD, OFFSET], result: 'hex' },
  munmap: { args: [PTR, SIZE] },
  mprotect: { args: [PTR, SIZE, PROT] },
  mremap: { args: [PTR, SIZE, SIZE, flags(MREMAP_FLAGS), PTR], result: 'hex' },
  madvise: { args: [PTR, SIZE, oneOf(MADVICE)] },
  msync: { args: [PTR, SIZE, INT] },
  // Processes and threads
  execve: { args: [PATH, ARGV, ENVP] },
  exit: { args: [INT] },
  exit_group: { args: [INT] },
  clone: { args: ['clone'] },
  wait4: { args: [INT, WAIT_STATUS, flags(WAIT4_OPTIONS), PTR] },
  waitid: { args: [INT, INT, PTR, flags(WAIT_OPTIONS), PTR] },
  set_tid_address: { args: [PTR] },
  set_robust_list: { args: [PTR, SIZE] },
  futex: { args: [PTR, FUTEX_OP, INT, PTR, PTR, HEX], count: futexArgs },
  rseq: { args: [PTR, UNSIGNED, INT, HEX] },
  prlimit64: { args: [INT, oneOf(RLIMIT_RESOURCES), PTR, PTR] },
  getrlimit: { args: [oneOf(RLIMIT_RESOURCES), PTR] },
  setrlimit: { args: [oneOf(RLIMIT_RESOURCES), PTR] },
  getrusage: { args: [INT, PTR] },
  getpid: { args: [] },
  getppid: { args: [] },
  gettid: { args: [] },
  getuid: { args: [] },
  geteuid: { args: [] },
  getgid: { args: [] },
  getegid: { args: [] },
  getpgid: { args: [INT] },
  setpgid: { args: [INT, INT] },
  getsid: { args: [INT] },
  setsid: { args: [] },
  sched_yield: { args: [] },
  sched_getaffinity: { args: [INT, SIZE, PTR] },
  uname: { args: [PTR] },
  sysinfo: { args: [PTR] },
  shmget: { args: [HEX, SIZE, OCTAL] },
  shmat: { args: [INT, PTR, HEX], result: 'hex' },
  shmdt: { args: [PTR] },
  shmctl: { args: [INT, INT, PTR] },
  prctl: { args: [INT, HEX, HEX, HEX, HEX] },
  getrandom: { args: [OUT_BUFFER, SIZE, flags(GETRANDOM_FLAGS)] },
  // Signals
  rt_sigaction: { args: [SIGNAL, 'sigaction', 'oldSigaction', SIZE] },
  rt_sigprocmask: { args: [oneOf(SIGPROCMASK_HOW), SIGSET, OUT_SIGSET, SIZE] },
  rt_sigreturn: { args: [] },
  rt_sigsuspend: { args: [SIGSET, SIZE] },
  sigaltstack: { args: [PTR, PTR] },
  kill: { args: [INT, SIGNAL] },
  tkill: { args: [INT, SIGNAL] },
  tgkill: { args: [INT, INT, SIGNAL] },
  // Time
  clock_gettime: { args: [oneOf(CLOCK_IDS), timespecKind(true)] },
  clock_getres: { args: [oneOf(CLOCK_IDS), timespecKind(true)] },
  clock_nanosleep: { args: [oneOf(CLOCK_IDS), flags(TIMER_FLAGS), timespecKind(false), PTR] },
  nanosleep: { args: [timespecKind(false), PTR] },
  inotify_init1: { args: [flags(INOTIFY_INIT_FLAGS)] },
  inotify_add_watch: { args: [FD, PATH, flags(INOTIFY_MASK)] },
  inotify_rm_watch: { args: [FD, INT] },
  timer_create: { args: [oneOf(CLOCK_IDS), PTR, PTR] },
  timer_settime: { args: [INT, flags(TIMER_FLAGS), PTR, PTR] },
  timer_gettime: { args: [INT, PTR] },
  timer_getoverrun: { args: [INT] },
  timer_delete: { args: [INT] },
  gettimeofday: { args: [PTR, PTR] },
  // Sockets
  socket: { args: [oneOf(SOCKET_DOMAINS), 'socketType', INT] },
  socketpair: { args: [oneOf(SOCKET_DOMAINS), 'socketType', INT, OUT_INT_PAIR] },
  connect: { args: [FD, inSockaddr(2), UNSIGNED] },
  bind: { args: [FD, inSockaddr(2), UNSIGNED] },
  listen: { args: [FD, INT] },
  accept: { args: [FD, outSockaddr(2), OUT_INT] },
  accept4: { args: [FD, outSockaddr(2), OUT_INT, flags(PIPE_FLAGS)] },
  getsockname: { args: [FD, outSockaddr(2), OUT_INT] },
  getpeername: { args: [FD, outSockaddr(2), OUT_INT] },
  sendto: { args: [FD, inBuffer(2), SIZE, HEX, inSockaddr(5), UNSIGNED] },
  recvfrom: { args: [FD, OUT_BUFFER, SIZE, HEX, PTR, PTR] },
  setsockopt: { args: [FD, INT, INT, PTR, UNSIGNED] },
  getsockopt: { args: [FD, INT, INT, PTR, PTR] },
  shutdown: { args: [FD, INT] },
  sendmsg: { args: [FD, PTR, HEX] },
  recvmsg: { args: [FD, PTR, HEX] },
};
