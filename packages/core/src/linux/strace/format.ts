import type { PagedMemory } from '../../memory/paged-memory.js';
import { ERRNO_NAMES } from './errno-names.js';
import { type Names, signalName } from './flag-names.js';
import { peekBytes, peekCString } from './guest-peek.js';
import { quote, STRING_LIMIT } from './quote.js';

/** What an argument's formatter may look at: guest memory, all arguments, and the result. */
export interface CallView {
  readonly memory: PagedMemory;
  readonly args: readonly bigint[];
  /** The call's result; null on entry (and for a call that does not return). */
  readonly result: bigint | null;
}

/** How one argument is shown; `exit` ones show what the call wrote, so only once it returned. */
export interface ArgKind {
  readonly exit?: boolean;
  show(value: bigint, call: CallView): string;
}

const AT_FDCWD = -100;
const PATH_MAX = 4096;

export const asInt = (v: bigint): number => Number(BigInt.asIntN(32, v));
export const asLong = (v: bigint): bigint => BigInt.asIntN(64, v);

/** 0x-prefixed hex of the unsigned 64-bit value. */
export function hex(v: bigint): string {
  return `0x${BigInt.asUintN(64, v).toString(16)}`;
}

/** A pointer: NULL or hex. */
export function pointer(v: bigint): string {
  return v === 0n ? 'NULL' : hex(v);
}

/** The name `v` has in `names`, else `fallback` (hex unless given). */
export function nameOf(names: Names, v: number, fallback?: string): string {
  for (const [value, name] of names) if (value === v) return name;
  return fallback ?? `0x${(v >>> 0).toString(16)}`;
}

/**
 * A flag set as `A|B|0x40`: each entry whose bits are all set is named and its bits taken out;
 * what no name covers is shown in hex; `zero` is what an empty set shows.
 */
export function flagSet(names: Names, v: number | bigint, zero = '0', prefix: string[] = []): string {
  let rest = BigInt.asUintN(64, BigInt(v));
  const parts = [...prefix];
  for (const [value, name] of names) {
    const bits = BigInt(value >>> 0);
    if (bits !== 0n && (rest & bits) === bits) {
      parts.push(name);
      rest &= ~bits;
    }
  }
  if (rest !== 0n) parts.push(`0x${rest.toString(16)}`);
  return parts.length === 0 ? zero : parts.join('|');
}

/** An errno result as strace shows it: `-1 ENOENT (No such file or directory)`. */
export function errorResult(errno: number): string {
  const known = ERRNO_NAMES.get(errno);
  if (!known) return `-1 errno ${errno}`;
  const [name, message] = known;
  // A call that will be restarted has not returned to the program yet.
  return errno >= 512 ? `? ${name} (${message})` : `-1 ${name} (${message})`;
}

/** The negative errno a raw result stands for, or null when it is a value. */
export function errnoIn(result: bigint): number | null {
  const s = BigInt.asIntN(64, result);
  return s < 0n && s > -4096n ? Number(-s) : null;
}

/** A guest C string, or its address when it cannot be read. */
export function cString(memory: PagedMemory, addr: bigint, limit: number): string {
  if (addr === 0n) return 'NULL';
  const s = peekCString(memory, Number(BigInt.asUintN(64, addr)), limit);
  return s === null ? hex(addr) : quote(s.bytes, !s.complete);
}

/** `length` bytes at `addr` (strace shows at most 32), or the address when unreadable. */
export function buffer(memory: PagedMemory, addr: bigint, length: number): string {
  if (length <= 0) return addr === 0n ? 'NULL' : quote(new Uint8Array(0));
  const shown = Math.min(length, STRING_LIMIT);
  const bytes = peekBytes(memory, Number(BigInt.asUintN(64, addr)), shown);
  if (bytes === null || bytes.length < shown) return hex(addr);
  return quote(bytes, length > STRING_LIMIT);
}

/** Signal number: SIGINT, else decimal. */
export function signal(v: bigint): string {
  const n = asInt(v);
  return signalName(n) ?? String(n);
}

/** A sigset_t (64 bits) at `addr` as `[INT CHLD]` (see `sigsetText`), or its address when unreadable. */
export function sigset(memory: PagedMemory, addr: bigint): string {
  if (addr === 0n) return 'NULL';
  const set = peekU64(memory, addr);
  return set === null ? hex(addr) : sigsetText(set);
}

/** A signal set as `[INT CHLD]`, or `~[...]` listing the missing ones when most are set. */
export function sigsetText(set: bigint): string {
  const count = set.toString(2).replaceAll('0', '').length;
  const inverted = count > 32;
  const shown = inverted ? ~set & ((1n << 64n) - 1n) : set;
  const names: string[] = [];
  for (let signo = 1; signo <= 64; signo++)
    if (shown & (1n << BigInt(signo - 1))) names.push((signalName(signo) as string).slice(3));
  return `${inverted ? '~' : ''}[${names.join(' ')}]`;
}

/** The little-endian 64-bit value at `addr`, or null when unreadable. */
export function peekU64(memory: PagedMemory, addr: bigint): bigint | null {
  const b = peekBytes(memory, Number(BigInt.asUintN(64, addr)), 8);
  if (b === null || b.length < 8) return null;
  return new DataView(b.buffer, b.byteOffset).getBigUint64(0, true);
}

// The argument kinds the signature table is made of.

export const INT: ArgKind = { show: (v) => String(asInt(v)) };
export const LONG: ArgKind = { show: (v) => String(asLong(v)) };
export const UNSIGNED: ArgKind = { show: (v) => String(BigInt.asUintN(32, v)) };
export const SIZE: ArgKind = { show: (v) => String(BigInt.asUintN(64, v)) };
export const FD: ArgKind = INT;
export const HEX: ArgKind = { show: hex };
export const PTR: ArgKind = { show: pointer };
/** A file offset in hex (mmap's), 0 as 0. */
export const OFFSET: ArgKind = { show: (v) => (v === 0n ? '0' : hex(v)) };
export const OCTAL: ArgKind = { show: (v) => `0${(asInt(v) >>> 0).toString(8)}` };
export const DIRFD: ArgKind = { show: (v) => (asInt(v) === AT_FDCWD ? 'AT_FDCWD' : String(asInt(v))) };
export const PATH: ArgKind = { show: (v, c) => cString(c.memory, v, PATH_MAX) };
export const STRING: ArgKind = { show: (v, c) => cString(c.memory, v, STRING_LIMIT) };
export const SIGNAL: ArgKind = { show: signal };
export const SIGSET: ArgKind = { show: (v, c) => sigset(c.memory, v) };
export const OUT_SIGSET: ArgKind = { exit: true, show: (v, c) => sigset(c.memory, v) };

/** A value named from `names` (decimal when unnamed). */
export const oneOf = (names: Names): ArgKind => ({ show: (v) => nameOf(names, asInt(v), String(asInt(v))) });

/** A flag set named from `names`. */
export const flags = (names: Names, zero = '0'): ArgKind => ({ show: (v) => flagSet(names, v, zero) });

/** Bytes the program passes in: their count is argument `lengthArg`. */
export const inBuffer = (lengthArg: number): ArgKind => ({
  show: (v, c) => buffer(c.memory, v, Number(c.args[lengthArg] ?? 0n)),
});

/** Bytes the call wrote: as many as it returned (the address when it failed). */
export const OUT_BUFFER: ArgKind = {
  exit: true,
  show: (v, c) =>
    c.result === null || errnoIn(c.result) !== null ? hex(v) : buffer(c.memory, v, Number(asLong(c.result))),
};

/** A NUL-terminated string the call wrote (getcwd, readlink's bytes are counted: OUT_BUFFER). */
export const OUT_STRING: ArgKind = {
  exit: true,
  show: (v, c) => (c.result === null || errnoIn(c.result) !== null ? hex(v) : cString(c.memory, v, PATH_MAX)),
};

/** An int the call stored at the address (`[3]`). */
export const OUT_INT: ArgKind = {
  exit: true,
  show: (v, c) => {
    if (v === 0n) return 'NULL';
    if (c.result === null || errnoIn(c.result) !== null) return hex(v);
    const b = peekBytes(c.memory, Number(v), 4);
    return b && b.length === 4 ? `[${new DataView(b.buffer, b.byteOffset).getInt32(0, true)}]` : hex(v);
  },
};

/** Two ints the call stored (pipe2, socketpair: `[3, 4]`). */
export const OUT_INT_PAIR: ArgKind = {
  exit: true,
  show: (v, c) => {
    if (c.result === null || errnoIn(c.result) !== null) return hex(v);
    const b = peekBytes(c.memory, Number(v), 8);
    if (!b || b.length < 8) return hex(v);
    const d = new DataView(b.buffer, b.byteOffset);
    return `[${d.getInt32(0, true)}, ${d.getInt32(4, true)}]`;
  },
};
