import { FPSR_IXC, fpcrRounding, Rounding } from './control.js';
import { convertExact, fixedToFPExact, fpToFixedExact, roundIntExact } from './convert-exact.js';
import type { FPEnv } from './env.js';
import { decide } from './fast-round.js';
import { DOUBLE, type FPFormat, HALF, SINGLE } from './format.js';
import { getHalf, type RegisterFile, setHalf } from './regfile.js';

/**
 * FCVT (precision), SCVTF/UCVTF, FCVT[ZNAPM][SU] and FRINT* on lanes. `size` is the lane width in
 * bits (16, 32, 64) and picks the indexing convention of regfile.ts.
 */

function readBits(rf: RegisterFile, size: number, i: number): bigint {
  if (size === 64) return rf.regs[i];
  if (size === 32) return BigInt(rf.regs32[i] >>> 0);
  return BigInt(getHalf(rf, i));
}

function writeBits(rf: RegisterFile, size: number, i: number, v: bigint): void {
  if (size === 64) rf.regs[i] = v;
  else if (size === 32) rf.regs32[i] = Number(v) | 0;
  else setHalf(rf, i, Number(v));
}

function fmtOf(size: number): FPFormat {
  return size === 64 ? DOUBLE : size === 32 ? SINGLE : HALF;
}

/** Normal (not zero, denormal, inf or NaN) lane? */
function isNormal(rf: RegisterFile, size: number, i: number): boolean {
  if (size === 64) {
    const e = (rf.regs32[2 * i + 1] >>> 20) & 0x7ff;
    return e !== 0 && e !== 0x7ff;
  }
  if (size === 32) {
    const e = (rf.regs32[i] >>> 23) & 0xff;
    return e !== 0 && e !== 0xff;
  }
  return false;
}

function readValue(rf: RegisterFile, size: number, i: number): number {
  return size === 64 ? rf.f64[i] : rf.f32[i];
}

/** FCVT between precisions; `rounding` is FPCR's except for FCVTXN (round to odd). */
export function fcvt(
  rf: RegisterFile,
  env: FPEnv,
  toSize: number,
  d: number,
  fromSize: number,
  n: number,
  odd = false,
): void {
  if (isNormal(rf, fromSize, n) && !odd) {
    if (fromSize === 32 && toSize === 64) {
      rf.f64[d] = rf.f32[n]; // widening is exact
      return;
    }
    if (fromSize === 64 && toSize === 32) {
      const v = rf.f64[n];
      const c = Math.fround(v);
      const r = decide(env, c, v - c, 0, fpcrRounding(env.fpcr), true);
      if (!Number.isNaN(r)) {
        rf.f32[d] = r;
        return;
      }
    }
  }
  const rounding = odd ? Rounding.Odd : fpcrRounding(env.fpcr);
  writeBits(
    rf,
    toSize,
    d,
    convertExact(env, fmtOf(fromSize), fmtOf(toSize), readBits(rf, fromSize, n), rounding),
  );
}

const TWO32 = 2 ** 32;

/**
 * SCVTF/UCVTF: integer source `srcWidth` bits (32: regs32[src], 64: slot src) divided by
 * 2^fbits, rounded by FPCR, into an FP lane of `size` bits.
 */
export function intToFP(
  rf: RegisterFile,
  env: FPEnv,
  size: number,
  d: number,
  src: number,
  srcWidth: number,
  unsigned: boolean,
  fbits: number,
): void {
  let v: number;
  let exactInDouble: boolean;
  if (srcWidth === 32) {
    v = unsigned ? rf.regs32[src] >>> 0 : rf.regs32[src];
    exactInDouble = true;
  } else {
    const lo = rf.regs32[2 * src] >>> 0;
    const hi = unsigned ? rf.regs32[2 * src + 1] >>> 0 : rf.regs32[2 * src + 1];
    v = hi * TWO32 + lo;
    // Exact when the value fits in 53 bits.
    exactInDouble = hi >= -0x200000 && hi < 0x200000;
  }
  if (exactInDouble && size !== 16) {
    const x = v / 2 ** fbits; // exact: a power-of-two scaling of a small integer
    if (x === 0) {
      if (size === 32) rf.regs32[d] = 0;
      else rf.regs[d] = 0n;
      return;
    }
    if (size === 64) {
      rf.f64[d] = x;
      return;
    }
    const c = Math.fround(x);
    const r = decide(env, c, x - c, 0, fpcrRounding(env.fpcr), true);
    if (!Number.isNaN(r)) {
      rf.f32[d] = r;
      return;
    }
  }
  let big: bigint;
  if (srcWidth === 32) big = BigInt(unsigned ? rf.regs32[src] >>> 0 : rf.regs32[src]);
  else big = unsigned ? rf.regs[src] : BigInt.asIntN(64, rf.regs[src]);
  writeBits(rf, size, d, fixedToFPExact(env, fmtOf(size), big, fbits, fpcrRounding(env.fpcr)));
}

/** Round a double to an integral double in the given mode (exact: these operations never round). */
export function roundToIntegral(x: number, rounding: Rounding): number {
  switch (rounding) {
    case Rounding.TiesEven: {
      let r = Math.round(x); // ties toward +inf
      if (r - x === 0.5 && r % 2 !== 0) r -= 1;
      return r;
    }
    case Rounding.TiesAway:
      return x < 0 ? -Math.round(-x) : Math.round(x);
    case Rounding.PosInf:
      return Math.ceil(x);
    case Rounding.NegInf:
      return Math.floor(x);
    default:
      return Math.trunc(x);
  }
}

/**
 * FCVT[ZNAPM][SU] (and fixed-point FCVTZ with fbits): FP lane of `size` bits to a `width`-bit
 * integer written to slot `d` (32-bit results zero-extended, as a W destination requires).
 */
export function fpToInt(
  rf: RegisterFile,
  env: FPEnv,
  d: number,
  width: number,
  size: number,
  n: number,
  unsigned: boolean,
  rounding: Rounding,
  fbits: number,
): void {
  if (isNormal(rf, size, n)) {
    const x = readValue(rf, size, n) * 2 ** fbits;
    const r = roundToIntegral(x, rounding);
    const max = unsigned ? 2 ** width - 1 : 2 ** (width - 1) - 1;
    const min = unsigned ? 0 : -(2 ** (width - 1));
    // Doubles are exact integers here; the bounds are exact for width 32 and the 64-bit limits are
    // compared as 2^63 / 2^64 (max + 1 rounds to them), so "r > max" means "r >= 2^63" etc.
    if (r >= min && (width === 64 ? r < max + 1 : r <= max)) {
      if (r !== x) env.fpsr |= FPSR_IXC;
      const hi = Math.floor(r / TWO32);
      const lo = r - hi * TWO32;
      rf.regs32[2 * d] = lo | 0;
      rf.regs32[2 * d + 1] = width === 32 ? 0 : hi | 0;
      return;
    }
  }
  const v = fpToFixedExact(env, fmtOf(size), readBits(rf, size, n), fbits, unsigned, width, rounding);
  rf.regs[d] = v;
}

/** FRINT[NAMPZXI]: `exact` (FRINTX) raises Inexact when the value changes. */
export function frint(
  rf: RegisterFile,
  env: FPEnv,
  size: number,
  d: number,
  n: number,
  rounding: Rounding,
  exact: boolean,
): void {
  if (isNormal(rf, size, n)) {
    const x = readValue(rf, size, n);
    const r = roundToIntegral(x, rounding);
    if (exact && r !== x) env.fpsr |= FPSR_IXC;
    if (size === 64) rf.f64[d] = r;
    else rf.f32[d] = r;
    return;
  }
  writeBits(rf, size, d, roundIntExact(env, fmtOf(size), readBits(rf, size, n), rounding, exact));
}
