import type { Fields } from '../decode/table.js';
import type { LiftContext } from '../lift/context.js';
import { type A64Form, form } from '../lift/form.js';
import { vLo } from '../state.js';
import { elementTable, liftByteMove } from './byte-moves.js';

/**
 * AdvSIMD copy: DUP (element), DUP (general), INS (general), INS (element), UMOV, SMOV.
 * imm5's lowest set bit gives the element size; the bits above it the index.
 */

function sizeOf(imm5: number): number {
  if (imm5 & 1) return 0;
  if (imm5 & 2) return 1;
  if (imm5 & 4) return 2;
  if (imm5 & 8) return 3;
  return -1;
}

/** Bytes of element `index` of size 1 << s in block `block` replicated/copied via byte moves. */
function liftCopy(f: Fields, c: LiftContext): boolean {
  const s = sizeOf(f.i);
  if (s < 0) return false;
  const bytes = 1 << s;
  const index = f.i >> (s + 1);
  const q = f.q === 1;
  const { d, n } = f;
  const b = c.b;
  if (f.p === 1) {
    // INS (element): Vd[index] = Vn[imm4 >> s]
    if (!q) return false;
    const from = f.j >> s;
    // Vd's own bytes (the first source) except element `index`, which is Vn's element `from`.
    const table = elementTable(16 / bytes, bytes, (i) => (i === index ? 16 / bytes + from : i));
    liftByteMove(c, table, { d, n: d, m: n }, true);
    return true;
  }
  switch (f.j) {
    case 0b0000: {
      // DUP (element)
      if (s === 3 && !q) return false;
      liftByteMove(
        c,
        elementTable((q ? 16 : 8) / bytes, bytes, () => index),
        { d, n, m: n },
        q,
      );
      return true;
    }
    case 0b0001: {
      // DUP (general): replicate the low esize bits of Rn, in IR
      if (s === 3 && !q) return false;
      let v = c.x(n);
      if (s < 3) {
        const bits = BigInt(8 << s);
        v = b.and(v, (1n << bits) - 1n);
        for (let w = bits; w < 64n; w *= 2n) v = b.or(v, b.shl(v, w));
      }
      c.setV(d, v, q ? v : 0n);
      return true;
    }
    case 0b0011: {
      // INS (general): Vd[index] = Rn, other elements kept
      if (!q) return false;
      const src = c.x(n);
      if (s === 3) {
        if (index === 0) c.b.setReg(lowSlot(c, d), src);
        else c.b.setReg(lowSlot(c, d) + 1, src);
        return true;
      }
      const bitOffset = BigInt((index * (8 << s)) % 64);
      const slot = lowSlot(c, d) + (index * bytes >= 8 ? 1 : 0);
      const m = ((1n << BigInt(8 << s)) - 1n) << bitOffset;
      const old = b.getReg(slot);
      const ins = b.and(b.shl(src, bitOffset), m);
      c.b.setReg(slot, b.or(b.and(old, ~m & 0xffffffffffffffffn), ins));
      return true;
    }
    case 0b0101:
    case 0b0111: {
      // SMOV (0101) / UMOV (0111): element to a general register
      const signed = f.j === 0b0101;
      if (signed ? s === 3 || (s === 2 && !q) : (s === 3) !== q) return false;
      const slot = lowSlot(c, n) + (index * bytes >= 8 ? 1 : 0);
      const bitOffset = BigInt((index * (8 << s)) % 64);
      let v = b.shrU(b.getReg(slot), bitOffset);
      if (s < 3) {
        v = b.and(v, (1n << BigInt(8 << s)) - 1n);
        if (signed) v = s === 0 ? b.extend8S(v) : s === 1 ? b.extend16S(v) : b.extend32S(v);
      }
      if (signed && !q) c.setW(d, b.wrap(v));
      else c.setX(d, v);
      return true;
    }
    default:
      return false;
  }
}

function lowSlot(_c: LiftContext, v: number): number {
  return vLo(v);
}

export const copyForms: readonly A64Form[] = [
  form('SIMD_copy', '0 q p 01110000 iiiii 0 jjjj 1 nnnnn ddddd', liftCopy),
];
