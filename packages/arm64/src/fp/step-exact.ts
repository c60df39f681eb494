import { negBits, roundSigned } from './arith-exact.js';
import { fpcrRounding, Rounding } from './control.js';
import type { FPEnv } from './env.js';
import { arithFlush, FPType, infinityBits, processNaNs, unpack } from './exact.js';
import type { FPFormat } from './format.js';

/**
 * FPRecipStepFused (FRECPS: 2 - a*b) and FPRSqrtStepFused (FRSQRTS: (3 - a*b) / 2), rounded once.
 * As in the pseudocode, a is negated before NaN processing, and infinity times zero gives 2 (1.5)
 * rather than Invalid Operation: the Newton-Raphson steps must not break on those inputs.
 */
export function stepFusedExact(env: FPEnv, fmt: FPFormat, a: bigint, b: bigint, sqrt: boolean): bigint {
  const flush = arithFlush(env, fmt);
  const na = negBits(fmt, a);
  const x = unpack(env, fmt, na, flush);
  const y = unpack(env, fmt, b, flush);
  const nan = processNaNs(env, fmt, x.type, na, y.type, b);
  if (nan !== undefined) return nan;
  const infX = x.type === FPType.Infinity;
  const infY = y.type === FPType.Infinity;
  const zeroX = x.type === FPType.Zero;
  const zeroY = y.type === FPType.Zero;
  // 2.0 or 1.5 when one operand is infinite and the other zero
  if ((infX && zeroY) || (zeroX && infY))
    return roundSigned(env, fmt, sqrt ? 3n : 2n, sqrt ? -1 : 0, Rounding.TiesEven);
  if (infX || infY) return infinityBits(fmt, x.sign ^ y.sign);
  const constant = sqrt ? 3n : 2n;
  if (zeroX || zeroY) return roundSigned(env, fmt, constant, sqrt ? -1 : 0, fpcrRounding(env.fpcr));
  const pe = x.exp + y.exp;
  const e = Math.min(0, pe);
  const product = (x.mant * y.mant) << BigInt(pe - e);
  const sum = (constant << BigInt(-e)) + (x.sign ^ y.sign ? -product : product);
  return roundSigned(env, fmt, sum, sqrt ? e - 1 : e, fpcrRounding(env.fpcr));
}
