import { DIFFERENTIAL_PROGRAMS, type DifferentialProgram } from '@arm64kit/test-programs';

/**
 * The repo's differential programs that are not AArch64's own, with the reason each of the others
 * is left out. A new program joins riscv64's comparison unless it is listed here.
 */
export const AARCH64_ONLY: Readonly<Record<string, string>> = {
  integer: 'inline asm pins AArch64 instruction forms and NZCV',
  memory: 'inline asm pins AArch64 addressing modes',
  reserved: 'executes AArch64 reserved encodings with .inst',
  signals: 'inline asm faults at known AArch64 registers (x9/x10)',
  threads: 'inline asm uses LDAXR/STLXR and LSE atomics',
  encodings: 'writes AArch64 machine code at run time and runs it',
  'high-memory': 'writes AArch64 machine code above 4 GiB and runs it',
  alignment: 'inline asm makes misaligned AArch64 ordered, exclusive and atomic accesses',
  fp16: 'AArch64 half-precision arithmetic (__fp16 with +fp16) and its instructions',
  'fp-double': 'inline asm runs each AArch64 double-precision instruction under every FPCR mode',
  'fp-single': 'inline asm runs each AArch64 single-precision instruction under every FPCR mode',
};

/** Programs the riscv64 frontend cannot run yet, and what they are missing. */
export const NOT_YET: Readonly<Record<string, string>> = {};

export const RISCV64_PROGRAMS: readonly DifferentialProgram[] = DIFFERENTIAL_PROGRAMS.filter(
  (p) => !(p.name in AARCH64_ONLY) && !(p.name in NOT_YET),
);
