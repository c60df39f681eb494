import type { Fields } from '../decode/table.js';
import type { LiftContext } from '../lift/context.js';
import { type A64Form, form } from '../lift/form.js';
import { vHi } from '../state.js';

/** FMOV (scalar, immediate): VFPExpandImm of the 8-bit immediate. */
export function expandFPImm(imm8: number, size: 16 | 32 | 64): bigint {
  const e = size === 64 ? 11 : size === 32 ? 8 : 5;
  const f = size - e - 1;
  const sign = BigInt((imm8 >> 7) & 1);
  const b6 = (imm8 >> 6) & 1;
  // exponent: NOT(b6) : Replicate(b6, e-3) : imm8<5:4>
  let exp = (b6 ^ 1) << (e - 1);
  if (b6) exp |= ((1 << (e - 3)) - 1) << 2;
  exp |= (imm8 >> 4) & 3;
  const frac = BigInt(imm8 & 15) << BigInt(f - 4);
  return (sign << BigInt(size - 1)) | (BigInt(exp) << BigInt(f)) | frac;
}

function liftFmovImm(f: Fields, c: LiftContext): boolean {
  const size = f.t === 0 ? 32 : f.t === 1 ? 64 : f.t === 3 ? 16 : undefined;
  if (size === undefined) return false;
  c.setV(f.d, c.b.const64(expandFPImm(f.i, size)), 0n);
  return true;
}

/**
 * FMOV between general and FP registers (rmode:opcode = 00:110 to general, 00:111 from general,
 * 01:11x the upper half of V with sf=1, ftype=10; ftype=11 moves a half-precision Hn/Hd with W or X).
 */
function liftFmovGeneral(f: Fields, c: LiftContext): boolean {
  const b = c.b;
  const toGeneral = f.o === 0;
  if (f.r === 0 && f.f === 0 && f.t === 0) {
    if (toGeneral) c.setW(f.d, b.wrap(c.vlo(f.n)));
    else c.setV(f.d, b.extendU(c.w(f.n)), 0n);
    return true;
  }
  if (f.r === 0 && f.t === 3) {
    // FMOV Wd/Xd, Hn (zero-extended) and Hd, Wn/Xn (the low 16 bits, the rest of Vd cleared)
    const low = b.and(toGeneral ? c.vlo(f.n) : c.x(f.n), 0xffffn);
    if (toGeneral)
      c.setX(f.d, low); // a W destination is zero-extended to 64 bits anyway
    else c.setV(f.d, low, 0n);
    return true;
  }
  if (f.r === 0 && f.f === 1 && f.t === 1) {
    if (toGeneral) c.setX(f.d, c.vlo(f.n));
    else c.setV(f.d, c.x(f.n), 0n);
    return true;
  }
  if (f.r === 1 && f.f === 1 && f.t === 2) {
    if (toGeneral) c.setX(f.d, c.vhi(f.n));
    else b.setReg(vHi(f.d), c.x(f.n)); // the low half of Vd is kept
    return true;
  }
  return false;
}

export const fpMoveForms: readonly A64Form[] = [
  form('FMOV_imm', '000 11110 tt 1 iiiiiiii 100 00000 ddddd', liftFmovImm),
  form('FMOV_general', 'f 00 11110 tt 1 0r 11o 000000 nnnnn ddddd', liftFmovGeneral, ['FP_int_convert']),
];
