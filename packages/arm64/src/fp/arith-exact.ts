import { FPSR_DZC, FPSR_IOC, fpcrRounding, Rounding } from './control.js';
import type { FPEnv } from './env.js';
import {
  arithFlush,
  bitLength,
  FPType,
  infinityBits,
  isqrt,
  processNaN,
  processNaNs,
  processNaNs3,
  roundToFormat,
  unpack,
  zeroBits,
} from './exact.js';
import type { FPFormat } from './format.js';

/**
 * Exact arithmetic on bit patterns: FPAdd, FPSub, FPMul, FPDiv, FPSqrt, FPMulAdd of the Arm ARM.
 * Slow (BigInt) but the definition every faster path is checked against.
 */

function defaultNaN(env: FPEnv, fmt: FPFormat): bigint {
  env.fpsr |= FPSR_IOC;
  return fmt.defaultNaN;
}

/** Round an exact signed sum/product, giving the rounding-mode dependent zero for an exact 0. */
export function roundSigned(
  env: FPEnv,
  fmt: FPFormat,
  value: bigint,
  exp: number,
  rounding: Rounding,
): bigint {
  if (value === 0n) return zeroBits(fmt, rounding === Rounding.NegInf ? 1 : 0);
  const sign = value < 0n ? 1 : 0;
  return roundToFormat(env, fmt, sign, sign ? -value : value, exp, rounding, arithFlush(env, fmt));
}

/** a + b (negateB = false) or a - b (negateB = true); NaNs propagate with their original signs. */
export function addExact(env: FPEnv, fmt: FPFormat, a: bigint, b: bigint, negateB: boolean): bigint {
  const flush = arithFlush(env, fmt);
  const x = unpack(env, fmt, a, flush);
  const y = unpack(env, fmt, b, flush);
  const nan = processNaNs(env, fmt, x.type, a, y.type, b);
  if (nan !== undefined) return nan;
  const sy = negateB ? y.sign ^ 1 : y.sign;
  const inf1 = x.type === FPType.Infinity;
  const inf2 = y.type === FPType.Infinity;
  if (inf1 && inf2 && x.sign !== sy) return defaultNaN(env, fmt);
  if (inf1) return infinityBits(fmt, x.sign);
  if (inf2) return infinityBits(fmt, sy);
  if (x.type === FPType.Zero && y.type === FPType.Zero && x.sign === sy) return zeroBits(fmt, x.sign);
  const e = Math.min(x.exp, y.exp);
  const vx = (x.mant << BigInt(x.exp - e)) * (x.sign ? -1n : 1n);
  const vy = (y.mant << BigInt(y.exp - e)) * (sy ? -1n : 1n);
  return roundSigned(env, fmt, vx + vy, e, fpcrRounding(env.fpcr));
}

export function mulExact(env: FPEnv, fmt: FPFormat, a: bigint, b: bigint): bigint {
  const flush = arithFlush(env, fmt);
  const x = unpack(env, fmt, a, flush);
  const y = unpack(env, fmt, b, flush);
  const nan = processNaNs(env, fmt, x.type, a, y.type, b);
  if (nan !== undefined) return nan;
  const sign = x.sign ^ y.sign;
  const zero = x.type === FPType.Zero || y.type === FPType.Zero;
  const inf = x.type === FPType.Infinity || y.type === FPType.Infinity;
  if (zero && inf) return defaultNaN(env, fmt);
  if (inf) return infinityBits(fmt, sign);
  if (zero) return zeroBits(fmt, sign);
  return roundToFormat(env, fmt, sign, x.mant * y.mant, x.exp + y.exp, fpcrRounding(env.fpcr), flush);
}

/**
 * FMULX: like FPMul except that infinity times zero gives 2.0 with the sign of the product.
 */
export function mulxExact(env: FPEnv, fmt: FPFormat, a: bigint, b: bigint): bigint {
  const flush = arithFlush(env, fmt);
  const x = unpack(env, fmt, a, flush);
  const y = unpack(env, fmt, b, flush);
  const zero = x.type === FPType.Zero || y.type === FPType.Zero;
  const inf = x.type === FPType.Infinity || y.type === FPType.Infinity;
  if (zero && inf && processNaNs(env, fmt, x.type, a, y.type, b) === undefined) {
    // 2.0 = biased exponent bias+1, fraction 0
    return zeroBits(fmt, x.sign ^ y.sign) | (BigInt(fmt.bias + 1) << BigInt(fmt.f));
  }
  return mulExact(env, fmt, a, b);
}

/** Number of quotient/root bits computed beyond the format's precision before the sticky bit. */
const GUARD = 3;

export function divExact(env: FPEnv, fmt: FPFormat, a: bigint, b: bigint): bigint {
  const flush = arithFlush(env, fmt);
  const x = unpack(env, fmt, a, flush);
  const y = unpack(env, fmt, b, flush);
  const nan = processNaNs(env, fmt, x.type, a, y.type, b);
  if (nan !== undefined) return nan;
  const sign = x.sign ^ y.sign;
  const inf1 = x.type === FPType.Infinity;
  const inf2 = y.type === FPType.Infinity;
  const zero1 = x.type === FPType.Zero;
  const zero2 = y.type === FPType.Zero;
  if ((inf1 && inf2) || (zero1 && zero2)) return defaultNaN(env, fmt);
  if (inf1 || zero2) {
    if (!inf1) env.fpsr |= FPSR_DZC;
    return infinityBits(fmt, sign);
  }
  if (zero1 || inf2) return zeroBits(fmt, sign);
  // Scale the dividend so the quotient has at least f + 1 + GUARD bits, then keep a sticky bit.
  const k = Math.max(0, fmt.f + 1 + GUARD + bitLength(y.mant) - bitLength(x.mant) + 1);
  const num = x.mant << BigInt(k);
  const q = num / y.mant;
  const sticky = num - q * y.mant !== 0n ? 1n : 0n;
  return roundToFormat(
    env,
    fmt,
    sign,
    (q << 1n) | sticky,
    x.exp - y.exp - k - 1,
    fpcrRounding(env.fpcr),
    flush,
  );
}

export function sqrtExact(env: FPEnv, fmt: FPFormat, a: bigint): bigint {
  const flush = arithFlush(env, fmt);
  const x = unpack(env, fmt, a, flush);
  if (x.type === FPType.QNaN || x.type === FPType.SNaN) return processNaN(env, fmt, x.type, a);
  if (x.type === FPType.Zero) return zeroBits(fmt, x.sign);
  if (x.sign === 1) return defaultNaN(env, fmt);
  if (x.type === FPType.Infinity) return infinityBits(fmt, 0);
  let m = x.mant;
  let e = x.exp;
  if (e & 1) {
    m <<= 1n;
    e -= 1;
  }
  // Make m have at least 2 * (f + 1 + GUARD) bits so the root has f + 1 + GUARD bits.
  const want = 2 * (fmt.f + 1 + GUARD);
  const k = Math.max(0, Math.ceil((want - bitLength(m)) / 2));
  m <<= BigInt(2 * k);
  const s = isqrt(m);
  const sticky = m - s * s !== 0n ? 1n : 0n;
  return roundToFormat(env, fmt, 0, (s << 1n) | sticky, e / 2 - k - 1, fpcrRounding(env.fpcr), flush);
}

/**
 * FPMulAdd(addend, op1, op2): addend + op1 * op2 rounded once. Callers implement FMSUB, FNMADD and
 * FNMSUB by flipping sign bits of the operands first (FPNeg), exactly as the pseudocode does.
 */
export function mulAddExact(env: FPEnv, fmt: FPFormat, addend: bigint, op1: bigint, op2: bigint): bigint {
  const flush = arithFlush(env, fmt);
  const A = unpack(env, fmt, addend, flush);
  const x = unpack(env, fmt, op1, flush);
  const y = unpack(env, fmt, op2, flush);
  const inf1 = x.type === FPType.Infinity;
  const inf2 = y.type === FPType.Infinity;
  const zero1 = x.type === FPType.Zero;
  const zero2 = y.type === FPType.Zero;
  const nan = processNaNs3(env, fmt, A.type, addend, x.type, op1, y.type, op2);
  if (A.type === FPType.QNaN && ((inf1 && zero2) || (zero1 && inf2))) {
    env.fpsr |= FPSR_IOC;
    return fmt.defaultNaN;
  }
  if (nan !== undefined) return nan;
  const infA = A.type === FPType.Infinity;
  const zeroA = A.type === FPType.Zero;
  const signP = x.sign ^ y.sign;
  const infP = inf1 || inf2;
  const zeroP = zero1 || zero2;
  if ((inf1 && zero2) || (zero1 && inf2) || (infA && infP && A.sign !== signP)) return defaultNaN(env, fmt);
  if ((infA && A.sign === 0) || (infP && signP === 0)) return infinityBits(fmt, 0);
  if ((infA && A.sign === 1) || (infP && signP === 1)) return infinityBits(fmt, 1);
  if (zeroA && zeroP && A.sign === signP) return zeroBits(fmt, A.sign);
  const pm = x.mant * y.mant;
  const pe = x.exp + y.exp;
  let vA = A.mant;
  let vP = pm;
  let e: number;
  if (zeroA) {
    e = pe;
  } else if (zeroP) {
    e = A.exp;
  } else {
    e = Math.min(A.exp, pe);
    vA <<= BigInt(A.exp - e);
    vP <<= BigInt(pe - e);
  }
  const sum = (A.sign ? -vA : vA) + (signP ? -vP : vP);
  return roundSigned(env, fmt, sum, e, fpcrRounding(env.fpcr));
}

/** FPNeg on a bit pattern (also flips the sign of NaNs, as the pseudocode does without FEAT_AFP). */
export function negBits(fmt: FPFormat, a: bigint): bigint {
  return a ^ fmt.signBit;
}

export function absBits(fmt: FPFormat, a: bigint): bigint {
  return a & ~fmt.signBit;
}
