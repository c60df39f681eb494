import type { PagedMemory } from '../../memory/paged-memory.js';
import {
  CLONE_FLAGS,
  FCNTL_COMMANDS,
  FD_FLAGS,
  FUTEX_CLOCK_REALTIME,
  FUTEX_OPS,
  FUTEX_PRIVATE_FLAG,
  MAP_FLAGS,
  MAP_TYPES,
  type Names,
  SOCKET_FLAGS,
  SOCKET_TYPES,
  signalName,
} from './flag-names.js';
import { type ArgKind, asInt, cString, errnoIn, flagSet, hex, nameOf, pointer, signal } from './format.js';
import { peekBytes } from './guest-peek.js';
import { STRING_LIMIT } from './quote.js';

/** open flags: the access mode first (O_RDONLY is 0), then the other bits. */
export function openFlags(names: Names, v: bigint): string {
  const n = asInt(v) >>> 0;
  const mode = ['O_RDONLY', 'O_WRONLY', 'O_RDWR', 'O_ACCMODE'][n & 3] as string;
  return flagSet(names, n & ~3, mode, [mode]);
}

/** mmap flags: the sharing type, then the other bits. */
export const MMAP_FLAGS: ArgKind = {
  show: (v) => {
    const n = asInt(v) >>> 0;
    const type = n & 0xf;
    const prefix = type === 0 ? [] : [nameOf(MAP_TYPES, type)];
    return flagSet(MAP_FLAGS, n & ~0xf, '0', prefix);
  },
};

/** clone's flags: the named bits, then the exit signal in the low byte. */
export function cloneFlags(v: bigint): string {
  const n = Number(BigInt.asUintN(64, v) & 0xffffffffn);
  const exit = n & 0xff;
  const named = flagSet(CLONE_FLAGS, n & ~0xff, '');
  const sig = exit === 0 ? '' : (signalName(exit) ?? String(exit));
  return [named, sig].filter((s) => s !== '').join('|') || '0';
}

/** futex's operation: FUTEX_WAIT_PRIVATE, FUTEX_CLOCK_REALTIME|FUTEX_WAIT_BITSET_PRIVATE. */
export function futexOp(v: bigint): string {
  const n = asInt(v);
  const base = n & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
  const name = nameOf(FUTEX_OPS, base, String(base));
  return `${n & FUTEX_CLOCK_REALTIME ? 'FUTEX_CLOCK_REALTIME|' : ''}${name}${n & FUTEX_PRIVATE_FLAG ? '_PRIVATE' : ''}`;
}

/** How many of futex's arguments its operation uses. */
export function futexArgs(args: readonly bigint[]): number {
  const op = asInt(args[1] ?? 0n) & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
  if (op === 1 || op === 2 || op === 7 || op === 8) return 3; // WAKE, FD, UNLOCK_PI, TRYLOCK_PI
  if (op === 0 || op === 6 || op === 13) return 4; // WAIT, LOCK_PI, LOCK_PI2
  return 6;
}

/** fcntl's third argument, as its command reads it. */
export function fcntlArg(open: (v: bigint) => string): ArgKind {
  return {
    show: (v, c) => {
      const cmd = asInt(c.args[1] ?? 0n);
      if (cmd === 2) return flagSet(FD_FLAGS, asInt(v), '0'); // F_SETFD
      if (cmd === 4) return open(v); // F_SETFL
      if (cmd === 10) return signal(v); // F_SETSIG
      if (cmd === 0 || cmd === 1030 || cmd === 8 || cmd === 1031) return String(asInt(v));
      return pointer(v);
    },
  };
}

export const FCNTL_COMMAND: ArgKind = { show: (v) => nameOf(FCNTL_COMMANDS, asInt(v), String(asInt(v))) };

/** fcntl's commands that take no third argument. */
export function fcntlArgs(args: readonly bigint[]): number {
  const cmd = asInt(args[1] ?? 0n);
  return cmd === 1 || cmd === 3 || cmd === 9 || cmd === 11 || cmd === 1025 || cmd === 1032 || cmd === 1034
    ? 2
    : 3;
}

/** What fcntl returns: F_GETFD and F_GETFL's flags after the number, as strace adds them. */
export function fcntlResult(open: (v: bigint) => string) {
  return (result: bigint, args: readonly bigint[]): string => {
    const cmd = asInt(args[1] ?? 0n);
    const r = Number(result);
    if (r === 0) return '0';
    if (cmd === 1) return `${hex(result)} (flags ${flagSet(FD_FLAGS, r, '0')})`;
    if (cmd === 3) return `${hex(result)} (flags ${open(result)})`;
    return String(r);
  };
}

/** wait4's status word: `[{WIFEXITED(s) && WEXITSTATUS(s) == 0}]`. */
export const WAIT_STATUS: ArgKind = {
  exit: true,
  show: (v, c) => {
    if (v === 0n) return 'NULL';
    if (c.result === null || errnoIn(c.result) !== null || c.result === 0n) return hex(v);
    const b = peekBytes(c.memory, Number(v), 4);
    if (!b || b.length < 4) return hex(v);
    const s = new DataView(b.buffer, b.byteOffset).getInt32(0, true);
    const sig = s & 0x7f;
    if (sig === 0) return `[{WIFEXITED(s) && WEXITSTATUS(s) == ${(s >> 8) & 0xff}}]`;
    if (s === 0xffff) return '[{WIFCONTINUED(s)}]';
    if (sig === 0x7f) return `[{WIFSTOPPED(s) && WSTOPSIG(s) == ${signal(BigInt((s >> 8) & 0xff))}}]`;
    return `[{WIFSIGNALED(s) && WTERMSIG(s) == ${signal(BigInt(sig))}${s & 0x80 ? ' && WCOREDUMP(s)' : ''}}]`;
  },
};

/** The pointers of a NULL-terminated array (argv), at most `max`; null when unreadable. */
function pointerArray(memory: PagedMemory, addr: bigint, max: number): bigint[] | null {
  const out: bigint[] = [];
  for (let i = 0; i <= max; i++) {
    const b = peekBytes(memory, Number(addr) + i * 8, 8);
    if (!b || b.length < 8) return null;
    const p = new DataView(b.buffer, b.byteOffset).getBigUint64(0, true);
    if (p === 0n) return out;
    out.push(p);
  }
  return out;
}

/** execve's argv: `["ls", "-l"]` (strace's first 32 strings, then `...`). */
export const ARGV: ArgKind = {
  show: (v, c) => {
    if (v === 0n) return 'NULL';
    const list = pointerArray(c.memory, v, STRING_LIMIT);
    if (list === null) return hex(v);
    const shown = list.slice(0, STRING_LIMIT).map((p) => cString(c.memory, p, STRING_LIMIT));
    return `[${shown.join(', ')}${list.length > STRING_LIMIT ? ', ...' : ''}]`;
  },
};

/** execve's environment: its address and how many variables (`0x... /* 20 vars *\/`). */
export const ENVP: ArgKind = {
  show: (v, c) => {
    if (v === 0n) return 'NULL';
    const list = pointerArray(c.memory, v, 4096);
    return list === null ? hex(v) : `${hex(v)} /* ${list.length} vars */`;
  },
};

/** A socket type and its flags: `SOCK_STREAM|SOCK_CLOEXEC`. */
export const SOCKET_TYPE: ArgKind = {
  show: (v) => {
    const n = Number(BigInt.asUintN(32, v));
    const type = n & 0xf;
    const name = SOCKET_TYPES.find(([value]) => value === type)?.[1] ?? String(type);
    return flagSet(SOCKET_FLAGS, n & ~0xf, name, [name]);
  },
};

/**
 * clone as strace shows it: `clone(child_stack=NULL, flags=...|SIGCHLD, child_tidptr=0x...)`,
 * naming the generic argument order (flags, stack, parent_tid, tls, child_tid) and showing the
 * pointers the flags make the kernel use.
 */
export function cloneKinds(args: readonly bigint[]): ArgKind[] {
  const flags = Number(BigInt.asUintN(32, args[0] ?? 0n));
  const named = (label: string, index: number, show: (v: bigint) => string): ArgKind => ({
    show: (_v, c) => `${label}=${show(c.args[index] ?? 0n)}`,
  });
  const kinds = [named('child_stack', 1, pointer), named('flags', 0, cloneFlags)];
  if (flags & 0x100000) kinds.push(named('parent_tid', 2, pointer));
  if (flags & 0x80000) kinds.push(named('tls', 3, pointer));
  if (flags & 0x1200000) kinds.push(named('child_tidptr', 4, pointer));
  return kinds;
}
