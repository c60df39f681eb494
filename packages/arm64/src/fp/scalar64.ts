import type { FpFunction, FpKind, FpStatus, IrBuilder, Value } from '@arm64kit/core';
import { FPCR, FPSR } from '../state.js';
import { faddsub64, fdiv64, fmul64, fmuladd64, fsqrt64 } from './arith.js';
import { fcmp64 } from './compare.js';
import { NZCV_EQUAL, NZCV_GREATER, NZCV_LESS } from './compare-exact.js';
import { FPCR_DN, FPCR_FZ, FPCR_RMODE_SHIFT, FPSR_IXC, Rounding } from './control.js';
import { fpToInt, intToFP } from './convert.js';
import { PlainFPEnv } from './env.js';
import { scratchRegisterFile } from './regfile.js';

/**
 * Scalar double-precision operations as core's `float` IR operation: the Arm semantics on bit
 * patterns, for the JS executors to call and the WebAssembly one to fall back on. Each runs the
 * lane operations of this package (their double-arithmetic fast paths, then the exact BigInt
 * definitions) on a private scratch register file.
 */

/**
 * The FPCR bits a double-precision operation depends on. Lifters pass FPCR masked to these as the
 * control word, so 0 is exactly the IEEE 754 default environment core's native path assumes.
 */
export const FPCR_DOUBLE_MASK = FPCR_DN | FPCR_FZ | (3 << FPCR_RMODE_SHIFT);

/** The scratch register file and environment the exact operations run on (see `defineFp`). */
export const scratchFile = scratchRegisterFile(4);
export const scratchEnv = new PlainFPEnv();
const rf = scratchFile;
const env = scratchEnv;

function run(status: FpStatus, control: number, a: bigint, b: bigint, c: bigint, op: () => void): bigint {
  rf.regs[0] = 0n; // a 32-bit result is zero-extended
  rf.regs[1] = a;
  rf.regs[2] = b;
  rf.regs[3] = c;
  env.fpcr = control;
  env.fpsr = 0;
  op();
  status.flags |= env.fpsr;
  return rf.regs[0];
}

/**
 * An operation on the scratch register file: operands in slots 1-3 (a single in the low half,
 * lane 2, 4 or 6), the result in slot 0 (lane 0 for a single).
 */
export function defineFp(kind: FpKind, op: () => void, order?: FpFunction['order']): FpFunction {
  return {
    kind,
    inexact: FPSR_IXC,
    order,
    exact: (status, control, a, b, c) => run(status, control, a, b, c, op),
  };
}

/** FCMP's NZCV (bits 31:28) for less, equal and greater. */
export const NZCV_ORDER: FpFunction['order'] = [
  BigInt(NZCV_LESS >>> 0),
  BigInt(NZCV_EQUAL >>> 0),
  BigInt(NZCV_GREATER >>> 0),
];

/** fma64 operands are (addend, n, m): addend + n*m; FMSUB and friends negate the bits first. */
export const FP64 = {
  add: defineFp('add64', () => faddsub64(rf, env, 0, 1, 2, false)),
  sub: defineFp('sub64', () => faddsub64(rf, env, 0, 1, 2, true)),
  mul: defineFp('mul64', () => fmul64(rf, env, 0, 1, 2)),
  div: defineFp('div64', () => fdiv64(rf, env, 0, 1, 2)),
  sqrt: defineFp('sqrt64', () => fsqrt64(rf, env, 0, 1)),
  fma: defineFp('fma64', () => fmuladd64(rf, env, 0, 1, 2, 3, false, false)),
  /** FCMP: NZCV in bits 31:28. */
  cmp: defineFp(
    'cmp64',
    () => {
      rf.regs[0] = BigInt(fcmp64(rf, env, 1, 2, false) >>> 0);
    },
    NZCV_ORDER,
  ),
  /** FCMPE: Invalid Operation for quiet NaNs too. */
  cmpe: defineFp(
    'cmp64',
    () => {
      rf.regs[0] = BigInt(fcmp64(rf, env, 1, 2, true) >>> 0);
    },
    NZCV_ORDER,
  ),
  fromS64: defineFp('fromS64', () => intToFP(rf, env, 64, 0, 1, 64, false, 0)),
  fromU64: defineFp('fromU64', () => intToFP(rf, env, 64, 0, 1, 64, true, 0)),
  toS64: defineFp('toS64', () => fpToInt(rf, env, 0, 64, 64, 1, false, Rounding.Zero, 0)),
  toS32: defineFp('toS32', () => fpToInt(rf, env, 0, 32, 64, 1, false, Rounding.Zero, 0)),
  toU64: defineFp('toU64', () => fpToInt(rf, env, 0, 64, 64, 1, true, Rounding.Zero, 0)),
  toU32: defineFp('toU32', () => fpToInt(rf, env, 0, 32, 64, 1, true, Rounding.Zero, 0)),
} as const;

/**
 * Emits `fn` (of either precision) on `args` under the guest's FPCR and ORs the flags it raises into FPSR; returns the
 * result bits.
 */
export function emitFp64(b: IrBuilder, fn: FpFunction, args: readonly Value[]): Value {
  const control = b.and(b.wrap(b.getReg(FPCR)), FPCR_DOUBLE_MASK);
  const { value, flags } = b.fp(fn, control, args);
  b.setReg(FPSR, b.or(b.getReg(FPSR), b.extendU(flags)));
  return value;
}
