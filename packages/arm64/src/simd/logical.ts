import type { Fields } from '../decode/table.js';
import type { LiftContext } from '../lift/context.js';
import { type A64Form, form } from '../lift/form.js';

/**
 * Bitwise vector operations lifted straight to i64 IR on the two halves of each register:
 * AND, BIC, ORR (and its MOV alias), ORN, EOR, BSL, BIT, BIF (three same, opcode 00011) and NOT.
 */

const ONES = 0xffffffffffffffffn;

function liftLogical(f: Fields, c: LiftContext): boolean {
  const b = c.b;
  const halves = f.q ? 2 : 1;
  const out: ReturnType<typeof c.vlo>[] = [];
  for (let h = 0; h < halves; h++) {
    const get = (r: number) => (h === 0 ? c.vlo(r) : c.vhi(r));
    const n = get(f.n);
    const m = get(f.m);
    let r: ReturnType<typeof c.vlo>;
    const op = (f.u << 2) | f.z;
    switch (op) {
      case 0:
        r = b.and(n, m);
        break;
      case 1:
        r = b.and(n, b.xor(m, ONES));
        break;
      case 2:
        r = b.or(n, m);
        break;
      case 3:
        r = b.or(n, b.xor(m, ONES));
        break;
      case 4:
        r = b.xor(n, m);
        break;
      default: {
        const d = get(f.d);
        // BSL: d = (n & d) | (m & ~d); BIT: d = (n & m) | (d & ~m); BIF: d = (n & ~m) | (d & m)
        if (op === 5) r = b.xor(m, b.and(b.xor(m, n), d));
        else if (op === 6) r = b.xor(d, b.and(b.xor(d, n), m));
        else r = b.xor(d, b.and(b.xor(d, n), b.xor(m, ONES)));
      }
    }
    out.push(r);
  }
  c.setV(f.d, out[0], f.q ? out[1] : 0n);
  return true;
}

function liftNot(f: Fields, c: LiftContext): boolean {
  const b = c.b;
  const lo = b.xor(c.vlo(f.n), ONES);
  c.setV(f.d, lo, f.q ? b.xor(c.vhi(f.n), ONES) : 0n);
  return true;
}

export const logicalForms: readonly A64Form[] = [
  form('SIMD_logical', '0 q u 01110 zz 1 mmmmm 00011 1 nnnnn ddddd', liftLogical, ['SIMD_three_same']),
  form('NOT_vector', '0 q 1 01110 00 10000 00101 10 nnnnn ddddd', liftNot, ['SIMD_two_misc']),
];
