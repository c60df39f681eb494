import type { Fields } from '../decode/table.js';
import { expandFPImm } from '../fp/lift-move.js';
import type { LiftContext } from '../lift/context.js';
import { type A64Form, form } from '../lift/form.js';

/**
 * AdvSIMD modified immediate: MOVI, MVNI, ORR (immediate), BIC (immediate), FMOV (vector,
 * immediate), including MOVI Dd, #imm. AdvSIMDExpandImm gives a 64-bit pattern that is applied to
 * both halves (or the low half with Q=0), all in IR.
 */

const ONES = 0xffffffffffffffffn;

function replicate(v: bigint, bits: number): bigint {
  let r = v;
  for (let w = bits; w < 64; w *= 2) r |= r << BigInt(w);
  return r & ONES;
}

/** AdvSIMDExpandImm(op, cmode, imm8). */
export function expandSimdImm(op: number, cmode: number, imm8: number): bigint | undefined {
  const i = BigInt(imm8);
  switch (cmode >> 1) {
    case 0:
      return replicate(i, 32);
    case 1:
      return replicate(i << 8n, 32);
    case 2:
      return replicate(i << 16n, 32);
    case 3:
      return replicate(i << 24n, 32);
    case 4:
      return replicate(i, 16);
    case 5:
      return replicate(i << 8n, 16);
    case 6:
      return replicate(cmode & 1 ? (i << 16n) | 0xffffn : (i << 8n) | 0xffn, 32);
    default:
      if ((cmode & 1) === 0 && op === 0) return replicate(i, 8);
      if ((cmode & 1) === 0 && op === 1) {
        let r = 0n;
        for (let k = 0; k < 8; k++) if ((imm8 >> k) & 1) r |= 0xffn << BigInt(8 * k);
        return r;
      }
      if ((cmode & 1) === 1 && op === 0) return replicate(expandFPImm(imm8, 32), 32);
      if ((cmode & 1) === 1 && op === 1) return expandFPImm(imm8, 64);
      return undefined;
  }
}

function liftModifiedImm(f: Fields, c: LiftContext): boolean {
  const cmode = f.c;
  const op = f.o;
  const imm8 = (f.a << 5) | f.h;
  // o2 = 1 is only FMOV (vector, immediate) in half precision (FEAT_FP16)
  if (f.p !== 0 && (op !== 0 || cmode !== 0b1111)) return false;
  if (cmode === 0b1111 && op === 1 && f.q === 0) return false;
  const imm = f.p ? replicate(expandFPImm(imm8, 16), 16) : expandSimdImm(op, cmode, imm8);
  if (imm === undefined) return false;
  const b = c.b;
  // ORR / BIC (immediate): cmode 0xx1 or 10x1 for 32/16-bit shifted forms.
  const isOrrBic = (cmode & 1) === 1 && cmode < 0b1100;
  const q = f.q === 1;
  if (isOrrBic) {
    const apply = (v: ReturnType<typeof c.vlo>) => (op === 0 ? b.or(v, imm) : b.and(v, ~imm & ONES));
    c.setV(f.d, apply(c.vlo(f.d)), q ? apply(c.vhi(f.d)) : 0n);
    return true;
  }
  // MVNI: op = 1 except for cmode 1110 (MOVI 64-bit) and 1111 (FMOV double)
  const inverted = op === 1 && cmode < 0b1110 ? ~imm & ONES : imm;
  c.setV(f.d, b.const64(inverted), q ? b.const64(inverted) : 0n);
  return true;
}

export const modifiedImmForms: readonly A64Form[] = [
  form('SIMD_modified_imm', '0 q o 0111100000 aaa cccc p 1 hhhhh ddddd', liftModifiedImm, [
    // immh = 0 is this class, not a shift
    'SIMD_shift_imm',
    'SQSHL_UQSHL_imm',
    'SQSHLU',
    'SQSHRN_UQSHRN',
    'SQSHRUN',
    'SHIFT_fixed_convert',
  ]),
];
