import type { Optimization } from './build.js';
import type { RunCase } from './harness.js';

/** A program and the runs the differential test compares against qemu-aarch64-static. */
export interface DifferentialProgram {
  readonly name: string;
  readonly opts: readonly Optimization[];
  readonly cases: readonly RunCase[];
  /** `-march` the program needs (its cases then name CPUs that have those extensions). */
  readonly march?: string;
}

function program(
  name: string,
  cases: readonly RunCase[] = [{}],
  opts: readonly Optimization[] = ['O2', 'O0'],
  march?: string,
): DifferentialProgram {
  return { name, opts, cases, ...(march ? { march } : {}) };
}

/** Every differential program: a new one joins with one line. */
export const DIFFERENTIAL_PROGRAMS: readonly DifferentialProgram[] = [
  program('argv', [{}, { args: ['1', '2', '3'] }, { args: ['', 'two words', 'ünïcödé'], argv0: 'renamed' }]),
  program('integer'),
  program('memory'),
  program('encodings', [{}, { args: ['99'] }], ['O2']), // self-generated code: every immediate/selector of the integer classes
  program('reserved', [{}, ...Array.from({ length: 16 }, (_, i) => ({ args: [String(i)] }))], ['O2']), // SIGILL/SIGTRAP where qemu says
  program('control', [{}, { args: ['12'] }]),
  program('fp', [{}, { args: ['7'] }]),
  program('fp-double', [{}, { args: ['7'] }], ['O2']), // each double-precision instruction, every FPCR mode
  program('fp-single', [{}, { args: ['7'] }], ['O2']), // each single-precision instruction and FCVT, every FPCR mode
  // _Float16 arithmetic with FEAT_FP16 instructions, on a CPU that advertises FPHP/ASIMDHP
  program(
    'fp16',
    [
      { cpu: 'max', qemuCpu: 'max' },
      { cpu: 'max', qemuCpu: 'max', args: ['7'] },
    ],
    ['O2', 'O0'],
    'armv8.2-a+fp16',
  ),
  // misaligned ordered, exclusive and atomic accesses fault (SIGBUS) on a CPU without LSE2, as under qemu
  program('alignment', [{ cpu: 'neoverse-n1' }], ['O2'], 'armv8.4-a'),
  program('files', [
    { stdin: 'first line\nsecond line\n' },
    { stdin: '', args: ['7'], env: { PATH: '/bin', FILES_GREETING: 'hello', EMPTY: '' } },
  ]),
  program('time', [{}, { args: ['12345'] }]),
  program('pipes', [{}, { args: ['sigpipe'] }]),
  program('inotify', [{ args: ['.'] }], ['O2']), // the events of a scratch directory's operations (qemu passes them on from the kernel)
  program('signals', [
    {},
    ...[
      'usr1',
      'term',
      'segv-ignored',
      'segv-blocked',
      'segv-resethand',
      'overflow-handled-on-stack',
      'abort',
      'kill-self',
    ].map((d) => ({
      args: [d],
    })),
  ]),
  program('timers', [{}, { args: ['die'] }]),
  program('exec'), // the ways execve fails; successful execs are in packages/arm64/test/exec.test.ts
  program('process'), // nice values and page residency
  program('procs'), // fork, vfork, wait, pipes between processes, groups, sessions, kill
  // restart.c (blocking calls across a stop and continue) times its calls, which an executor that
  // compiles every block cannot keep to: packages/arm64/test/job-control.test.ts runs it.
  program('stop'), // job control: SIGSTOP/SIGTSTP/SIGCONT, WUNTRACED/WCONTINUED, CLD_STOPPED/CLD_CONTINUED, waitid WNOWAIT
  program('events'), // epoll, eventfd, timerfd, signalfd
  program('tcp'), // TCP over 127.0.0.1 between two processes, through the host
  program('sockets'), // AF_UNIX between processes: socketpair, SCM_RIGHTS, named servers, readiness
  program('udp'), // UDP over 127.0.0.1 and ::1 through the host: datagrams, connect, ICMP errors, readiness, options
  program('pty'), // pseudo-terminals inside the guest: openpty, the line discipline, controlling terminals, hangup
  program('tty-queue', [{}], ['O2']), // a pty's input queue: VEOF's NUL, ICANON pushes, VMIN/VTIME timer, 4095-byte limit, TIOCNOTTY (against the kernel too: packages/arm64/test/tty-queue.test.ts)
  program('netif'), // NETLINK_ROUTE: getifaddrs, if_nameindex, interface ioctls, a dump by hand
  program('threads', [{}, { args: ['1000000'] }], ['O2']), // pthreads, futexes, atomics across threads
  program('parallel-work', [{ args: ['2', '16'] }, { args: ['1', '16'] }], ['O2']), // CPU-bound threads (run on CPU workers in apps/cli's cpu-workers test)
  program('thread-signals'), // pthread_kill, per-thread pending signals and masks, sigwait in a thread, SIGSEGV on a thread's alternate stack
  program('locks'), // fcntl record locks (POSIX and OFD) and flock between processes
  program('attributes'), // fchmod, fchown, fchownat, lchown, utimensat, futimens
  program('prctl', [{}], ['O2']), // thread names, parent-death signal, dumpable, no_new_privs
  program('shm', [{}], ['O2']), // shm_open and sem_open in /dev/shm (under a sysroot: packages/arm64/test/shm.test.ts)
  program('sysv-ipc', [{}], ['O2']), // System V shared memory: shmget, shmat, shmdt, shmctl, attachments across fork
  program('shared-mappings', [{}], ['O2']), // MAP_SHARED between processes and with the file: pshared mutexes, semaphores, msync
  program('credentials', [{}], ['O2']), // set*id, setgroups, setfs*id, capabilities and kill's permission, as root or not
  program('rlimits', [{}], ['O2']), // getrlimit, setrlimit, prlimit64 per process; RLIMIT_NOFILE bounds the descriptors
  program('usage', [{}], ['O2']), // times, getrusage (self, thread, children), wait4's rusage
  program('atomics-stress', [{}, { args: ['100000'] }, { args: ['exit'] }], ['O2']), // exclusives, LSE, CAS, mutexes, barrier storms, exit_group while spinning
  program('fifo'), // mkfifo and mknod; FIFO opens that wait for the other side, between processes
  program('fsops'),
  program('file-calls', [{}, { args: ['seek'], stdin: 'one two three\n' }], ['O2']), // fallocate, close_range, memfd_create and seals, copy_file_range, sendfile, splice; lseek/pread on a file as stdin and on devices (xattrs: packages/arm64/test/xattr.test.ts)
  program('process-calls', [{}], ['O2']), // pidfd_open, pidfd_send_signal, prctl, /proc/sys, the host's CPUs // statx, statfs, fsync, umask, fchdir, rmdir, renameat2, faccessat2
  program('memory-and-fs-ids', [{}], ['O2']), // sysinfo's freeram is MemFree; statfs' f_fsid per file system
  // /proc/self, /dev (re-execution through /proc/self/exe: packages/arm64/test/exec.test.ts)
  program('procfs', [{}, { args: ['one', 'two words'], env: { PATH: '/bin', GREETING: 'hi' } }]),
  // 250,000 mmap/munmap rounds map about 32 GB in turn, eight times the room below 4 GiB: unmapped
  // ranges must be reused (a million took qemu itself past the harness's two minutes on a busy host)
  program('mmap-churn', [{ args: ['250000'] }], ['O2']),
  program('high-memory'), // beyond 4 GiB: a 100 GB MAP_NORESERVE, fixed high mappings, fork, across 4 GiB
  program(
    'faults',
    [
      { args: ['segv'] },
      { args: ['null'] },
      { args: ['abort'] },
      { args: ['overflow'] },
      { args: ['exit', '42'] },
      {},
    ],
    ['O0'],
  ),
  // jumps to 0, to an unmapped page and to a data page: SIGSEGV at the target, through handlers
  // that return, reset, longjmp or fault again, and with SIGSEGV blocked or ignored
  program(
    'wild-jumps',
    [
      { args: ['null'] },
      { args: ['null', 'handler'] },
      { args: ['unmapped', 'handler'] },
      { args: ['data', 'handler'] },
      { args: ['null', 'resethand'] },
      { args: ['data', 'longjmp'] },
      { args: ['unmapped', 'nested'] },
      { args: ['null', 'blocked'] },
      { args: ['data', 'ignored'] },
    ],
    ['O2'],
  ),
];
