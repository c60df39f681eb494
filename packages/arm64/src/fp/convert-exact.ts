import { FPCR_AHP, FPCR_DN, FPSR_IOC, FPSR_IXC, Rounding } from './control.js';
import type { FPEnv } from './env.js';
import {
  arithFlush,
  convertFlush,
  FPType,
  infinityBits,
  processNaN,
  roundToFormat,
  unpack,
  zeroBits,
} from './exact.js';
import type { FPFormat } from './format.js';

/** FPConvertNaN: keep sign and the most significant payload bits, force the quiet bit. */
function convertNaN(from: FPFormat, to: FPFormat, bits: bigint): bigint {
  const sign = (bits >> BigInt(from.n - 1)) & 1n;
  let frac = (bits & from.fracMask) | from.quietBit;
  frac = to.f >= from.f ? frac << BigInt(to.f - from.f) : frac >> BigInt(from.f - to.f);
  return (sign << BigInt(to.n - 1)) | (to.expMax << BigInt(to.f)) | (frac & to.fracMask) | to.quietBit;
}

/** FPConvert (FCVT between half, single and double precision). */
export function convertExact(
  env: FPEnv,
  from: FPFormat,
  to: FPFormat,
  bits: bigint,
  rounding: Rounding,
): bigint {
  const x = unpack(env, from, bits, convertFlush(env, from));
  if (from.n === 16 && env.fpcr & FPCR_AHP && (bits & 0x7c00n) === 0x7c00n) {
    // Alternative half precision input: exponent 31 is an ordinary normal exponent.
    x.type = FPType.Finite;
    x.mant = (bits & 0x3ffn) | 0x400n;
    x.exp = 31 - 15 - 10;
  }
  const altHalf = to.n === 16 && (env.fpcr & FPCR_AHP) !== 0;
  if (x.type === FPType.QNaN || x.type === FPType.SNaN) {
    if (x.type === FPType.SNaN || altHalf) env.fpsr |= FPSR_IOC;
    if (altHalf) return zeroBits(to, x.sign);
    if (env.fpcr & FPCR_DN) return to.defaultNaN;
    return convertNaN(from, to, bits);
  }
  if (x.type === FPType.Infinity) {
    if (altHalf) {
      env.fpsr |= FPSR_IOC;
      return zeroBits(to, x.sign) | ((1n << BigInt(to.n - 1)) - 1n);
    }
    return infinityBits(to, x.sign);
  }
  if (x.type === FPType.Zero) return zeroBits(to, x.sign);
  return roundToFormat(env, to, x.sign, x.mant, x.exp, rounding, convertFlush(env, to), altHalf);
}

/**
 * FixedToFP: the signed (two's complement already applied) integer `value` / 2^fbits rounded to
 * `fmt` (SCVTF/UCVTF, integer and fixed-point forms).
 */
export function fixedToFPExact(
  env: FPEnv,
  fmt: FPFormat,
  value: bigint,
  fbits: number,
  rounding: Rounding,
): bigint {
  if (value === 0n) return zeroBits(fmt, 0);
  const sign = value < 0n ? 1 : 0;
  return roundToFormat(env, fmt, sign, sign ? -value : value, -fbits, rounding, arithFlush(env, fmt));
}

/** Signed value of x * 2^shift split as floor and the remainder's relation to one half. */
function floorScaled(
  neg: boolean,
  mant: bigint,
  exp: number,
): { int: bigint; cmpHalf: number; inexact: boolean } {
  const v = neg ? -mant : mant;
  if (exp >= 0) return { int: v << BigInt(exp), cmpHalf: -1, inexact: false };
  const d = 1n << BigInt(-exp);
  let q = v / d;
  let r = v - q * d;
  if (r < 0n) {
    q -= 1n;
    r += d;
  }
  const twice = r * 2n;
  return { int: q, cmpHalf: twice === d ? 0 : twice > d ? 1 : -1, inexact: r !== 0n };
}

function roundUp(rounding: Rounding, int: bigint, cmpHalf: number, inexact: boolean): boolean {
  switch (rounding) {
    case Rounding.TiesEven:
      return cmpHalf > 0 || (cmpHalf === 0 && (int & 1n) === 1n);
    case Rounding.PosInf:
      return inexact;
    case Rounding.NegInf:
      return false;
    case Rounding.Zero:
      return inexact && int < 0n;
    case Rounding.TiesAway:
      return cmpHalf > 0 || (cmpHalf === 0 && int >= 0n);
    default:
      return false;
  }
}

/**
 * FPToFixed: FCVT[ZNAPM][SU] and the fixed-point FCVTZ forms. Saturates to the `width`-bit
 * signed or unsigned range (Invalid Operation on saturation or NaN, NaN giving 0) and returns
 * the result as a `width`-bit two's complement pattern.
 */
export function fpToFixedExact(
  env: FPEnv,
  fmt: FPFormat,
  bits: bigint,
  fbits: number,
  unsigned: boolean,
  width: number,
  rounding: Rounding,
): bigint {
  const x = unpack(env, fmt, bits, arithFlush(env, fmt));
  if (x.type === FPType.QNaN || x.type === FPType.SNaN) {
    env.fpsr |= FPSR_IOC;
    return 0n;
  }
  const w = BigInt(width);
  const max = unsigned ? (1n << w) - 1n : (1n << (w - 1n)) - 1n;
  const min = unsigned ? 0n : -(1n << (w - 1n));
  let int: bigint;
  let inexact = false;
  if (x.type === FPType.Infinity) {
    int = x.sign ? min - 1n : max + 1n;
  } else if (x.type === FPType.Zero) {
    int = 0n;
  } else {
    const f = floorScaled(x.sign === 1, x.mant, x.exp + fbits);
    int = f.int;
    inexact = f.inexact;
    if (roundUp(rounding, int, f.cmpHalf, f.inexact)) int += 1n;
  }
  if (int > max || int < min) {
    env.fpsr |= FPSR_IOC;
    int = int > max ? max : min;
  } else if (inexact) {
    env.fpsr |= FPSR_IXC;
  }
  return int & ((1n << w) - 1n);
}

/** FPRoundInt: FRINT[NAMPZXI]; `exact` (FRINTX) raises Inexact when the value changed. */
export function roundIntExact(
  env: FPEnv,
  fmt: FPFormat,
  bits: bigint,
  rounding: Rounding,
  exact: boolean,
): bigint {
  const x = unpack(env, fmt, bits, arithFlush(env, fmt));
  if (x.type === FPType.QNaN || x.type === FPType.SNaN) return processNaN(env, fmt, x.type, bits);
  if (x.type === FPType.Infinity) return infinityBits(fmt, x.sign);
  if (x.type === FPType.Zero) return zeroBits(fmt, x.sign);
  if (x.exp >= 0) return bits;
  const f = floorScaled(x.sign === 1, x.mant, x.exp);
  let int = f.int;
  if (roundUp(rounding, int, f.cmpHalf, f.inexact)) int += 1n;
  if (f.inexact && exact) env.fpsr |= FPSR_IXC;
  if (int === 0n) return zeroBits(fmt, x.sign);
  const neg = int < 0n;
  return roundToFormat(env, fmt, neg ? 1 : 0, neg ? -int : int, 0, Rounding.Zero, false);
}
