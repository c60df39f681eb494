import { addExact, divExact, mulAddExact, mulExact, sqrtExact } from './arith-exact.js';
import { fpcrRounding, type Rounding } from './control.js';
import type { FPEnv } from './env.js';
import {
  decide,
  decideRounded,
  PROD_MAX,
  PROD_MIN,
  twoProd,
  twoProdErr,
  twoSum,
  twoSumErr,
} from './fast-round.js';
import { DOUBLE, SINGLE } from './format.js';
import type { RegisterFile } from './regfile.js';

/**
 * FADD/FSUB/FMUL/FDIV/FSQRT/FMADD family on register-file lanes (see regfile.ts for indexing).
 * Each operation first tries a double-arithmetic path that is exact by construction (error-free
 * transformations + `decide`) for normal operands and normal results, and otherwise runs the
 * BigInt reference semantics. Both give bit-identical results and flags; tests check that.
 */

/** Biased exponent field is neither 0 (zero/denormal) nor all ones (inf/NaN). */
function normal64(rf: RegisterFile, slot: number): boolean {
  const e = (rf.regs32[2 * slot + 1] >>> 20) & 0x7ff;
  return e !== 0 && e !== 0x7ff;
}

function normal32(rf: RegisterFile, i: number): boolean {
  const e = (rf.regs32[i] >>> 23) & 0xff;
  return e !== 0 && e !== 0xff;
}

const SIGN64 = 1n << 63n;

/** +0 or -0. */
function zero64(rf: RegisterFile, slot: number): boolean {
  return (rf.regs32[2 * slot + 1] & 0x7fffffff) === 0 && rf.regs32[2 * slot] === 0;
}
const TINY = 2 ** -80;

function bits32(rf: RegisterFile, i: number): bigint {
  return BigInt(rf.regs32[i] >>> 0);
}

function put32(rf: RegisterFile, i: number, v: bigint): void {
  rf.regs32[i] = Number(v) | 0;
}

/** Round the exact double-double hi + lo to single precision and store it, or return false. */
function finish32(
  rf: RegisterFile,
  env: FPEnv,
  i: number,
  hi: number,
  lo: number,
  rounding: Rounding,
): boolean {
  const c = Math.fround(hi);
  const d = hi - c; // exact: c is within half a single ulp of hi
  const d1 = twoSum(d, lo);
  const r = decide(env, c, d1, twoSumErr, rounding, true);
  if (Number.isNaN(r)) return false;
  rf.f32[i] = r;
  return true;
}

export function faddsub64(rf: RegisterFile, env: FPEnv, d: number, n: number, m: number, sub: boolean): void {
  if (normal64(rf, n) && normal64(rf, m)) {
    const a = rf.f64[n];
    const b = sub ? -rf.f64[m] : rf.f64[m];
    const s = twoSum(a, b);
    const r = decideRounded(env, s, twoSumErr, fpcrRounding(env.fpcr));
    if (!Number.isNaN(r)) {
      rf.f64[d] = r;
      return;
    }
  }
  // x + 0 and 0 + x are exact for a normal x.
  if (normal64(rf, n) && zero64(rf, m)) {
    rf.regs[d] = rf.regs[n];
    return;
  }
  if (zero64(rf, n) && normal64(rf, m)) {
    rf.regs[d] = sub ? rf.regs[m] ^ SIGN64 : rf.regs[m];
    return;
  }
  rf.regs[d] = addExact(env, DOUBLE, rf.regs[n], rf.regs[m], sub);
}

export function faddsub32(rf: RegisterFile, env: FPEnv, d: number, n: number, m: number, sub: boolean): void {
  if (normal32(rf, n) && normal32(rf, m)) {
    const a = rf.f32[n];
    const b = sub ? -rf.f32[m] : rf.f32[m];
    const s = twoSum(a, b);
    if (finish32(rf, env, d, s, twoSumErr, fpcrRounding(env.fpcr))) return;
  }
  put32(rf, d, addExact(env, SINGLE, bits32(rf, n), bits32(rf, m), sub));
}

export function fmul64(rf: RegisterFile, env: FPEnv, d: number, n: number, m: number): void {
  if (normal64(rf, n) && normal64(rf, m)) {
    const a = rf.f64[n];
    const b = rf.f64[m];
    const p = twoProd(a, b);
    const ap = p < 0 ? -p : p;
    if (ap > PROD_MIN && Math.abs(a) < PROD_MAX && Math.abs(b) < PROD_MAX) {
      const r = decideRounded(env, p, twoProdErr, fpcrRounding(env.fpcr));
      if (!Number.isNaN(r)) {
        rf.f64[d] = r;
        return;
      }
    }
  }
  // 0 * x with a normal x: a zero with the product's sign, no flags.
  if ((zero64(rf, n) && normal64(rf, m)) || (normal64(rf, n) && zero64(rf, m))) {
    rf.regs[d] = (rf.regs[n] ^ rf.regs[m]) & SIGN64;
    return;
  }
  rf.regs[d] = mulExact(env, DOUBLE, rf.regs[n], rf.regs[m]);
}

export function fmul32(rf: RegisterFile, env: FPEnv, d: number, n: number, m: number): void {
  if (normal32(rf, n) && normal32(rf, m)) {
    // 24 x 24 bits: the double product is exact.
    if (finish32(rf, env, d, rf.f32[n] * rf.f32[m], 0, fpcrRounding(env.fpcr))) return;
  }
  put32(rf, d, mulExact(env, SINGLE, bits32(rf, n), bits32(rf, m)));
}

/** Sign (+1/-1/0) of a - q*b, exactly, for q = RN(a/b) in twoProd's safe window. */
function divResidualSign(a: number, b: number, q: number): number {
  const p = twoProd(q, b);
  const rem = a - p - twoProdErr;
  return rem === 0 ? 0 : rem > 0 === b > 0 ? 1 : -1;
}

export function fdiv64(rf: RegisterFile, env: FPEnv, d: number, n: number, m: number): void {
  if (normal64(rf, n) && normal64(rf, m)) {
    const a = rf.f64[n];
    const b = rf.f64[m];
    const q = a / b;
    const aq = Math.abs(q);
    const aa = Math.abs(a);
    const ab = Math.abs(b);
    if (aq > PROD_MIN && aq < PROD_MAX && ab < PROD_MAX && aa > PROD_MIN && aa < PROD_MAX && ab > PROD_MIN) {
      const s = divResidualSign(a, b, q);
      const r = s === 0 ? q : decide(env, q, s * aq * TINY, 0, fpcrRounding(env.fpcr), false);
      if (!Number.isNaN(r)) {
        rf.f64[d] = r;
        return;
      }
    }
  }
  rf.regs[d] = divExact(env, DOUBLE, rf.regs[n], rf.regs[m]);
}

/**
 * Single-precision result from a correctly rounded double q of the exact value V and the sign of
 * V - q. Rounding q to single in round-to-nearest equals rounding V (53 >= 2*24 + 2, Figueroa);
 * the sign decides the directed modes and exact ties at a single-precision midpoint.
 */
function finish32FromRounded(
  rf: RegisterFile,
  env: FPEnv,
  i: number,
  q: number,
  residualSign: number,
  rounding: Rounding,
): boolean {
  const c = Math.fround(q);
  const diff = q - c;
  let r: number;
  if (diff === 0) {
    r = decide(env, c, residualSign * Math.abs(c) * TINY, 0, rounding, true);
  } else {
    r = decide(env, c, diff, residualSign * Math.abs(diff) * TINY, rounding, true);
  }
  if (Number.isNaN(r)) return false;
  rf.f32[i] = r;
  return true;
}

export function fdiv32(rf: RegisterFile, env: FPEnv, d: number, n: number, m: number): void {
  if (normal32(rf, n) && normal32(rf, m)) {
    const a = rf.f32[n];
    const b = rf.f32[m];
    const q = a / b;
    if (finish32FromRounded(rf, env, d, q, divResidualSign(a, b, q), fpcrRounding(env.fpcr))) return;
  }
  put32(rf, d, divExact(env, SINGLE, bits32(rf, n), bits32(rf, m)));
}

function sqrtResidualSign(a: number, s: number): number {
  const p = twoProd(s, s);
  const rem = a - p - twoProdErr;
  return rem === 0 ? 0 : rem > 0 ? 1 : -1;
}

export function fsqrt64(rf: RegisterFile, env: FPEnv, d: number, n: number): void {
  if (normal64(rf, n) && rf.regs32[2 * n + 1] >= 0) {
    const a = rf.f64[n];
    if (a > PROD_MIN && a < PROD_MAX) {
      const s = Math.sqrt(a);
      const sg = sqrtResidualSign(a, s);
      const r = sg === 0 ? s : decide(env, s, sg * s * TINY, 0, fpcrRounding(env.fpcr), false);
      if (!Number.isNaN(r)) {
        rf.f64[d] = r;
        return;
      }
    }
  }
  rf.regs[d] = sqrtExact(env, DOUBLE, rf.regs[n]);
}

export function fsqrt32(rf: RegisterFile, env: FPEnv, d: number, n: number): void {
  if (normal32(rf, n) && rf.regs32[n] >= 0) {
    const a = rf.f32[n];
    const s = Math.sqrt(a);
    if (finish32FromRounded(rf, env, d, s, sqrtResidualSign(a, s), fpcrRounding(env.fpcr))) return;
  }
  put32(rf, d, sqrtExact(env, SINGLE, bits32(rf, n)));
}

/**
 * FPMulAdd(±a, ±n, m): FMADD (a + n*m), FMSUB (negN: a - n*m), FNMADD (negA, negN: -a - n*m),
 * FNMSUB (negA: -a + n*m). Negation is applied to the operands, NaNs included, as in the Arm ARM.
 */
export function fmuladd64(
  rf: RegisterFile,
  env: FPEnv,
  d: number,
  a: number,
  n: number,
  m: number,
  negA: boolean,
  negN: boolean,
): void {
  if (normal64(rf, a) && normal64(rf, n) && normal64(rf, m)) {
    const A = negA ? -rf.f64[a] : rf.f64[a];
    const N = negN ? -rf.f64[n] : rf.f64[n];
    const M = rf.f64[m];
    const uh = twoProd(N, M);
    const ul = twoProdErr;
    const auh = Math.abs(uh);
    if (auh > PROD_MIN && Math.abs(N) < PROD_MAX && Math.abs(M) < PROD_MAX) {
      const th = twoSum(A, uh);
      const w = twoSum(twoSumErr, ul);
      const werr = twoSumErr;
      const R = twoSum(th, w);
      const e1 = twoSum(twoSumErr, werr);
      const r = decide(env, R, e1, twoSumErr, fpcrRounding(env.fpcr), false);
      if (!Number.isNaN(r)) {
        rf.f64[d] = r;
        return;
      }
    }
  }
  if (normal64(rf, n) && normal64(rf, m) && zero64(rf, a)) {
    // ±0 + n*m (n*m is not zero): the rounded product.
    const N = negN ? -rf.f64[n] : rf.f64[n];
    const M = rf.f64[m];
    const p = twoProd(N, M);
    if (Math.abs(p) > PROD_MIN && Math.abs(N) < PROD_MAX && Math.abs(M) < PROD_MAX) {
      const r = decideRounded(env, p, twoProdErr, fpcrRounding(env.fpcr));
      if (!Number.isNaN(r)) {
        rf.f64[d] = r;
        return;
      }
    }
  } else if (
    normal64(rf, a) &&
    (zero64(rf, n) || zero64(rf, m)) &&
    (normal64(rf, n) || normal64(rf, m) || (zero64(rf, n) && zero64(rf, m)))
  ) {
    // a + 0: exactly a.
    rf.regs[d] = negA ? rf.regs[a] ^ SIGN64 : rf.regs[a];
    return;
  }
  const av = negA ? rf.regs[a] ^ SIGN64 : rf.regs[a];
  const nv = negN ? rf.regs[n] ^ SIGN64 : rf.regs[n];
  rf.regs[d] = mulAddExact(env, DOUBLE, av, nv, rf.regs[m]);
}

export function fmuladd32(
  rf: RegisterFile,
  env: FPEnv,
  d: number,
  a: number,
  n: number,
  m: number,
  negA: boolean,
  negN: boolean,
): void {
  if (normal32(rf, a) && normal32(rf, n) && normal32(rf, m)) {
    const A = negA ? -rf.f32[a] : rf.f32[a];
    const P = (negN ? -rf.f32[n] : rf.f32[n]) * rf.f32[m]; // exact (48 bits)
    const s = twoSum(A, P);
    if (finish32(rf, env, d, s, twoSumErr, fpcrRounding(env.fpcr))) return;
  }
  const sign = 0x80000000n;
  const av = negA ? bits32(rf, a) ^ sign : bits32(rf, a);
  const nv = negN ? bits32(rf, n) ^ sign : bits32(rf, n);
  put32(rf, d, mulAddExact(env, SINGLE, av, nv, bits32(rf, m)));
}
