import type { Cpu } from '@arm64kit/core';
import type { Fields } from '../decode/table.js';
import type { LiftContext } from '../lift/context.js';
import { type A64Form, form } from '../lift/form.js';
import { sx } from './elementwise.js';
import { A, B, D, get, getBig, loadV, R, set, setBig, storeV } from './lanes.js';

/**
 * AdvSIMD three different: [SU]ADDL, [SU]ADDW, [SU]SUBL, [SU]SUBW, [SU]ABAL, [SU]ABDL,
 * [SU]MLAL, [SU]MLSL, [SU]MULL (and their "2" forms reading the upper halves), ADDHN/SUBHN.
 */

function liftThreeDiff(f: Fields, c: LiftContext): boolean {
  if (f.z === 3) return false;
  const esize = 8 << f.z;
  const wide = 2 * esize;
  const count = 64 / esize;
  const signed = f.u === 0;
  const part = f.q ? count : 0;
  const op = f.o;
  const { d, n, m } = f;
  const supported = [0b0000, 0b0001, 0b0010, 0b0011, 0b0100, 0b0101, 0b0110, 0b0111, 0b1000, 0b1010, 0b1100];
  if (!supported.includes(op)) return false;
  const q = f.q === 1;
  c.b.callHelper((cpu: Cpu) => {
    loadV(cpu, n, A);
    loadV(cpu, m, B);
    loadV(cpu, d, D);
    const narrowArg = (block: number, i: number) => {
      const v = get(block, esize, part + i);
      return BigInt(signed ? sx(v, esize) : v);
    };
    const wideArg = (block: number, i: number) => {
      const v = getBig(block, wide, i);
      return signed ? BigInt.asIntN(wide, v) : v;
    };
    if (op === 0b0100 || op === 0b0110) {
      // ADDHN/SUBHN: high halves of wide sums into narrow elements (lower or upper half of Vd)
      for (let i = 0; i < count; i++) {
        // RADDHN/RSUBHN (U=1) round to nearest before taking the high half.
        const round = f.u === 1 ? 1n << BigInt(esize - 1) : 0n;
        const s =
          (op === 0b0100
            ? getBig(A, wide, i) + getBig(B, wide, i)
            : getBig(A, wide, i) - getBig(B, wide, i)) + round;
        set(D, esize, part + i, Number(BigInt.asUintN(esize, s >> BigInt(esize))));
      }
      if (!q) for (let i = count; i < 2 * count; i++) set(D, esize, i, 0);
      storeV(cpu, d, D, true);
      return;
    }
    for (let i = 0; i < count; i++) {
      let r: bigint;
      switch (op) {
        case 0b0000:
          r = narrowArg(A, i) + narrowArg(B, i);
          break;
        case 0b0001:
          r = wideArg(A, i) + narrowArg(B, i);
          break;
        case 0b0010:
          r = narrowArg(A, i) - narrowArg(B, i);
          break;
        case 0b0011:
          r = wideArg(A, i) - narrowArg(B, i);
          break;
        case 0b0101:
        case 0b0111: {
          const x = narrowArg(A, i) - narrowArg(B, i);
          r = (x < 0n ? -x : x) + (op === 0b0101 ? getBig(D, wide, i) : 0n);
          break;
        }
        case 0b1000:
          r = getBig(D, wide, i) + narrowArg(A, i) * narrowArg(B, i);
          break;
        case 0b1010:
          r = getBig(D, wide, i) - narrowArg(A, i) * narrowArg(B, i);
          break;
        default:
          r = narrowArg(A, i) * narrowArg(B, i);
      }
      setBig(R, wide, i, r);
    }
    storeV(cpu, d, R, true);
  });
  return true;
}

export const threeDiffForms: readonly A64Form[] = [
  form('SIMD_three_diff', '0 q u 01110 zz 1 mmmmm oooo 00 nnnnn ddddd', liftThreeDiff),
];
