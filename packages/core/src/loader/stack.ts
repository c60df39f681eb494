import type { PagedMemory } from '../memory/paged-memory.js';
import { PROT_READ, PROT_WRITE } from '../memory/types.js';

/** Auxiliary vector keys (include/uapi/linux/auxvec.h). */
export const AT = {
  NULL: 0,
  PHDR: 3,
  PHENT: 4,
  PHNUM: 5,
  PAGESZ: 6,
  BASE: 7,
  FLAGS: 8,
  ENTRY: 9,
  UID: 11,
  EUID: 12,
  GID: 13,
  EGID: 14,
  PLATFORM: 15,
  HWCAP: 16,
  CLKTCK: 17,
  SECURE: 23,
  RANDOM: 25,
  HWCAP2: 26,
  EXECFN: 31,
} as const;

/** Top of the initial stack and its size (the default 8 MiB RLIMIT_STACK). */
export const STACK_TOP = 0xfffe0000;
export const STACK_SIZE = 8 * 1024 * 1024;

export interface StackSpec {
  readonly argv: readonly string[];
  readonly env: readonly string[];
  /** AT_EXECFN: the path the program was executed by. */
  readonly execfn: string;
  readonly platform: string;
  readonly random: Uint8Array;
  /** Numeric auxv entries in the order the kernel emits them; string/pointer ones are added here. */
  readonly auxv: ReadonlyArray<readonly [number, bigint]>;
  readonly alignment: number;
}

export interface InitialStack {
  readonly sp: number;
  /** Addresses of the argv and envp arrays and of the auxv, for tests and debuggers. */
  readonly argvAddr: number;
  readonly envpAddr: number;
  readonly auxvAddr: number;
  /** Where the argv strings lie, then the environment strings (what /proc/PID/cmdline and environ read). */
  readonly argStart: number;
  readonly argEnd: number;
  readonly envEnd: number;
  /** The auxiliary vector as (key, value) pairs, AT_NULL last (/proc/PID/auxv). */
  readonly auxv: ReadonlyArray<readonly [number, bigint]>;
}

function cstring(s: string): Uint8Array {
  const b = Buffer.from(s, 'utf8');
  const out = new Uint8Array(b.length + 1);
  out.set(b);
  return out;
}

/**
 * Maps the stack and lays out what the kernel's exec puts on it (fs/exec.c, create_elf_tables):
 * from the top, an 8-byte zero word, AT_EXECFN, the envp strings and argv strings; below them,
 * 16-byte aligned, the platform string and the 16 AT_RANDOM bytes; then the auxv, envp and
 * argv pointer arrays and argc, with sp (pointing at argc) aligned to `alignment`.
 */
export function buildInitialStack(memory: PagedMemory, spec: StackSpec): InitialStack {
  memory.map(STACK_TOP - STACK_SIZE, STACK_SIZE, PROT_READ | PROT_WRITE, true);
  let p = STACK_TOP - 8;
  const put = (bytes: Uint8Array): number => {
    p -= bytes.length;
    memory.poke(p, bytes);
    return p;
  };
  const execfn = put(cstring(spec.execfn));
  const envStrings: number[] = [];
  const argStrings: number[] = [];
  // The kernel copies envp then argv strings downwards, so argv strings end up lowest.
  for (let i = spec.env.length - 1; i >= 0; i--) envStrings[i] = put(cstring(spec.env[i]));
  for (let i = spec.argv.length - 1; i >= 0; i--) argStrings[i] = put(cstring(spec.argv[i]));
  p = Math.floor(p / 16) * 16;
  const platform = put(cstring(spec.platform));
  p = Math.floor(p / 16) * 16;
  const random = put(spec.random.subarray(0, 16));

  const auxv: [number, bigint][] = [];
  for (const [key, value] of spec.auxv) {
    auxv.push([key, value]);
    if (key === AT.SECURE) auxv.push([AT.RANDOM, BigInt(random)]);
  }
  if (!auxv.some(([k]) => k === AT.RANDOM)) auxv.push([AT.RANDOM, BigInt(random)]);
  auxv.push([AT.EXECFN, BigInt(execfn)]);
  auxv.push([AT.PLATFORM, BigInt(platform)]);
  auxv.push([AT.NULL, 0n]);

  const words = 1 + spec.argv.length + 1 + spec.env.length + 1 + auxv.length * 2;
  const sp = Math.floor((p - words * 8) / spec.alignment) * spec.alignment;
  const table = new BigUint64Array(words);
  let i = 0;
  table[i++] = BigInt(spec.argv.length);
  const argvAddr = sp + i * 8;
  for (const a of argStrings) table[i++] = BigInt(a);
  table[i++] = 0n;
  const envpAddr = sp + i * 8;
  for (const e of envStrings) table[i++] = BigInt(e);
  table[i++] = 0n;
  const auxvAddr = sp + i * 8;
  for (const [k, v] of auxv) {
    table[i++] = BigInt(k);
    table[i++] = v;
  }
  memory.poke(sp, new Uint8Array(table.buffer));
  const argEnd = envStrings[0] ?? execfn;
  return {
    sp,
    argvAddr,
    envpAddr,
    auxvAddr,
    argStart: argStrings[0] ?? argEnd,
    argEnd,
    envEnd: execfn,
    auxv,
  };
}
