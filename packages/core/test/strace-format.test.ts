import { describe, expect, it } from 'vitest';
import type { Architecture } from '../src/arch.js';
import { PagedMemory, PROT_READ, PROT_WRITE } from '../src/index.js';
import type { SYS } from '../src/linux/numbers.js';
import { GENERIC_OPEN_FLAGS } from '../src/linux/open-flags.js';
import { PROT_FLAGS } from '../src/linux/strace/flag-names.js';
import { errorResult, flagSet, sigset } from '../src/linux/strace/format.js';
import { quote } from '../src/linux/strace/quote.js';
import { cloneFlags, futexOp } from '../src/linux/strace/special-kinds.js';
import { TracedCall } from '../src/linux/strace/trace-call.js';

const BASE = 0x10000;
const UNMAPPED = 0x900000n;
const ARM64_OPEN_FLAGS = { directory: 0o40000, nofollow: 0o100000, direct: 0o200000, largefile: 0o400000 };
const arm64 = { syscalls: { openFlags: ARM64_OPEN_FLAGS, sigactionSize: 32 } } as unknown as Architecture;
const generic = { syscalls: {} } as unknown as Architecture;

function memoryWith(bytes: Record<number, string | Uint8Array>): PagedMemory {
  const m = new PagedMemory();
  m.map(BASE, 0x4000, PROT_READ | PROT_WRITE, true);
  for (const [at, data] of Object.entries(bytes))
    m.writeBytes(BASE + Number(at), typeof data === 'string' ? Buffer.from(`${data}\0`) : data);
  return m;
}

/** The trace line of `name` with `args` (addresses are offsets from BASE unless bigint). */
function line(
  m: PagedMemory,
  name: keyof typeof SYS,
  args: bigint[],
  result: bigint | null,
  arch = arm64,
): string {
  return new TracedCall(m, arch, name, args, 6).line(result);
}

const at = (offset: number): bigint => BigInt(BASE + offset);

describe('strace-style quoting', () => {
  it('escapes as strace: C escapes, octal (three digits before a digit), printable as is', () => {
    expect(quote(Buffer.from('a"b\\c\n\t\r\v\f'))).toBe('"a\\"b\\\\c\\n\\t\\r\\v\\f"');
    expect(quote(Uint8Array.of(0x7f, 0x45, 0, 0x31, 0xff, 2))).toBe('"\\177E\\0001\\377\\2"');
    expect(quote(Buffer.from('abc'), true)).toBe('"abc"...');
  });
});

describe('argument kinds', () => {
  const m = memoryWith({ 0: '/etc/hostname', 256: 'hello\n', 512: 'x'.repeat(40) });

  it('paths, AT_FDCWD and open flags (with the mode only when O_CREAT asks for one)', () => {
    expect(line(m, 'openat', [-100n, at(0), 0o2000000n, 0n], 3n)).toBe(
      'openat(AT_FDCWD, "/etc/hostname", O_RDONLY|O_CLOEXEC) = 3',
    );
    expect(line(m, 'openat', [5n, at(0), 0o1101n, 0o644n], 4n)).toBe(
      'openat(5, "/etc/hostname", O_WRONLY|O_CREAT|O_TRUNC, 0644) = 4',
    );
  });

  it('names the open flags an architecture numbers its own way by that numbering', () => {
    expect(line(m, 'openat', [-100n, at(0), 0o40000n], 3n)).toContain('O_RDONLY|O_DIRECTORY)');
    expect(line(m, 'openat', [-100n, at(0), BigInt(GENERIC_OPEN_FLAGS.directory)], 3n, generic)).toContain(
      'O_RDONLY|O_DIRECTORY)',
    );
    expect(line(m, 'openat', [-100n, at(0), 0o40000n], 3n, generic)).toContain('O_RDONLY|O_DIRECT)');
    // In strace's order, whatever the values: what `ls` opens a directory with.
    expect(line(m, 'openat', [-100n, at(0), 0o2204000n], 3n, generic)).toContain(
      'O_RDONLY|O_NONBLOCK|O_CLOEXEC|O_DIRECTORY)',
    );
  });

  it('input buffers are shown as passed, output buffers as many bytes as the call returned, at most 32', () => {
    expect(line(m, 'write', [1n, at(0x100), 6n], 6n)).toBe('write(1, "hello\\n", 6) = 6');
    expect(line(m, 'read', [3n, at(0x100), 4096n], 3n)).toBe('read(3, "hel", 4096) = 3');
    expect(line(m, 'write', [1n, at(0x200), 40n], 40n)).toBe(`write(1, "${'x'.repeat(32)}"..., 40) = 40`);
  });

  it('readv and writev show their vectors (readv only the bytes it read)', () => {
    const vec = new DataView(new ArrayBuffer(32));
    vec.setBigUint64(0, at(0x100), true);
    vec.setBigUint64(8, 3n, true);
    vec.setBigUint64(16, at(0x103), true);
    vec.setBigUint64(24, 10n, true);
    const v = memoryWith({ 256: 'hello\n', 1792: new Uint8Array(vec.buffer) });
    expect(line(v, 'writev', [1n, at(0x700), 2n], 13n)).toBe(
      'writev(1, [{iov_base="hel", iov_len=3}, {iov_base="lo\\n\\0\\0\\0\\0\\0\\0\\0", iov_len=10}], 2) = 13',
    );
    expect(line(v, 'readv', [3n, at(0x700), 2n], 5n)).toBe(
      'readv(3, [{iov_base="hel", iov_len=3}, {iov_base="lo", iov_len=10}], 2) = 5',
    );
  });

  it('struct stat abbreviated as strace does, and timespecs', () => {
    const st = new DataView(new ArrayBuffer(128));
    st.setUint32(16, 0o100644, true);
    st.setBigInt64(48, 6n, true);
    const dev = new DataView(new ArrayBuffer(128));
    dev.setUint32(16, 0o020666, true);
    dev.setBigUint64(32, 0x103n, true);
    const ts = new DataView(new ArrayBuffer(16));
    ts.setBigInt64(0, 5n, true);
    ts.setBigInt64(8, 250n, true);
    const s = memoryWith({
      2048: new Uint8Array(st.buffer),
      2304: new Uint8Array(dev.buffer),
      2560: new Uint8Array(ts.buffer),
    });
    expect(line(s, 'fstat', [3n, at(0x800)], 0n)).toBe(
      'fstat(3, {st_mode=S_IFREG|0644, st_size=6, ...}) = 0',
    );
    expect(line(s, 'newfstatat', [-100n, at(0), at(0x900), 0n], 0n)).toBe(
      'newfstatat(AT_FDCWD, "", {st_mode=S_IFCHR|0666, st_rdev=makedev(0x1, 0x3), ...}, 0) = 0',
    );
    expect(line(s, 'fstat', [3n, at(0x800)], -9n)).toBe(
      `fstat(3, 0x${(BASE + 0x800).toString(16)}) = -1 EBADF (Bad file descriptor)`,
    );
    expect(line(s, 'clock_gettime', [0n, at(0xa00)], 0n)).toBe(
      'clock_gettime(CLOCK_REALTIME, {tv_sec=5, tv_nsec=250}) = 0',
    );
    expect(line(s, 'nanosleep', [at(0xa00), 0n], 0n)).toBe('nanosleep({tv_sec=5, tv_nsec=250}, NULL) = 0');
  });

  it('socket addresses: AF_UNIX paths (and abstract names), AF_INET and AF_INET6', () => {
    const unix = Buffer.concat([Uint8Array.of(1, 0), Buffer.from('/var/run/nscd/socket\0')]);
    const abstract = Buffer.concat([Uint8Array.of(1, 0, 0), Buffer.from('x11')]);
    const inet = Uint8Array.of(2, 0, 0, 80, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0);
    const inet6 = new Uint8Array(28);
    inet6.set([10, 0, 0x1f, 0x90], 0);
    inet6[23] = 1;
    const a = memoryWith({ 2816: unix, 3072: abstract, 3328: inet, 3584: inet6 });
    expect(line(a, 'connect', [3n, at(0xb00), 110n], -2n)).toBe(
      'connect(3, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, 110) = -1 ENOENT (No such file or directory)',
    );
    expect(line(a, 'connect', [3n, at(0xc00), 6n], 0n)).toBe(
      'connect(3, {sa_family=AF_UNIX, sun_path=@"x11"}, 6) = 0',
    );
    expect(line(a, 'bind', [3n, at(0xd00), 16n], 0n)).toBe(
      'bind(3, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("127.0.0.1")}, 16) = 0',
    );
    expect(line(a, 'connect', [3n, at(0xe00), 28n], 0n)).toBe(
      'connect(3, {sa_family=AF_INET6, sin6_port=htons(8080), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, 28) = 0',
    );
  });

  it('a failed call shows its output buffer as an address, and the errno by name and message', () => {
    expect(line(m, 'read', [3n, at(0x100), 10n], -9n)).toBe(
      `read(3, 0x${(BASE + 0x100).toString(16)}, 10) = -1 EBADF (Bad file descriptor)`,
    );
    expect(errorResult(2)).toBe('-1 ENOENT (No such file or directory)');
    expect(errorResult(512)).toBe('? ERESTARTSYS (To be restarted if SA_RESTART is set)');
    expect(errorResult(4000)).toBe('-1 errno 4000');
  });

  it('never faults on an unreadable pointer: it is shown as an address', () => {
    expect(line(m, 'openat', [-100n, UNMAPPED, 0n], -14n)).toBe(
      'openat(AT_FDCWD, 0x900000, O_RDONLY) = -1 EFAULT (Bad address)',
    );
    expect(line(m, 'write', [1n, UNMAPPED, 5n], -14n)).toBe(
      'write(1, 0x900000, 5) = -1 EFAULT (Bad address)',
    );
    // Reading a page the guest never touched gives it no host page (it reads as zeros): pages
    // above 4 GiB are backed on first touch.
    const fresh = new PagedMemory();
    const high = 0x2_0000_0000;
    fresh.map(high, 0x1000, PROT_READ | PROT_WRITE, true);
    expect(line(fresh, 'write', [1n, BigInt(high), 2n], 2n)).toBe('write(1, "\\0\\0", 2) = 2');
    expect(fresh.isBacked(high)).toBe(false);
    // A string that runs off the end of the mapping has no NUL to end it.
    const edge = memoryWith({});
    edge.writeBytes(BASE + 0x4000 - 3, Buffer.from('abc'));
    expect(line(edge, 'chdir', [at(0x4000 - 3)], -14n)).toBe(
      `chdir(0x${(BASE + 0x3ffd).toString(16)}) = -1 EFAULT (Bad address)`,
    );
  });

  it('memory flags and addresses: PROT_*, MAP_*, NULL, hex results', () => {
    expect(line(m, 'mmap', [0n, 8192n, 3n, 0x22n, BigInt.asUintN(64, -1n), 0n], 0xf6ff7000n)).toBe(
      'mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0xf6ff7000',
    );
    expect(line(m, 'mmap', [0xf6f70000n, 4096n, 5n, 0x812n, 3n, 0x2c000n], 0xf6f70000n)).toBe(
      'mmap(0xf6f70000, 4096, PROT_READ|PROT_EXEC, MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE, 3, 0x2c000) = 0xf6f70000',
    );
    expect(line(m, 'mprotect', [0x1000n, 4096n, 0n], 0n)).toBe('mprotect(0x1000, 4096, PROT_NONE) = 0');
    expect(line(m, 'madvise', [0x1000n, 4096n, 4n], 0n)).toBe('madvise(0x1000, 4096, MADV_DONTNEED) = 0');
    expect(flagSet(PROT_FLAGS, 0x41, 'PROT_NONE')).toBe('PROT_READ|0x40');
  });

  it('signals, signal sets, sigprocmask how', () => {
    const sets = memoryWith({
      768: Uint8Array.of(2, 0, 1, 0, 0, 0, 0, 0),
      784: Uint8Array.of(0xff, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff),
    });
    expect(line(sets, 'rt_sigprocmask', [0n, at(0x300), at(0x310), 8n], 0n)).toBe(
      'rt_sigprocmask(SIG_BLOCK, [INT CHLD], ~[KILL], 8) = 0',
    );
    expect(sigset(sets, 0n)).toBe('NULL');
    // aarch64's struct sigaction: handler, flags, restorer, mask; riscv64's has no restorer.
    const act = new Uint8Array(32);
    const view = new DataView(act.buffer);
    view.setBigUint64(0, 0x400123n, true);
    view.setBigUint64(8, 0x14000000n, true); // SA_RESTART|SA_RESTORER
    view.setBigUint64(16, 0x400999n, true);
    view.setBigUint64(24, 1n << 14n, true); // TERM
    const actions = memoryWith({
      1280: act,
      1536: Uint8Array.of(1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2),
    });
    expect(line(actions, 'rt_sigaction', [2n, at(0x500), at(0x600), 8n], 0n)).toBe(
      'rt_sigaction(SIGINT, {sa_handler=0x400123, sa_mask=[TERM], sa_flags=SA_RESTORER|SA_RESTART, sa_restorer=0x400999}, {sa_handler=SIG_IGN, sa_mask=[], sa_flags=0}, 8) = 0',
    );
    const riscv = { syscalls: { sigactionSize: 24 } } as unknown as Architecture;
    expect(line(actions, 'rt_sigaction', [2n, at(0x600), 0n, 8n], -22n, riscv)).toBe(
      'rt_sigaction(SIGINT, {sa_handler=SIG_IGN, sa_mask=[INT], sa_flags=0}, NULL, 8) = -1 EINVAL (Invalid argument)',
    );
    expect(line(m, 'kill', [42n, 15n], 0n)).toBe('kill(42, SIGTERM) = 0');
    expect(line(m, 'tgkill', [1n, 2n, 34n], 0n)).toBe('tgkill(1, 2, SIGRT_2) = 0');
  });

  it('clone flags with the exit signal, futex operations, fcntl commands, ioctl requests', () => {
    expect(cloneFlags(0x1200011n)).toBe('CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD');
    expect(line(m, 'clone', [0x1200011n, 0n, 0n, 0n, 0xf6ff50f0n], 77n)).toBe(
      'clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0xf6ff50f0) = 77',
    );
    expect(futexOp(129n)).toBe('FUTEX_WAKE_PRIVATE');
    expect(futexOp(393n)).toBe('FUTEX_CLOCK_REALTIME|FUTEX_WAIT_BITSET_PRIVATE');
    expect(line(m, 'futex', [0x1000n, 129n, 1n, 0n, 0n, 0n], 0n)).toBe(
      'futex(0x1000, FUTEX_WAKE_PRIVATE, 1) = 0',
    );
    expect(line(m, 'fcntl', [3n, 2n, 1n], 0n)).toBe('fcntl(3, F_SETFD, FD_CLOEXEC) = 0');
    expect(line(m, 'fcntl', [3n, 3n, 0n], 0o2002n)).toBe('fcntl(3, F_GETFL) = 0x402 (flags O_RDWR|O_APPEND)');
    expect(line(m, 'ioctl', [1n, 0x5413n, 0x1000n], 0n)).toBe('ioctl(1, TIOCGWINSZ, 0x1000) = 0');
  });

  it('sockets, whence, clocks, wait status and options, access modes', () => {
    expect(line(m, 'socket', [1n, 0o2004001n, 0n], 3n)).toBe(
      'socket(AF_UNIX, SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC, 0) = 3',
    );
    expect(line(m, 'lseek', [3n, 0n, 2n], 100n)).toBe('lseek(3, 0, SEEK_END) = 100');
    expect(line(m, 'clock_gettime', [1n, 0x1000n], -14n)).toBe(
      'clock_gettime(CLOCK_MONOTONIC, 0x1000) = -1 EFAULT (Bad address)',
    );
    const status = memoryWith({ 1024: Uint8Array.of(0, 3, 0, 0), 1040: Uint8Array.of(0x89, 0, 0, 0) });
    expect(line(status, 'wait4', [BigInt.asUintN(64, -1n), at(0x400), 1n, 0n], 99n)).toBe(
      'wait4(-1, [{WIFEXITED(s) && WEXITSTATUS(s) == 3}], WNOHANG, NULL) = 99',
    );
    expect(line(status, 'wait4', [99n, at(0x410), 0n, 0n], 99n)).toBe(
      'wait4(99, [{WIFSIGNALED(s) && WTERMSIG(s) == SIGKILL && WCOREDUMP(s)}], 0, NULL) = 99',
    );
    expect(line(m, 'faccessat', [-100n, at(0), 6n], 0n)).toBe(
      'faccessat(AT_FDCWD, "/etc/hostname", R_OK|W_OK) = 0',
    );
    expect(line(m, 'faccessat', [-100n, at(0), 0n], 0n)).toBe(
      'faccessat(AT_FDCWD, "/etc/hostname", F_OK) = 0',
    );
    expect(line(m, 'newfstatat', [3n, at(0x3000), 0x1000n, 0x1000n], 0n)).toBe(
      `newfstatat(3, "", 0x1000, AT_EMPTY_PATH) = 0`,
    );
  });

  it('inotify and POSIX timer calls with their flag and clock names', () => {
    expect(line(m, 'inotify_init1', [0o2004000n], 3n)).toBe('inotify_init1(IN_NONBLOCK|IN_CLOEXEC) = 3');
    expect(line(m, 'inotify_add_watch', [3n, at(0), 0x80000102n], 1n)).toBe(
      'inotify_add_watch(3, "/etc/hostname", IN_MODIFY|IN_CREATE|IN_ONESHOT) = 1',
    );
    expect(line(m, 'inotify_rm_watch', [3n, 1n], 0n)).toBe('inotify_rm_watch(3, 1) = 0');
    expect(line(m, 'timer_create', [1n, 0n, 0x2000n], 0n)).toBe(
      'timer_create(CLOCK_MONOTONIC, NULL, 0x2000) = 0',
    );
    expect(line(m, 'timer_settime', [0n, 1n, 0x2000n, 0n], 0n)).toBe(
      'timer_settime(0, TIMER_ABSTIME, 0x2000, NULL) = 0',
    );
    expect(line(m, 'timer_delete', [7n], -22n)).toBe('timer_delete(7) = -1 EINVAL (Invalid argument)');
  });

  it('System V IPC keys, get flags with their mode, attach flags, message flags and ctl commands', () => {
    expect(line(m, 'shmget', [0n, 10000n, 0o1600n], 0n)).toBe(
      'shmget(IPC_PRIVATE, 10000, IPC_CREAT|0600) = 0',
    );
    expect(line(m, 'shmat', [0n, 0n, 0o10000n], 0xfffff000n)).toBe('shmat(0, NULL, SHM_RDONLY) = 0xfffff000');
    expect(line(m, 'shmctl', [32768n, 0x102n, 0x2000n], 0n)).toBe(
      'shmctl(32768, IPC_64|IPC_STAT, 0x2000) = 0',
    );
    expect(line(m, 'semget', [0x5b001234n, 2n, 0o3600n], 1n)).toBe(
      'semget(0x5b001234, 2, IPC_CREAT|IPC_EXCL|0600) = 1',
    );
    expect(line(m, 'semctl', [1n, 0n, 16n, 5n], 0n)).toBe('semctl(1, 0, SETVAL, 0x5) = 0');
    expect(line(m, 'msgget', [0n, 0o600n], 2n)).toBe('msgget(IPC_PRIVATE, 0600) = 2');
    expect(line(m, 'msgrcv', [2n, 0x2000n, 64n, 0n, 0o14000n], -42n)).toBe(
      'msgrcv(2, 0x2000, 64, 0, IPC_NOWAIT|MSG_NOERROR) = -1 ENOMSG (No message of desired type)',
    );
  });

  it('a call that does not return shows = ?, and one without a signature its raw arguments', () => {
    expect(line(m, 'exit_group', [0n], null)).toBe('exit_group(0) = ?');
    expect(new TracedCall(m, arm64, 'mincore', [0x1000n, 4096n, 0x2000n], 3).line(0n)).toBe(
      'mincore(0x1000, 0x1000, 0x2000) = 0x0',
    );
    expect(new TracedCall(m, arm64, 'mincore', [0x1000n, 4096n, 0x2000n], 3).line(-12n)).toBe(
      'mincore(0x1000, 0x1000, 0x2000) = -1 ENOMEM (Cannot allocate memory)',
    );
  });
});
