import type { Optimization } from './build.js';
import type { RunCase } from './harness.js';

/** A program and the runs the differential test compares against qemu-aarch64-static. */
export interface DifferentialProgram {
  readonly name: string;
  readonly opts: readonly Optimization[];
  readonly cases: readonly RunCase[];
}

function program(
  name: string,
  cases: readonly RunCase[] = [{}],
  opts: readonly Optimization[] = ['O2', 'O0'],
): DifferentialProgram {
  return { name, opts, cases };
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
  program('files', [
    { stdin: 'first line\nsecond line\n' },
    { stdin: '', args: ['7'], env: { PATH: '/bin', FILES_GREETING: 'hello', EMPTY: '' } },
  ]),
  program('time', [{}, { args: ['12345'] }]),
  program('pipes', [{}, { args: ['sigpipe'] }]),
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
  program('events'), // epoll, eventfd, timerfd, signalfd
  program('threads', [{}, { args: ['1000000'] }], ['O2']), // pthreads, futexes, atomics across threads
  program('atomics-stress', [{}, { args: ['100000'] }, { args: ['exit'] }], ['O2']), // exclusives, LSE, CAS, mutexes, barrier storms, exit_group while spinning
  program('fsops'), // statx, statfs, fsync, umask, fchdir, rmdir, renameat2, faccessat2
  program('mmap-churn', [{}], ['O2']), // 1,000,000 mmap/munmap rounds: unmapped ranges are reused
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
];
