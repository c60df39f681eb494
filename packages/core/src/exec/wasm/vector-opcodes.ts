/**
 * WebAssembly SIMD opcodes (each follows the 0xfd prefix, LEB128-encoded) for the integer vector
 * operations of ../../ir/vector.ts, per lane width 8, 16, 32, 64. `undefined`: wasm has no such
 * instruction for that width (vector-emit.ts builds it from others, or leaves it to the helper).
 */
import type { VectorBinaryKind, VectorUnaryKind } from '../../ir/vector.js';

export const V128 = {
  load: 0x00,
  store: 0x0b,
  const: 0x0c,
  shuffle: 0x0d,
  not: 0x4d,
  and: 0x4e,
  or: 0x50,
  xor: 0x51,
} as const;

type ByWidth = readonly [number | undefined, number | undefined, number | undefined, number | undefined];

export const LANE_INDEX = { 8: 0, 16: 1, 32: 2, 64: 3 } as const;

/** Binary operations that are one instruction for some widths. */
export const BINARY: Readonly<Record<Exclude<VectorBinaryKind, 'test'>, ByWidth>> = {
  add: [0x6e, 0x8e, 0xae, 0xce],
  sub: [0x71, 0x91, 0xb1, 0xd1],
  mul: [undefined, 0x95, 0xb5, 0xd5],
  eq: [0x23, 0x2d, 0x37, 0xd6],
  gt_s: [0x27, 0x31, 0x3b, 0xd9],
  ge_s: [0x2b, 0x35, 0x3f, 0xdb],
  gt_u: [0x28, 0x32, 0x3c, undefined],
  ge_u: [0x2c, 0x36, 0x40, undefined],
  max_s: [0x78, 0x98, 0xb8, undefined],
  max_u: [0x79, 0x99, 0xb9, undefined],
  min_s: [0x76, 0x96, 0xb6, undefined],
  min_u: [0x77, 0x97, 0xb7, undefined],
};

/** Lane-wise "not equal" (for the test kind, against zero). */
export const NE: ByWidth = [0x24, 0x2e, 0x38, 0xd7];

/** Comparisons with zero as the second operand. */
export const COMPARE_ZERO: Readonly<Record<'eqz' | 'gtz' | 'gez' | 'lez' | 'ltz', ByWidth>> = {
  eqz: [0x23, 0x2d, 0x37, 0xd6],
  gtz: [0x27, 0x31, 0x3b, 0xd9],
  gez: [0x2b, 0x35, 0x3f, 0xdb],
  lez: [0x29, 0x33, 0x3d, 0xda],
  ltz: [0x25, 0x2f, 0x39, 0xd8],
};

export const UNARY: Readonly<Record<'abs' | 'neg' | 'popcnt', ByWidth>> = {
  abs: [0x60, 0x80, 0xa0, 0xc0],
  neg: [0x61, 0x81, 0xa1, 0xc1],
  popcnt: [0x62, undefined, undefined, undefined],
};

/** Shifts of every lane by an i32 count (taken modulo the lane width). */
export const SHIFT: Readonly<Record<'shl' | 'shr_s' | 'shr_u', ByWidth>> = {
  shl: [0x6b, 0x8b, 0xab, 0xcb],
  shr_s: [0x6c, 0x8c, 0xac, 0xcc],
  shr_u: [0x6d, 0x8d, 0xad, 0xcd],
};

export type { VectorUnaryKind };
