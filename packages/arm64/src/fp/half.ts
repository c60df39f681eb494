import { addExact, divExact, mulAddExact, mulExact, mulxExact, sqrtExact } from './arith-exact.js';
import { compareExact, minMaxExact } from './compare-exact.js';
import type { FPEnv } from './env.js';
import { HALF } from './format.js';
import { getHalf, type RegisterFile, setHalf } from './regfile.js';

/**
 * Half-precision (FEAT_FP16) arithmetic on register-file lanes, addressed by 16-bit index
 * (slot * 4 + lane, see regfile.ts). Every operation runs the exact reference semantics with the
 * HALF format: FZ16 instead of FZ, one rounding for fused multiply-add, and the same NaN rules as
 * single and double precision. The signatures match the 32- and 64-bit lane operations of
 * arith.ts and compare.ts, so lifters pick an operation by lane width (lane-ops.ts).
 */

function bits(rf: RegisterFile, i: number): bigint {
  return BigInt(getHalf(rf, i));
}

function put(rf: RegisterFile, i: number, v: bigint): void {
  setHalf(rf, i, Number(v));
}

const SIGN = 0x8000n;

export function faddsub16(rf: RegisterFile, env: FPEnv, d: number, n: number, m: number, sub: boolean): void {
  put(rf, d, addExact(env, HALF, bits(rf, n), bits(rf, m), sub));
}

export function fmul16(rf: RegisterFile, env: FPEnv, d: number, n: number, m: number): void {
  put(rf, d, mulExact(env, HALF, bits(rf, n), bits(rf, m)));
}

export function fmulx16(rf: RegisterFile, env: FPEnv, d: number, n: number, m: number): void {
  put(rf, d, mulxExact(env, HALF, bits(rf, n), bits(rf, m)));
}

export function fdiv16(rf: RegisterFile, env: FPEnv, d: number, n: number, m: number): void {
  put(rf, d, divExact(env, HALF, bits(rf, n), bits(rf, m)));
}

export function fsqrt16(rf: RegisterFile, env: FPEnv, d: number, n: number): void {
  put(rf, d, sqrtExact(env, HALF, bits(rf, n)));
}

/** FPMulAdd(±a, ±n, m) with one rounding (see fmuladd64 for the negation flags). */
export function fmuladd16(
  rf: RegisterFile,
  env: FPEnv,
  d: number,
  a: number,
  n: number,
  m: number,
  negA: boolean,
  negN: boolean,
): void {
  const av = negA ? bits(rf, a) ^ SIGN : bits(rf, a);
  const nv = negN ? bits(rf, n) ^ SIGN : bits(rf, n);
  put(rf, d, mulAddExact(env, HALF, av, nv, bits(rf, m)));
}

/** op: 0 = FMAX, 1 = FMIN, 2 = FMAXNM, 3 = FMINNM. */
export function fminmax16(rf: RegisterFile, env: FPEnv, d: number, n: number, m: number, op: number): void {
  put(rf, d, minMaxExact(env, HALF, bits(rf, n), bits(rf, m), (op & 1) === 0, op >= 2));
}

/** NZCV in bits 31..28; a lane index of -1 stands for #0.0. */
export function fcmp16(rf: RegisterFile, env: FPEnv, n: number, m: number, signalAll: boolean): number {
  return compareExact(env, HALF, n < 0 ? 0n : bits(rf, n), m < 0 ? 0n : bits(rf, m), signalAll);
}
