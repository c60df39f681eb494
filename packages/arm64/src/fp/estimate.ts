import { FPSR_DZC, FPSR_IOC, FPSR_IXC, FPSR_OFC, FPSR_UFC, fpcrRounding, Rounding } from './control.js';
import type { FPEnv } from './env.js';
import { arithFlush, FPType, infinityBits, maxNormalBits, processNaN, unpack, zeroBits } from './exact.js';
import type { FPFormat } from './format.js';

/**
 * The reciprocal and reciprocal square root estimates of the Arm ARM (FRECPE, FRSQRTE, FRECPX,
 * URECPE, URSQRTE): table-free integer algorithms on 8 or 9 bits of the operand, so every result
 * is exactly what the hardware returns, not a nearby value.
 */

/** RecipEstimate: a in [256, 512) is 0.5..1 in steps of 1/512; the result in [256, 512) is 1..2. */
export function recipEstimate(a: number): number {
  const b = Math.floor(2 ** 19 / (a * 2 + 1));
  return (b + 1) >> 1;
}

/** RecipSqrtEstimate: a in [128, 512) is 0.25..1; the result in [256, 512) is 1..2. */
export function recipSqrtEstimate(a: number): number {
  const x = a < 256 ? a * 2 + 1 : (((a >> 1) << 1) + 1) * 2;
  let b = 512;
  while (x * (b + 1) * (b + 1) < 2 ** 28) b++;
  return (b + 1) >> 1;
}

/** The operand's fraction as 52 bits and its biased exponent (the pseudocode's common scaling). */
function fraction52(fmt: FPFormat, bits: bigint): { fraction: bigint; exp: number } {
  return {
    fraction: (bits & fmt.fracMask) << BigInt(52 - fmt.f),
    exp: Number((bits >> BigInt(fmt.f)) & fmt.expMax),
  };
}

const TOP = 1n << 51n;
const FRAC52 = (1n << 52n) - 1n;

/** FPRecipEstimate. */
export function recipEstimateBits(env: FPEnv, fmt: FPFormat, bits: bigint): bigint {
  const u = unpack(env, fmt, bits, arithFlush(env, fmt));
  if (u.type === FPType.QNaN || u.type === FPType.SNaN) return processNaN(env, fmt, u.type, bits);
  if (u.type === FPType.Infinity) return zeroBits(fmt, u.sign);
  if (u.type === FPType.Zero) {
    env.fpsr |= FPSR_DZC;
    return infinityBits(fmt, u.sign);
  }
  const magnitudeExp = u.exp + bitLengthOf(u.mant) - 1; // |value| in [2^e, 2^(e+1))
  if (magnitudeExp < -(fmt.bias + 1)) {
    // |value| < 2^-128 (single) or 2^-1024 (double): the reciprocal overflows
    const rounding = fpcrRounding(env.fpcr);
    const toInf =
      rounding === Rounding.TiesEven ||
      (rounding === Rounding.PosInf && u.sign === 0) ||
      (rounding === Rounding.NegInf && u.sign === 1);
    env.fpsr |= FPSR_OFC | FPSR_IXC;
    return toInf ? infinityBits(fmt, u.sign) : maxNormalBits(fmt, u.sign);
  }
  if (arithFlush(env, fmt) && magnitudeExp >= fmt.bias - 1) {
    env.fpsr |= FPSR_UFC;
    return zeroBits(fmt, u.sign);
  }
  let { fraction, exp } = fraction52(fmt, bits);
  if (exp === 0) {
    if ((fraction & TOP) === 0n) {
      exp = -1;
      fraction = (fraction << 2n) & FRAC52;
    } else fraction = (fraction << 1n) & FRAC52;
  }
  const scaled = Number(0x100n | (fraction >> 44n));
  let resultExp = 2 * fmt.bias - 1 - exp;
  let out = BigInt(recipEstimate(scaled) & 0xff) << 44n;
  if (resultExp === 0) out = (1n << 51n) | (out >> 1n);
  else if (resultExp === -1) {
    out = (1n << 50n) | (out >> 2n);
    resultExp = 0;
  }
  return zeroBits(fmt, u.sign) | (BigInt(resultExp) << BigInt(fmt.f)) | (out >> BigInt(52 - fmt.f));
}

/** FPRSqrtEstimate. */
export function rsqrtEstimateBits(env: FPEnv, fmt: FPFormat, bits: bigint): bigint {
  const u = unpack(env, fmt, bits, arithFlush(env, fmt));
  if (u.type === FPType.QNaN || u.type === FPType.SNaN) return processNaN(env, fmt, u.type, bits);
  if (u.type === FPType.Zero) {
    env.fpsr |= FPSR_DZC;
    return infinityBits(fmt, u.sign);
  }
  if (u.sign === 1) {
    env.fpsr |= FPSR_IOC;
    return fmt.defaultNaN;
  }
  if (u.type === FPType.Infinity) return zeroBits(fmt, 0);
  let { fraction, exp } = fraction52(fmt, bits);
  if (exp === 0) {
    while ((fraction & TOP) === 0n) {
      fraction = (fraction << 1n) & FRAC52;
      exp--;
    }
    fraction = (fraction << 1n) & FRAC52;
  }
  const scaled = (exp & 1) === 0 ? Number(0x100n | (fraction >> 44n)) : Number(0x80n | (fraction >> 45n));
  const resultExp = Math.floor((3 * fmt.bias - 1 - exp) / 2);
  const estimate = BigInt(recipSqrtEstimate(scaled) & 0xff) << 44n;
  return (BigInt(resultExp) << BigInt(fmt.f)) | (estimate >> BigInt(52 - fmt.f));
}

/** FPRecpX: the exponent inverted, the fraction cleared (zeros and denormals give the largest exponent). */
export function recpxBits(env: FPEnv, fmt: FPFormat, bits: bigint): bigint {
  const u = unpack(env, fmt, bits, arithFlush(env, fmt));
  if (u.type === FPType.QNaN || u.type === FPType.SNaN) return processNaN(env, fmt, u.type, bits);
  const exp = (bits >> BigInt(fmt.f)) & fmt.expMax;
  const outExp = exp === 0n ? fmt.expMax - 1n : ~exp & fmt.expMax;
  return zeroBits(fmt, u.sign) | (outExp << BigInt(fmt.f));
}

/** URECPE on one 32-bit lane. */
export function unsignedRecipEstimate(x: number): number {
  if ((x & 0x80000000) === 0) return 0xffffffff;
  return (recipEstimate(x >>> 23) << 23) >>> 0;
}

/** URSQRTE on one 32-bit lane. */
export function unsignedRsqrtEstimate(x: number): number {
  if (x >>> 30 === 0) return 0xffffffff;
  return (recipSqrtEstimate(x >>> 23) << 23) >>> 0;
}

function bitLengthOf(x: bigint): number {
  return x.toString(2).length;
}
