import { FPSR_IOC } from './control.js';
import type { FPEnv } from './env.js';
import { arithFlush, FPType, infinityBits, processNaNs, type Unpacked, unpack, zeroBits } from './exact.js';
import type { FPFormat } from './format.js';

/** NZCV values (bits 31..28) that FCMP/FCMPE/FCCMP write. */
export const NZCV_UNORDERED = 0b0011 << 28;
export const NZCV_EQUAL = 0b0110 << 28;
export const NZCV_LESS = 0b1000 << 28;
export const NZCV_GREATER = 0b0010 << 28;

/** Sign of x - y for two non-NaN unpacked values (infinities and zeros included). */
export function compareValues(x: Unpacked, y: Unpacked): number {
  const sx = signedRank(x);
  const sy = signedRank(y);
  if (sx !== sy || sx === 0 || Math.abs(sx) === 2) return Math.sign(sx - sy);
  // Both finite non-zero with the same sign: compare magnitudes exactly.
  const e = Math.min(x.exp, y.exp);
  const mx = x.mant << BigInt(x.exp - e);
  const my = y.mant << BigInt(y.exp - e);
  const c = mx === my ? 0 : mx > my ? 1 : -1;
  return x.sign ? -c : c;
}

/** -2 = -inf, -1 = negative finite, 0 = zero, 1 = positive finite, 2 = +inf. */
function signedRank(x: Unpacked): number {
  if (x.type === FPType.Zero) return 0;
  const m = x.type === FPType.Infinity ? 2 : 1;
  return x.sign ? -m : m;
}

/**
 * FPCompare: the NZCV flags of FCMP (signalling only for SNaN operands) or FCMPE (signalling
 * for any NaN operand), returned in bits 31..28.
 */
export function compareExact(env: FPEnv, fmt: FPFormat, a: bigint, b: bigint, signalAll: boolean): number {
  const flush = arithFlush(env, fmt);
  const x = unpack(env, fmt, a, flush);
  const y = unpack(env, fmt, b, flush);
  if (x.type >= FPType.QNaN || y.type >= FPType.QNaN) {
    if (signalAll || x.type === FPType.SNaN || y.type === FPType.SNaN) env.fpsr |= FPSR_IOC;
    return NZCV_UNORDERED;
  }
  const c = compareValues(x, y);
  return c === 0 ? NZCV_EQUAL : c < 0 ? NZCV_LESS : NZCV_GREATER;
}

/**
 * FPMax / FPMin (isMax selects), and with `numeric` FPMaxNum / FPMinNum, where a single quiet NaN
 * operand loses against a number.
 */
export function minMaxExact(
  env: FPEnv,
  fmt: FPFormat,
  a: bigint,
  b: bigint,
  isMax: boolean,
  numeric: boolean,
): bigint {
  const flush = arithFlush(env, fmt);
  if (numeric) {
    const t1 = unpack(env, fmt, a, flush).type;
    const t2 = unpack(env, fmt, b, flush).type;
    const inf = infinityBits(fmt, isMax ? 1 : 0);
    if (t1 === FPType.QNaN && t2 !== FPType.QNaN) a = inf;
    else if (t1 !== FPType.QNaN && t2 === FPType.QNaN) b = inf;
  }
  const x = unpack(env, fmt, a, flush);
  const y = unpack(env, fmt, b, flush);
  const nan = processNaNs(env, fmt, x.type, a, y.type, b);
  if (nan !== undefined) return nan;
  const c = compareValues(x, y);
  const pickFirst = isMax ? c > 0 : c < 0;
  const [w, wbits] = pickFirst ? [x, a] : [y, b];
  if (w.type === FPType.Zero) {
    // Between zeros, max prefers +0 and min prefers -0.
    const sign = isMax ? x.sign & y.sign : x.sign | y.sign;
    if (x.type === FPType.Zero && y.type === FPType.Zero) return zeroBits(fmt, sign);
    return zeroBits(fmt, w.sign);
  }
  // A finite or infinite value passes through unchanged (already representable, so FPRound is exact).
  return wbits;
}
