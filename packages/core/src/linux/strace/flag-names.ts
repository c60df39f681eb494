/**
 * Names of the constants system call arguments carry, as strace prints them. The values are the
 * Linux asm-generic ones, which aarch64 and riscv64 share (the open flags that differ come from
 * the architecture; see `openFlagNames`).
 */

/** [value, name] pairs: for flag sets, bits (or groups of bits) tried in order. */
export type Names = readonly (readonly [number, string])[];

export const AT_FLAGS: Names = [
  [0x100, 'AT_SYMLINK_NOFOLLOW'],
  [0x200, 'AT_REMOVEDIR'],
  [0x400, 'AT_SYMLINK_FOLLOW'],
  [0x800, 'AT_NO_AUTOMOUNT'],
  [0x1000, 'AT_EMPTY_PATH'],
  [0x2000, 'AT_STATX_FORCE_SYNC'],
  [0x4000, 'AT_STATX_DONT_SYNC'],
  [0x8000, 'AT_RECURSIVE'],
];

/** faccessat2's flags: 0x200 is AT_EACCESS there. */
export const ACCESS_AT_FLAGS: Names = [[0x200, 'AT_EACCESS'], ...AT_FLAGS.filter(([v]) => v !== 0x200)];

export const ACCESS_MODES: Names = [
  [4, 'R_OK'],
  [2, 'W_OK'],
  [1, 'X_OK'],
];

export const PROT_FLAGS: Names = [
  [1, 'PROT_READ'],
  [2, 'PROT_WRITE'],
  [4, 'PROT_EXEC'],
  [8, 'PROT_SEM'],
  [0x1000000, 'PROT_GROWSDOWN'],
  [0x2000000, 'PROT_GROWSUP'],
];

/** mmap's sharing type (the low four bits), printed first. */
export const MAP_TYPES: Names = [
  [1, 'MAP_SHARED'],
  [2, 'MAP_PRIVATE'],
  [3, 'MAP_SHARED_VALIDATE'],
];

/** In strace's order (the order the names are printed in). */
export const MAP_FLAGS: Names = [
  [0x10, 'MAP_FIXED'],
  [0x20, 'MAP_ANONYMOUS'],
  [0x4000, 'MAP_NORESERVE'],
  [0x8000, 'MAP_POPULATE'],
  [0x10000, 'MAP_NONBLOCK'],
  [0x100, 'MAP_GROWSDOWN'],
  [0x800, 'MAP_DENYWRITE'],
  [0x1000, 'MAP_EXECUTABLE'],
  [0x2000, 'MAP_LOCKED'],
  [0x20000, 'MAP_STACK'],
  [0x40000, 'MAP_HUGETLB'],
  [0x80000, 'MAP_SYNC'],
  [0x4000000, 'MAP_UNINITIALIZED'],
  [0x100000, 'MAP_FIXED_NOREPLACE'],
];

export const MREMAP_FLAGS: Names = [
  [1, 'MREMAP_MAYMOVE'],
  [2, 'MREMAP_FIXED'],
  [4, 'MREMAP_DONTUNMAP'],
];

export const MADVICE: Names = [
  [0, 'MADV_NORMAL'],
  [1, 'MADV_RANDOM'],
  [2, 'MADV_SEQUENTIAL'],
  [3, 'MADV_WILLNEED'],
  [4, 'MADV_DONTNEED'],
  [8, 'MADV_FREE'],
  [9, 'MADV_REMOVE'],
  [10, 'MADV_DONTFORK'],
  [11, 'MADV_DOFORK'],
  [12, 'MADV_MERGEABLE'],
  [13, 'MADV_UNMERGEABLE'],
  [14, 'MADV_HUGEPAGE'],
  [15, 'MADV_NOHUGEPAGE'],
  [16, 'MADV_DONTDUMP'],
  [17, 'MADV_DODUMP'],
  [18, 'MADV_WIPEONFORK'],
  [19, 'MADV_KEEPONFORK'],
  [20, 'MADV_COLD'],
  [21, 'MADV_PAGEOUT'],
  [22, 'MADV_POPULATE_READ'],
  [23, 'MADV_POPULATE_WRITE'],
  [24, 'MADV_DONTNEED_LOCKED'],
  [25, 'MADV_COLLAPSE'],
  [100, 'MADV_HWPOISON'],
  [101, 'MADV_SOFT_OFFLINE'],
];

const SIGNAL_NAMES = [
  '',
  'SIGHUP',
  'SIGINT',
  'SIGQUIT',
  'SIGILL',
  'SIGTRAP',
  'SIGABRT',
  'SIGBUS',
  'SIGFPE',
  'SIGKILL',
  'SIGUSR1',
  'SIGSEGV',
  'SIGUSR2',
  'SIGPIPE',
  'SIGALRM',
  'SIGTERM',
  'SIGSTKFLT',
  'SIGCHLD',
  'SIGCONT',
  'SIGSTOP',
  'SIGTSTP',
  'SIGTTIN',
  'SIGTTOU',
  'SIGURG',
  'SIGXCPU',
  'SIGXFSZ',
  'SIGVTALRM',
  'SIGPROF',
  'SIGWINCH',
  'SIGIO',
  'SIGPWR',
  'SIGSYS',
];

/** SIGINT, SIGRTMIN, SIGRT_5; null for a number that is no signal. */
export function signalName(signo: number): string | null {
  if (signo >= 1 && signo < 32) return SIGNAL_NAMES[signo] as string;
  if (signo === 32) return 'SIGRTMIN';
  if (signo > 32 && signo <= 64) return `SIGRT_${signo - 32}`;
  return null;
}

export const SIGPROCMASK_HOW: Names = [
  [0, 'SIG_BLOCK'],
  [1, 'SIG_UNBLOCK'],
  [2, 'SIG_SETMASK'],
];

export const SA_FLAGS: Names = [
  [1, 'SA_NOCLDSTOP'],
  [2, 'SA_NOCLDWAIT'],
  [4, 'SA_SIGINFO'],
  [0x04000000, 'SA_RESTORER'],
  [0x08000000, 'SA_ONSTACK'],
  [0x10000000, 'SA_RESTART'],
  [0x40000000, 'SA_NODEFER'],
  [0x80000000, 'SA_RESETHAND'],
];

export const CLONE_FLAGS: Names = [
  [0x100, 'CLONE_VM'],
  [0x200, 'CLONE_FS'],
  [0x400, 'CLONE_FILES'],
  [0x800, 'CLONE_SIGHAND'],
  [0x1000, 'CLONE_PIDFD'],
  [0x2000, 'CLONE_PTRACE'],
  [0x4000, 'CLONE_VFORK'],
  [0x8000, 'CLONE_PARENT'],
  [0x10000, 'CLONE_THREAD'],
  [0x20000, 'CLONE_NEWNS'],
  [0x40000, 'CLONE_SYSVSEM'],
  [0x80000, 'CLONE_SETTLS'],
  [0x100000, 'CLONE_PARENT_SETTID'],
  [0x200000, 'CLONE_CHILD_CLEARTID'],
  [0x400000, 'CLONE_DETACHED'],
  [0x800000, 'CLONE_UNTRACED'],
  [0x1000000, 'CLONE_CHILD_SETTID'],
  [0x2000000, 'CLONE_NEWCGROUP'],
  [0x4000000, 'CLONE_NEWUTS'],
  [0x8000000, 'CLONE_NEWIPC'],
  [0x10000000, 'CLONE_NEWUSER'],
  [0x20000000, 'CLONE_NEWPID'],
  [0x40000000, 'CLONE_NEWNET'],
  [0x80000000, 'CLONE_IO'],
];

export const FUTEX_OPS: Names = [
  [0, 'FUTEX_WAIT'],
  [1, 'FUTEX_WAKE'],
  [2, 'FUTEX_FD'],
  [3, 'FUTEX_REQUEUE'],
  [4, 'FUTEX_CMP_REQUEUE'],
  [5, 'FUTEX_WAKE_OP'],
  [6, 'FUTEX_LOCK_PI'],
  [7, 'FUTEX_UNLOCK_PI'],
  [8, 'FUTEX_TRYLOCK_PI'],
  [9, 'FUTEX_WAIT_BITSET'],
  [10, 'FUTEX_WAKE_BITSET'],
  [11, 'FUTEX_WAIT_REQUEUE_PI'],
  [12, 'FUTEX_CMP_REQUEUE_PI'],
  [13, 'FUTEX_LOCK_PI2'],
];
export const FUTEX_PRIVATE_FLAG = 128;
export const FUTEX_CLOCK_REALTIME = 256;

export const FCNTL_COMMANDS: Names = [
  [0, 'F_DUPFD'],
  [1, 'F_GETFD'],
  [2, 'F_SETFD'],
  [3, 'F_GETFL'],
  [4, 'F_SETFL'],
  [5, 'F_GETLK'],
  [6, 'F_SETLK'],
  [7, 'F_SETLKW'],
  [8, 'F_SETOWN'],
  [9, 'F_GETOWN'],
  [10, 'F_SETSIG'],
  [11, 'F_GETSIG'],
  [15, 'F_SETOWN_EX'],
  [16, 'F_GETOWN_EX'],
  [36, 'F_OFD_GETLK'],
  [37, 'F_OFD_SETLK'],
  [38, 'F_OFD_SETLKW'],
  [1024, 'F_SETLEASE'],
  [1025, 'F_GETLEASE'],
  [1026, 'F_NOTIFY'],
  [1030, 'F_DUPFD_CLOEXEC'],
  [1031, 'F_SETPIPE_SZ'],
  [1032, 'F_GETPIPE_SZ'],
  [1033, 'F_ADD_SEALS'],
  [1034, 'F_GET_SEALS'],
];

export const FD_FLAGS: Names = [[1, 'FD_CLOEXEC']];

export const IOCTL_REQUESTS: Names = [
  [0x5401, 'TCGETS'],
  [0x5402, 'TCSETS'],
  [0x5403, 'TCSETSW'],
  [0x5404, 'TCSETSF'],
  [0x5405, 'TCGETA'],
  [0x5409, 'TCSBRK'],
  [0x540a, 'TCXONC'],
  [0x540b, 'TCFLSH'],
  [0x540c, 'TIOCEXCL'],
  [0x540d, 'TIOCNXCL'],
  [0x540e, 'TIOCSCTTY'],
  [0x540f, 'TIOCGPGRP'],
  [0x5410, 'TIOCSPGRP'],
  [0x5411, 'TIOCOUTQ'],
  [0x5412, 'TIOCSTI'],
  [0x5413, 'TIOCGWINSZ'],
  [0x5414, 'TIOCSWINSZ'],
  [0x5415, 'TIOCMGET'],
  [0x541b, 'FIONREAD'],
  [0x541c, 'TIOCLINUX'],
  [0x5421, 'FIONBIO'],
  [0x5422, 'TIOCNOTTY'],
  [0x5429, 'TIOCGSID'],
  [0x5450, 'FIONCLEX'],
  [0x5451, 'FIOCLEX'],
  [0x5452, 'FIOASYNC'],
  [0x80045430, 'TIOCGPTN'],
  [0x40045431, 'TIOCSPTLCK'],
  [0x80045432, 'TIOCGDEV'],
  [0x8933, 'SIOCGIFINDEX'],
  [0x8912, 'SIOCGIFCONF'],
  [0x8913, 'SIOCGIFFLAGS'],
];

export const SOCKET_DOMAINS: Names = [
  [0, 'AF_UNSPEC'],
  [1, 'AF_UNIX'],
  [2, 'AF_INET'],
  [10, 'AF_INET6'],
  [16, 'AF_NETLINK'],
  [17, 'AF_PACKET'],
];

export const SOCKET_TYPES: Names = [
  [1, 'SOCK_STREAM'],
  [2, 'SOCK_DGRAM'],
  [3, 'SOCK_RAW'],
  [4, 'SOCK_RDM'],
  [5, 'SOCK_SEQPACKET'],
  [6, 'SOCK_DCCP'],
  [10, 'SOCK_PACKET'],
];

export const SOCKET_FLAGS: Names = [
  [0o4000, 'SOCK_NONBLOCK'],
  [0o2000000, 'SOCK_CLOEXEC'],
];

export const WHENCE: Names = [
  [0, 'SEEK_SET'],
  [1, 'SEEK_CUR'],
  [2, 'SEEK_END'],
  [3, 'SEEK_DATA'],
  [4, 'SEEK_HOLE'],
];

export const CLOCK_IDS: Names = [
  [0, 'CLOCK_REALTIME'],
  [1, 'CLOCK_MONOTONIC'],
  [2, 'CLOCK_PROCESS_CPUTIME_ID'],
  [3, 'CLOCK_THREAD_CPUTIME_ID'],
  [4, 'CLOCK_MONOTONIC_RAW'],
  [5, 'CLOCK_REALTIME_COARSE'],
  [6, 'CLOCK_MONOTONIC_COARSE'],
  [7, 'CLOCK_BOOTTIME'],
  [8, 'CLOCK_REALTIME_ALARM'],
  [9, 'CLOCK_BOOTTIME_ALARM'],
  [11, 'CLOCK_TAI'],
];

export const TIMER_FLAGS: Names = [[1, 'TIMER_ABSTIME']];

export const INOTIFY_INIT_FLAGS: Names = [
  [0o4000, 'IN_NONBLOCK'],
  [0o2000000, 'IN_CLOEXEC'],
];

export const INOTIFY_MASK: Names = [
  [0x1, 'IN_ACCESS'],
  [0x2, 'IN_MODIFY'],
  [0x4, 'IN_ATTRIB'],
  [0x8, 'IN_CLOSE_WRITE'],
  [0x10, 'IN_CLOSE_NOWRITE'],
  [0x20, 'IN_OPEN'],
  [0x40, 'IN_MOVED_FROM'],
  [0x80, 'IN_MOVED_TO'],
  [0x100, 'IN_CREATE'],
  [0x200, 'IN_DELETE'],
  [0x400, 'IN_DELETE_SELF'],
  [0x800, 'IN_MOVE_SELF'],
  [0x01000000, 'IN_ONLYDIR'],
  [0x02000000, 'IN_DONT_FOLLOW'],
  [0x04000000, 'IN_EXCL_UNLINK'],
  [0x10000000, 'IN_MASK_CREATE'],
  [0x20000000, 'IN_MASK_ADD'],
  [0x80000000, 'IN_ONESHOT'],
];

export const WAIT_OPTIONS: Names = [
  [1, 'WNOHANG'],
  [2, 'WSTOPPED'],
  [4, 'WEXITED'],
  [8, 'WCONTINUED'],
  [0x1000000, 'WNOWAIT'],
  [0x20000000, '__WNOTHREAD'],
  [0x40000000, '__WALL'],
  [0x80000000, '__WCLONE'],
];

/** wait4's options, where 2 is WUNTRACED. */
export const WAIT4_OPTIONS: Names = WAIT_OPTIONS.map(([v, n]) => [v, v === 2 ? 'WUNTRACED' : n] as const);

export const RLIMIT_RESOURCES: Names = [
  [0, 'RLIMIT_CPU'],
  [1, 'RLIMIT_FSIZE'],
  [2, 'RLIMIT_DATA'],
  [3, 'RLIMIT_STACK'],
  [4, 'RLIMIT_CORE'],
  [5, 'RLIMIT_RSS'],
  [6, 'RLIMIT_NPROC'],
  [7, 'RLIMIT_NOFILE'],
  [8, 'RLIMIT_MEMLOCK'],
  [9, 'RLIMIT_AS'],
  [10, 'RLIMIT_LOCKS'],
  [11, 'RLIMIT_SIGPENDING'],
  [12, 'RLIMIT_MSGQUEUE'],
  [13, 'RLIMIT_NICE'],
  [14, 'RLIMIT_RTPRIO'],
  [15, 'RLIMIT_RTTIME'],
];

export const GETRANDOM_FLAGS: Names = [
  [1, 'GRND_NONBLOCK'],
  [2, 'GRND_RANDOM'],
  [4, 'GRND_INSECURE'],
];

export const PIPE_FLAGS: Names = [
  [0o2000000, 'O_CLOEXEC'],
  [0o4000, 'O_NONBLOCK'],
  [0o40000, 'O_DIRECT'],
];

export const STATX_MASK: Names = [
  [0xfff, 'STATX_ALL'],
  [0x7ff, 'STATX_BASIC_STATS'],
  [0x1, 'STATX_TYPE'],
  [0x2, 'STATX_MODE'],
  [0x4, 'STATX_NLINK'],
  [0x8, 'STATX_UID'],
  [0x10, 'STATX_GID'],
  [0x20, 'STATX_ATIME'],
  [0x40, 'STATX_MTIME'],
  [0x80, 'STATX_CTIME'],
  [0x100, 'STATX_INO'],
  [0x200, 'STATX_SIZE'],
  [0x400, 'STATX_BLOCKS'],
  [0x800, 'STATX_BTIME'],
  [0x1000, 'STATX_MNT_ID'],
  [0x2000, 'STATX_DIOALIGN'],
];

/** open(2) flags (in strace's order) with the architecture's values of the four that differ. */
export function openFlagNames(arch: {
  directory: number;
  nofollow: number;
  direct: number;
  largefile: number;
}): Names {
  return [
    [0o100, 'O_CREAT'],
    [0o200, 'O_EXCL'],
    [0o400, 'O_NOCTTY'],
    [0o1000, 'O_TRUNC'],
    [0o2000, 'O_APPEND'],
    [0o4000, 'O_NONBLOCK'],
    [0o4010000, 'O_SYNC'],
    [0o10000, 'O_DSYNC'],
    [arch.direct, 'O_DIRECT'],
    [arch.largefile, 'O_LARGEFILE'],
    [arch.nofollow, 'O_NOFOLLOW'],
    [0o1000000, 'O_NOATIME'],
    [0o2000000, 'O_CLOEXEC'],
    [0o10000000, 'O_PATH'],
    [0o20000000 | arch.directory, 'O_TMPFILE'],
    [arch.directory, 'O_DIRECTORY'],
    [0o20000, 'FASYNC'],
  ];
}
