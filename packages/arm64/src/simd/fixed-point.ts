import type { Cpu } from '@arm64kit/core';
import type { Fields } from '../decode/table.js';
import { Rounding } from '../fp/control.js';
import { fpToInt, intToFP } from '../fp/convert.js';
import { envOf } from '../fp/cpu-env.js';
import { type LaneSize, laneOps } from '../fp/lane-ops.js';
import { scratchRegisterFile } from '../fp/regfile.js';
import type { LiftContext } from '../lift/context.js';
import { type A64Form, form } from '../lift/form.js';
import { vLo } from '../state.js';

/**
 * Fixed-point conversions on lanes (shift-by-immediate class): SCVTF/UCVTF Vd, Vn, #fbits
 * (opcode 11100) and FCVTZS/FCVTZU Vd, Vn, #fbits (opcode 11111), vector and scalar, single and
 * double precision and half precision (FEAT_FP16), through the same exact conversions as the scalar FP forms.
 */

/** Slots 0-1: the source vector, 2: a 64-bit conversion result, 4-5: the result vector. */
const scratch = scratchRegisterFile(6);

function liftFixedPoint(f: Fields, c: LiftContext, scalar: boolean): boolean {
  if (f.o !== 0b00 && f.o !== 0b11) return false;
  // immh 0000 is another class; 001x half precision (FEAT_FP16), 01xx single, 1xxx double
  const size: LaneSize | undefined = f.h & 0b1000 ? 64 : f.h & 0b0100 ? 32 : f.h & 0b0010 ? 16 : undefined;
  if (size === undefined) return false;
  if (!scalar && size === 64 && f.q === 0) return false;
  const fbits = 2 * size - ((f.h << 3) | f.i);
  const toFloat = f.o === 0b00;
  const isUnsigned = f.u === 1;
  const lanes = scalar ? 1 : (f.q ? 128 : 64) / size;
  const full = !scalar && f.q === 1;
  const { d, n } = f;
  const ops = laneOps(size);
  const { lane } = ops;
  c.b.callHelper((cpu: Cpu) => {
    const env = envOf(cpu);
    const s = scratch;
    for (let w = 0; w < 4; w++) s.regs32[w] = cpu.regs32[2 * vLo(n) + w];
    s.regs[4] = 0n;
    s.regs[5] = 0n;
    for (let e = 0; e < lanes; e++) {
      if (toFloat) {
        // the integer lane, extended into slot 2, converted as a 64-bit integer
        const v = ops.read(s, lane(0, e));
        s.regs[2] = isUnsigned ? v : BigInt.asUintN(64, BigInt.asIntN(size, v));
        intToFP(s, env, size, lane(4, e), 2, 64, isUnsigned, fbits);
      } else {
        fpToInt(s, env, 2, size, size, lane(0, e), isUnsigned, Rounding.Zero, fbits);
        ops.write(s, lane(4, e), s.regs[2]);
      }
    }
    for (let w = 0; w < 4; w++) cpu.regs32[2 * vLo(d) + w] = w >= 2 && !full ? 0 : s.regs32[8 + w];
  });
  return true;
}

export const fixedPointForms: readonly A64Form[] = [
  form(
    'SHIFT_fixed_convert',
    '0 q u 011110 hhhh iii 111 oo 1 nnnnn ddddd',
    (f, c) => liftFixedPoint(f, c, false),
    ['SIMD_shift_imm'],
  ),
  form(
    'SHIFT_fixed_convert_scalar',
    '01 u 111110 hhhh iii 111 oo 1 nnnnn ddddd',
    (f, c) => liftFixedPoint(f, c, true),
    ['SIMD_scalar_shift_imm'],
  ),
];
