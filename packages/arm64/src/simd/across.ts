import type { Cpu } from '@arm64kit/core';
import type { Fields } from '../decode/table.js';
import type { LiftContext } from '../lift/context.js';
import { type A64Form, form } from '../lift/form.js';
import { vHi, vLo } from '../state.js';
import { sx } from './elementwise.js';
import { A, arrangement, get, loadV } from './lanes.js';

/**
 * Reductions across lanes: ADDV, SMAXV/UMAXV, SMINV/UMINV, SADDLV/UADDLV. The scalar result goes
 * to the low element of Vd, the rest of Vd is cleared.
 */

type Reduce = 'add' | 'max' | 'min' | 'addl';

const KINDS = new Map<number, [Reduce, boolean]>([
  [0b0_11011, ['add', false]],
  [0b0_01010, ['max', true]],
  [0b1_01010, ['max', false]],
  [0b0_11010, ['min', true]],
  [0b1_11010, ['min', false]],
  [0b0_00011, ['addl', true]],
  [0b1_00011, ['addl', false]],
]);

function liftAcross(f: Fields, c: LiftContext): boolean {
  const kind = KINDS.get((f.u << 5) | f.o);
  const arr = arrangement(f.z, f.q);
  if (!kind || !arr || arr.esize === 64 || (arr.esize === 32 && !arr.q)) return false;
  const [what, signed] = kind;
  const { esize, elements } = arr;
  const { d, n } = f;
  const outBits = what === 'addl' ? 2 * esize : esize;
  c.b.callHelper((cpu: Cpu) => {
    loadV(cpu, n, A);
    let acc = signed ? sx(get(A, esize, 0), esize) : get(A, esize, 0);
    for (let i = 1; i < elements; i++) {
      const v = signed ? sx(get(A, esize, i), esize) : get(A, esize, i);
      if (what === 'max') acc = Math.max(acc, v);
      else if (what === 'min') acc = Math.min(acc, v);
      else acc += v;
    }
    // Sums of up to 16 elements of 32 bits stay exact in a double; reduce to the result width.
    const lo = vLo(d);
    const r = cpu.regs32;
    if (outBits === 64) {
      const hi = Math.floor(acc / 2 ** 32);
      r[2 * lo] = acc - hi * 2 ** 32;
      r[2 * lo + 1] = hi;
    } else {
      r[2 * lo] = outBits === 32 ? acc : acc & ((1 << outBits) - 1);
      r[2 * lo + 1] = 0;
    }
    r[2 * vHi(d)] = 0;
    r[2 * vHi(d) + 1] = 0;
  });
  return true;
}

export const acrossForms: readonly A64Form[] = [
  form('SIMD_across', '0 q u 01110 zz 11000 ooooo 10 nnnnn ddddd', liftAcross),
];
