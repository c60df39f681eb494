import { FPSR_IXC, FPSR_OFC, Rounding } from './control.js';
import type { FPEnv } from './env.js';

/**
 * Correct rounding of a value known exactly as a candidate plus a small residual, done with
 * ordinary double arithmetic. This is what lets the common cases run without BigInt:
 *
 *   exact value V = c + (d1 + d2), c representable in the target format (single or double),
 *   d1 + d2 an exact double-double residual with |d2| <= ulp(d1)/2.
 *
 * `decide` returns the correctly rounded result in any FPCR rounding mode and raises Inexact and
 * Overflow, or returns NaN when the preconditions it can check do not hold (the residual is not
 * smaller than the gap to a neighbour, or the result would be tiny) so the caller takes the exact
 * path. Ties are decided exactly: d1 is compared with the half-gap, a power of two, and d2 breaks
 * equality (d1 = RN(d1 + d2), so d1 > h implies V - c > h).
 */

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const f32 = new Float32Array(1);
const u32s = new Uint32Array(f32.buffer);

const SMALL64 = 2 ** -55;
const SMALL32 = 2 ** -26;
export const MIN_NORMAL64 = 2 ** -1022;
export const MIN_NORMAL32 = 2 ** -126;
export const MAX32 = (2 - 2 ** -23) * 2 ** 127;

/**
 * 2^(e - 1075) and 2^(e - 150) for every biased exponent e, precomputed with the same expression:
 * `**` with a variable exponent calls into the runtime, and `decide` needs an ulp on most calls.
 */
const ULP64 = Float64Array.from({ length: 0x800 }, (_, e) => 2 ** (e - 1075));
const ULP32 = Float64Array.from({ length: 0x100 }, (_, e) => 2 ** (e - 150));

/** ulp of a normal double: 2^(e - 52). */
function ulp64(c: number): number {
  f64[0] = c;
  return ULP64[(u32[1] >>> 20) & 0x7ff];
}

function ulp32(c: number): number {
  f32[0] = c;
  return ULP32[(u32s[0] >>> 23) & 0xff];
}

/** True when |c| is an exact power of two (the gap below it is half the gap above). */
function isPow2Magnitude64(c: number): boolean {
  f64[0] = c;
  return u32[0] === 0 && (u32[1] & 0xfffff) === 0;
}

function isPow2Magnitude32(c: number): boolean {
  f32[0] = c;
  return (u32s[0] & 0x7fffff) === 0;
}

function lastBitOdd64(c: number): boolean {
  f64[0] = c;
  return (u32[0] & 1) === 1;
}

function lastBitOdd32(c: number): boolean {
  f32[0] = c;
  return (u32s[0] & 1) === 1;
}

/**
 * @param single round to binary32 instead of binary64 (c must then be a binary32 value).
 * @returns the rounded result, or NaN to request the exact path.
 */
/**
 * `decide` for a candidate that is already the round-to-nearest result (a single IEEE operation
 * in double arithmetic), with exact residual d1: in round-to-nearest only Inexact is left to set.
 */
export function decideRounded(env: FPEnv, c: number, d1: number, rounding: Rounding): number {
  if (rounding === Rounding.TiesEven) {
    const mag = c < 0 ? -c : c;
    if (!(mag > MIN_NORMAL64 && mag < Number.POSITIVE_INFINITY)) return Number.NaN;
    if (d1 !== 0) env.fpsr |= FPSR_IXC;
    return c;
  }
  return decide(env, c, d1, 0, rounding, false);
}

export function decide(
  env: FPEnv,
  c: number,
  d1: number,
  d2: number,
  rounding: Rounding,
  single: boolean,
): number {
  const mag = c < 0 ? -c : c;
  if (single) {
    if (!(mag > MIN_NORMAL32 && mag <= MAX32)) return Number.NaN;
  } else if (!(mag > MIN_NORMAL64 && mag < Number.POSITIVE_INFINITY)) {
    return Number.NaN;
  }
  if (d1 === 0) {
    if (d2 === 0) return c;
    return Number.NaN; // not a normalised double-double
  }
  // Round to nearest with a residual below every possible half-gap of c (the half-gap is at least
  // |c| * 2^-(p+2) with p = 24 or 53): c is the result, only Inexact remains to be raised.
  if (rounding === Rounding.TiesEven && (d1 < 0 ? -d1 : d1) < mag * (single ? SMALL32 : SMALL64)) {
    env.fpsr |= FPSR_IXC;
    return c;
  }
  const ulp = single ? ulp32(c) : ulp64(c);
  const towardZeroGap = (single ? isPow2Magnitude32(c) : isPow2Magnitude64(c)) ? ulp / 2 : ulp;
  // Gaps to the neighbours above (+) and below (-) c on the real line.
  const gapUp = c > 0 ? ulp : towardZeroGap;
  const gapDown = c > 0 ? towardZeroGap : ulp;
  const up = d1 > 0;
  const gap = up ? gapUp : gapDown;
  const d = up ? d1 : -d1;
  const e = up ? d2 : -d2;
  if (d >= gap) return Number.NaN;
  const neighbour = up ? c + gapUp : c - gapDown;
  let r: number;
  switch (rounding) {
    case Rounding.TiesEven: {
      const half = gap / 2;
      const cmp = d !== half ? d - half : e;
      if (cmp > 0) r = neighbour;
      else if (cmp < 0) r = c;
      else r = (single ? lastBitOdd32(c) : lastBitOdd64(c)) ? neighbour : c;
      break;
    }
    case Rounding.PosInf:
      r = up ? neighbour : c;
      break;
    case Rounding.NegInf:
      r = up ? c : neighbour;
      break;
    case Rounding.Zero:
      r = up === c < 0 ? neighbour : c;
      break;
    default:
      return Number.NaN;
  }
  if (single && (r > MAX32 || r < -MAX32)) {
    env.fpsr |= FPSR_OFC | FPSR_IXC;
    return r > 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  }
  if (r === Number.POSITIVE_INFINITY || r === Number.NEGATIVE_INFINITY) env.fpsr |= FPSR_OFC;
  env.fpsr |= FPSR_IXC;
  return r;
}

/** Error-free sum: a + b = s + twoSumErr (valid whenever s does not overflow). */
export let twoSumErr = 0;
export function twoSum(a: number, b: number): number {
  const s = a + b;
  const bb = s - a;
  twoSumErr = a - (s - bb) + (b - bb);
  return s;
}

const SPLITTER = 134217729; // 2^27 + 1

/**
 * Error-free product (Dekker): a * b = p + twoProdErr, valid when |a|, |b| < 2^995 and the
 * product is above 2^-969 (no overflow in the split, no underflow in the error term).
 */
export let twoProdErr = 0;
export function twoProd(a: number, b: number): number {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  twoProdErr = ah * bh - p + ah * bl + al * bh + al * bl;
  return p;
}

/** Magnitude window in which twoProd is exact for both operands and the product. */
export const PROD_MAX = 2 ** 995;
export const PROD_MIN = 2 ** -960;
