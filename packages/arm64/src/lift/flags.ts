import type { Fields } from '../decode/table.js';
import type { LiftContext } from './context.js';
import { type A64Form, form } from './form.js';

/**
 * FEAT_FlagM: RMIF (rotate a register and insert its low four bits into the selected flags) and
 * SETF8/SETF16 (N, Z and V from an 8- or 16-bit result held in a W register; C unchanged).
 * CFINV lives with the other PSTATE writes in system.ts.
 */

function liftRmif(f: Fields, c: LiftContext): void {
  const b = c.b;
  const shift = BigInt(f.i);
  const x = c.x(f.n);
  const rotated = shift === 0n ? x : b.or(b.shrU(x, shift), b.shl(x, 64n - shift));
  const mask = BigInt(f.m) << 28n;
  const packed = c.packedNZCV();
  const inserted = b.and(b.shl(rotated, 28n), mask);
  c.unpackNZCV(b.or(b.and(packed, ~mask & 0xffffffffn), inserted));
}

function liftSetf(f: Fields, c: LiftContext): void {
  const b = c.b;
  const bits = f.s ? 16 : 8;
  const w = c.w(f.n);
  const n = b.and(b.shrU(w, bits - 1), 1);
  const z = b.eqz(b.and(w, (1 << bits) - 1));
  const v = b.and(b.xor(b.shrU(w, bits), b.shrU(w, bits - 1)), 1);
  c.setNZCV(n, z, c.carry(), v);
}

export const flagForms: readonly A64Form[] = [
  form('RMIF', '1 0 1 11010000 iiiiii 00001 nnnnn 0 mmmm', liftRmif),
  form('SETF8_SETF16', '0 0 1 11010000 000000 s 0010 nnnnn 0 1101', liftSetf),
];
