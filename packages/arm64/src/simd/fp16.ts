import type { Fields } from '../decode/table.js';
import type { LiftContext } from '../lift/context.js';
import { type A64Form, form } from '../lift/form.js';
import {
  compareZeroKind,
  liftFpAcross,
  liftFpCompareZero,
  liftFpPairScalar,
  liftFpThreeSame,
  liftFpTwoMisc,
  liftScalarFpThreeSame,
} from './fp-vector.js';

/**
 * The AdvSIMD half-precision classes of FEAT_FP16 (ASIMDHP): three same, two-register misc (vector
 * and scalar), across lanes and scalar pairwise on .4H/.8H and Hn. Their opcodes are those of the
 * single/double classes, so each row hands its fields to the same lifter with a lane width of 16.
 * The by-element, fixed-point and FMOV (vector, immediate) forms share rows with the other widths
 * (by-element.ts, fixed-point.ts, modified-imm.ts).
 */

/** Two-register misc FP16: the compares against zero (a=1, opcode 0110x and 01110), or the rest. */
function liftFp16TwoMisc(f: Fields, c: LiftContext, scalar: boolean): boolean {
  if (f.h === 1 && (f.o === 0b01100 || f.o === 0b01101)) {
    return liftFpCompareZero(f, c, compareZeroKind(f.u, f.o & 1), scalar, 16);
  }
  if (f.h === 1 && f.o === 0b01110) return f.u === 0 && liftFpCompareZero(f, c, 'lt', scalar, 16);
  if (scalar && f.o === 0b01111) return false; // FABS/FNEG have no scalar AdvSIMD form
  return liftFpTwoMisc(f, c, 16, scalar);
}

export const fp16Forms: readonly A64Form[] = [
  form('SIMD_fp16_three_same', '0 q u 01110 h 10 mmmmm 00 ooo 1 nnnnn ddddd', (f, c) =>
    liftFpThreeSame(f, c, 16),
  ),
  form('SIMD_scalar_fp16_three_same', '01 u 11110 h 10 mmmmm 00 ooo 1 nnnnn ddddd', (f, c) =>
    liftScalarFpThreeSame(f, c, 16),
  ),
  form('SIMD_fp16_two_misc', '0 q u 01110 h 1111 00 ooooo 10 nnnnn ddddd', (f, c) =>
    liftFp16TwoMisc(f, c, false),
  ),
  form('SIMD_scalar_fp16_two_misc', '01 u 11110 h 1111 00 ooooo 10 nnnnn ddddd', (f, c) =>
    liftFp16TwoMisc(f, c, true),
  ),
  form('SIMD_fp16_across', '0 q 0 01110 h 0 11000 011 oo 10 nnnnn ddddd', (f, c) => liftFpAcross(f, c, 16), [
    'SIMD_across',
  ]),
  form('SIMD_scalar_fp16_pair', '01 0 11110 h 0 11000 011 oo 10 nnnnn ddddd', (f, c) =>
    liftFpPairScalar({ ...f, o: 0b01100 | f.o }, c, 16),
  ),
];
