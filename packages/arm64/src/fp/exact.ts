import {
  FPCR_DN,
  FPCR_FZ,
  FPCR_FZ16,
  FPSR_IDC,
  FPSR_IOC,
  FPSR_IXC,
  FPSR_OFC,
  FPSR_UFC,
  Rounding,
} from './control.js';
import type { FPEnv } from './env.js';
import type { FPFormat } from './format.js';

/**
 * Exact reference semantics on raw bit patterns (bigint), written after the Arm ARM pseudocode
 * (FPUnpack, FPProcessNaN(s), FPRoundBase). Every value is kept as an exact binary rational
 * mant * 2^exp with BigInt mantissas, so rounding happens exactly once, in `roundToFormat`.
 * The fast number-based paths elsewhere fall back to these functions for every case they do not
 * prove exact.
 */

export enum FPType {
  Zero = 0,
  /** Any non-zero finite value, denormals included. */
  Finite = 1,
  Infinity = 2,
  QNaN = 3,
  SNaN = 4,
}

export interface Unpacked {
  type: FPType;
  /** 0 or 1. */
  sign: number;
  /** Value magnitude is mant * 2^exp (mant is 0n for zeros, infinities and NaNs). */
  mant: bigint;
  exp: number;
}

/** Whether flush-to-zero applies to an arithmetic operation of this format. */
export function arithFlush(env: FPEnv, fmt: FPFormat): boolean {
  return (env.fpcr & (fmt.n === 16 ? FPCR_FZ16 : FPCR_FZ)) !== 0;
}

/** Flush-to-zero for conversions (FPUnpackCV/FPRoundCV): half precision never flushes there. */
export function convertFlush(env: FPEnv, fmt: FPFormat): boolean {
  return fmt.n !== 16 && (env.fpcr & FPCR_FZ) !== 0;
}

export function unpack(env: FPEnv, fmt: FPFormat, bits: bigint, flush: boolean): Unpacked {
  const f = BigInt(fmt.f);
  const sign = Number((bits >> BigInt(fmt.n - 1)) & 1n);
  const expField = Number((bits >> f) & fmt.expMax);
  const frac = bits & fmt.fracMask;
  const minExp = 1 - fmt.bias - fmt.f;
  if (expField === 0) {
    if (frac === 0n) return { type: FPType.Zero, sign, mant: 0n, exp: 0 };
    if (flush) {
      // FZ16 flushes half-precision inputs without Input Denormal (FPUnpackBase); FZ raises it.
      if (fmt.n !== 16) env.fpsr |= FPSR_IDC;
      return { type: FPType.Zero, sign, mant: 0n, exp: 0 };
    }
    return { type: FPType.Finite, sign, mant: frac, exp: minExp };
  }
  if (BigInt(expField) === fmt.expMax) {
    if (frac === 0n) return { type: FPType.Infinity, sign, mant: 0n, exp: 0 };
    return { type: frac & fmt.quietBit ? FPType.QNaN : FPType.SNaN, sign, mant: 0n, exp: 0 };
  }
  return { type: FPType.Finite, sign, mant: frac | (1n << f), exp: expField - fmt.bias - fmt.f };
}

export function isNaNType(t: FPType): boolean {
  return t >= FPType.QNaN;
}

/** FPProcessNaN: quiet a signalling NaN (raising Invalid Operation), or give the default NaN. */
export function processNaN(env: FPEnv, fmt: FPFormat, type: FPType, bits: bigint): bigint {
  let r = bits;
  if (type === FPType.SNaN) {
    r |= fmt.quietBit;
    env.fpsr |= FPSR_IOC;
  }
  return env.fpcr & FPCR_DN ? fmt.defaultNaN : r;
}

/** FPProcessNaNs: signalling NaNs first, then quiet ones, operand order breaking ties. */
export function processNaNs(
  env: FPEnv,
  fmt: FPFormat,
  t1: FPType,
  a: bigint,
  t2: FPType,
  b: bigint,
): bigint | undefined {
  if (t1 === FPType.SNaN) return processNaN(env, fmt, t1, a);
  if (t2 === FPType.SNaN) return processNaN(env, fmt, t2, b);
  if (t1 === FPType.QNaN) return processNaN(env, fmt, t1, a);
  if (t2 === FPType.QNaN) return processNaN(env, fmt, t2, b);
  return undefined;
}

export function processNaNs3(
  env: FPEnv,
  fmt: FPFormat,
  t1: FPType,
  a: bigint,
  t2: FPType,
  b: bigint,
  t3: FPType,
  c: bigint,
): bigint | undefined {
  if (t1 === FPType.SNaN) return processNaN(env, fmt, t1, a);
  if (t2 === FPType.SNaN) return processNaN(env, fmt, t2, b);
  if (t3 === FPType.SNaN) return processNaN(env, fmt, t3, c);
  if (t1 === FPType.QNaN) return processNaN(env, fmt, t1, a);
  if (t2 === FPType.QNaN) return processNaN(env, fmt, t2, b);
  if (t3 === FPType.QNaN) return processNaN(env, fmt, t3, c);
  return undefined;
}

export function zeroBits(fmt: FPFormat, sign: number): bigint {
  return sign ? fmt.signBit : 0n;
}

export function infinityBits(fmt: FPFormat, sign: number): bigint {
  return zeroBits(fmt, sign) | (fmt.expMax << BigInt(fmt.f));
}

export function maxNormalBits(fmt: FPFormat, sign: number): bigint {
  return zeroBits(fmt, sign) | ((fmt.expMax - 1n) << BigInt(fmt.f)) | fmt.fracMask;
}

export function bitLength(x: bigint): number {
  // toString(16) is the cheapest exact way to get the length of a BigInt in plain JS.
  if (x === 0n) return 0;
  const hex = x.toString(16);
  return (hex.length - 1) * 4 + (32 - Math.clz32(Number.parseInt(hex[0], 16)));
}

/**
 * FPRoundBase: round the exact non-zero value (-1)^sign * mant * 2^exp into `fmt`, raising
 * Underflow (tininess before rounding, only when inexact), Overflow and Inexact as the Arm ARM does.
 * `flush` is the FZ (or FZ16) bit that applies to this result.
 */
export function roundToFormat(
  env: FPEnv,
  fmt: FPFormat,
  sign: number,
  mant: bigint,
  exp: number,
  rounding: Rounding,
  flush: boolean,
  /** FPCR.AHP half precision output: no infinities or NaNs, exponent 31 is normal, saturation is Invalid. */
  altHalf = false,
): bigint {
  const F = fmt.f;
  const minimumExp = 1 - fmt.bias;
  // Exponent of the value when written as 1.xxx * 2^realExp.
  const realExp = exp + bitLength(mant) - 1;
  if (flush && realExp < minimumExp) {
    env.fpsr |= FPSR_UFC;
    return zeroBits(fmt, sign);
  }
  let biasedExp = Math.max(realExp - minimumExp + 1, 0);
  // Exponent of the last place kept: F fraction bits below the leading one, or fixed for denormals.
  const quantum = biasedExp > 0 ? realExp - F : minimumExp - F;
  const shift = quantum - exp;
  let intMant: bigint;
  // error of the truncation, compared with one half unit in the last place: <0 below, 0 exact-half...
  let inexact = false;
  let aboveHalf = false;
  let exactlyHalf = false;
  if (shift <= 0) {
    intMant = mant << BigInt(-shift);
  } else {
    const s = BigInt(shift);
    intMant = mant >> s;
    const rem = mant & ((1n << s) - 1n);
    if (rem !== 0n) {
      inexact = true;
      const half = 1n << (s - 1n);
      aboveHalf = rem > half;
      exactlyHalf = rem === half;
    }
  }
  if (biasedExp === 0 && inexact) env.fpsr |= FPSR_UFC;
  let roundUp = false;
  let overflowToInf = false;
  switch (rounding) {
    case Rounding.TiesEven:
      roundUp = aboveHalf || (exactlyHalf && (intMant & 1n) === 1n);
      overflowToInf = true;
      break;
    case Rounding.TiesAway:
      roundUp = aboveHalf || exactlyHalf;
      overflowToInf = true;
      break;
    case Rounding.PosInf:
      roundUp = inexact && sign === 0;
      overflowToInf = sign === 0;
      break;
    case Rounding.NegInf:
      roundUp = inexact && sign === 1;
      overflowToInf = sign === 1;
      break;
    default:
      break;
  }
  if (roundUp) {
    intMant += 1n;
    if (intMant === 1n << BigInt(F)) biasedExp = 1;
    if (intMant === 1n << BigInt(F + 1)) {
      biasedExp += 1;
      intMant >>= 1n;
    }
  }
  if (inexact && rounding === Rounding.Odd) intMant |= 1n;
  let result: bigint;
  if (altHalf && biasedExp > 31) {
    env.fpsr |= FPSR_IOC;
    return zeroBits(fmt, sign) | 0x7fffn;
  }
  if (altHalf) {
    result = zeroBits(fmt, sign) | (BigInt(biasedExp) << BigInt(F)) | (intMant & fmt.fracMask);
  } else if (BigInt(biasedExp) >= fmt.expMax) {
    result = overflowToInf ? infinityBits(fmt, sign) : maxNormalBits(fmt, sign);
    env.fpsr |= FPSR_OFC;
    inexact = true;
  } else {
    result = zeroBits(fmt, sign) | (BigInt(biasedExp) << BigInt(F)) | (intMant & fmt.fracMask);
  }
  if (inexact) env.fpsr |= FPSR_IXC;
  return result;
}

/** Integer square root (floor) of a non-negative bigint. */
export function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  // Start above the root (Newton's iteration decreases monotonically from there).
  let x = 1n << BigInt((bitLength(n) >> 1) + 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}
