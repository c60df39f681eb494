/**
 * Scalar binary64 and binary32 floating point as IR operations. Values are bit patterns (i64), so every
 * backend keeps them in ordinary registers and temporaries; an operation also yields the status
 * flags it raised, which the frontend merges into its own status register.
 *
 * The frontend owns the semantics: each `FpFunction` carries its exact implementation, which the
 * JS backends call directly. The WebAssembly backend runs native f64 code only where IEEE 754
 * default arithmetic is known to give the same bits and flags (control word 0, finite operands,
 * normal or exactly zero results) and calls the exact implementation for everything else.
 */

/**
 * The operations. Operands in order: `add64 sub64 mul64 div64 cmp64` (a, b); `sqrt64`,
 * conversions (a); `fma64` (addend, x, y) = addend + x*y. `fromS64`/`fromU64` take an integer and
 * round it to the nearest double; `toS64 toS32 toU64 toU32` truncate toward zero and give the
 * integer zero-extended to 64 bits. `cmp64` gives `order` for less, equal or greater.
 *
 * The `32` kinds are the same operations on binary32: a single operand is the low 32 bits of its
 * i64 (the rest ignored) and a single result is zero-extended. `fromS64To32`/`fromU64To32` round an
 * integer to the nearest single, `toS64From32` and friends truncate a single, `cvt32To64` widens a
 * single to a double and `cvt64To32` rounds a double to a single.
 */
export type FpKind =
  | 'add64'
  | 'sub64'
  | 'mul64'
  | 'div64'
  | 'sqrt64'
  | 'fma64'
  | 'cmp64'
  | 'fromS64'
  | 'fromU64'
  | 'toS64'
  | 'toS32'
  | 'toU64'
  | 'toU32'
  | 'add32'
  | 'sub32'
  | 'mul32'
  | 'div32'
  | 'sqrt32'
  | 'fma32'
  | 'cmp32'
  | 'fromS64To32'
  | 'fromU64To32'
  | 'toS64From32'
  | 'toS32From32'
  | 'toU64From32'
  | 'toU32From32'
  | 'cvt32To64'
  | 'cvt64To32';

/** Number of operands each kind takes. */
export const FP_ARITY: Readonly<Record<FpKind, number>> = {
  add64: 2,
  sub64: 2,
  mul64: 2,
  div64: 2,
  sqrt64: 1,
  fma64: 3,
  cmp64: 2,
  fromS64: 1,
  fromU64: 1,
  toS64: 1,
  toS32: 1,
  toU64: 1,
  toU32: 1,
  add32: 2,
  sub32: 2,
  mul32: 2,
  div32: 2,
  sqrt32: 1,
  fma32: 3,
  cmp32: 2,
  fromS64To32: 1,
  fromU64To32: 1,
  toS64From32: 1,
  toS32From32: 1,
  toU64From32: 1,
  toU32From32: 1,
  cvt32To64: 1,
  cvt64To32: 1,
};

/** Where an exact implementation reports the flags it raised (set from 0 by the caller). */
export interface FpStatus {
  flags: number;
}

/**
 * The exact operation on bit patterns under control word `control` (the frontend's own encoding;
 * 0 must mean IEEE 754 defaults: round to nearest even, subnormals kept, NaNs propagated).
 * Unused operands are 0n. Returns the result bits in [0, 2^64) and ORs raised flags into `status`.
 */
export type FpExact = (status: FpStatus, control: number, a: bigint, b: bigint, c: bigint) => bigint;

/** One frontend operation: made once and shared by every instruction that uses it. */
export interface FpFunction {
  readonly kind: FpKind;
  readonly exact: FpExact;
  /** The flag bit for an inexact result: the only flag native code ever raises itself. */
  readonly inexact: number;
  /** cmp64 and cmp32 only: the results for less, equal and greater (unordered operands run `exact`). */
  readonly order?: readonly [less: bigint, equal: bigint, greater: bigint];
}

/** Calls `fn.exact` with a fresh status; the flags it raised are left in `status.flags`. */
export function runExact(fn: FpFunction, status: FpStatus, control: number, args: readonly bigint[]): bigint {
  status.flags = 0;
  return fn.exact(status, control, args[0] ?? 0n, args[1] ?? 0n, args[2] ?? 0n);
}
