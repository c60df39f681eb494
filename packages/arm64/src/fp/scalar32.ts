import { faddsub32, fdiv32, fmul32, fmuladd32, fsqrt32 } from './arith.js';
import { fcmp32 } from './compare.js';
import { Rounding } from './control.js';
import { fcvt, fpToInt, intToFP } from './convert.js';
import { defineFp, scratchEnv as env, NZCV_ORDER, scratchFile as rf } from './scalar64.js';

/**
 * Scalar single-precision operations (and FCVT between single and double) as core's `float` IR
 * operation, like scalar64.ts: singles travel in the low 32 bits of the operand (lanes 2, 4 and 6
 * of the scratch file), and a single result comes back zero-extended. Emit them with `emitFp64`.
 */

/** fma operands are (addend, n, m): addend + n*m; FMSUB and friends negate the bits first. */
export const FP32 = {
  add: defineFp('add32', () => faddsub32(rf, env, 0, 2, 4, false)),
  sub: defineFp('sub32', () => faddsub32(rf, env, 0, 2, 4, true)),
  mul: defineFp('mul32', () => fmul32(rf, env, 0, 2, 4)),
  div: defineFp('div32', () => fdiv32(rf, env, 0, 2, 4)),
  sqrt: defineFp('sqrt32', () => fsqrt32(rf, env, 0, 2)),
  fma: defineFp('fma32', () => fmuladd32(rf, env, 0, 2, 4, 6, false, false)),
  /** FCMP: NZCV in bits 31:28. */
  cmp: defineFp(
    'cmp32',
    () => {
      rf.regs[0] = BigInt(fcmp32(rf, env, 2, 4, false) >>> 0);
    },
    NZCV_ORDER,
  ),
  /** FCMPE: Invalid Operation for quiet NaNs too. */
  cmpe: defineFp(
    'cmp32',
    () => {
      rf.regs[0] = BigInt(fcmp32(rf, env, 2, 4, true) >>> 0);
    },
    NZCV_ORDER,
  ),
  fromS64: defineFp('fromS64To32', () => intToFP(rf, env, 32, 0, 1, 64, false, 0)),
  fromU64: defineFp('fromU64To32', () => intToFP(rf, env, 32, 0, 1, 64, true, 0)),
  toS64: defineFp('toS64From32', () => fpToInt(rf, env, 0, 64, 32, 2, false, Rounding.Zero, 0)),
  toS32: defineFp('toS32From32', () => fpToInt(rf, env, 0, 32, 32, 2, false, Rounding.Zero, 0)),
  toU64: defineFp('toU64From32', () => fpToInt(rf, env, 0, 64, 32, 2, true, Rounding.Zero, 0)),
  toU32: defineFp('toU32From32', () => fpToInt(rf, env, 0, 32, 32, 2, true, Rounding.Zero, 0)),
  /** FCVT Dd, Sn */
  toDouble: defineFp('cvt32To64', () => fcvt(rf, env, 64, 0, 32, 2)),
  /** FCVT Sd, Dn */
  fromDouble: defineFp('cvt64To32', () => fcvt(rf, env, 32, 0, 64, 1)),
} as const;
