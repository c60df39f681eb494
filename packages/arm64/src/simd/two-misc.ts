import type { Cpu } from '@arm64kit/core';
import type { Fields } from '../decode/table.js';
import { FPSR_QC } from '../fp/control.js';
import type { LiftContext } from '../lift/context.js';
import { type A64Form, form } from '../lift/form.js';
import { FPSR } from '../state.js';
import { elementTable, liftByteMove } from './byte-moves.js';
import { sx, sxBig } from './elementwise.js';
import { A, arrangement, clearBlock, get, getBig, loadV, R, set, setBig, storeV, U8 } from './lanes.js';
import { unaryVectorHelper } from './native-vector.js';

/**
 * AdvSIMD two-register miscellaneous integer forms (vector and scalar): REV16/32/64, CNT, CLZ/CLS,
 * compares against zero, ABS/NEG, XTN/XTN2, SADDLP/UADDLP. (NOT lives in logical.ts, FP forms in
 * fp-vector.ts.)
 */

type Unary = { num(a: number, e: number): number; big(a: bigint, e: number): bigint };
const ALL = (e: number) => (e === 32 ? 0xffffffff : (1 << e) - 1);
const ALLB = (e: number) => (1n << BigInt(e)) - 1n;

function cmpZero(pred: (x: number) => boolean, predB: (x: bigint) => boolean): Unary {
  return { num: (a, e) => (pred(sx(a, e)) ? ALL(e) : 0), big: (a, e) => (predB(sxBig(a, e)) ? ALLB(e) : 0n) };
}

const UNARY: Record<string, Unary> = {
  cmgt0: cmpZero(
    (x) => x > 0,
    (x) => x > 0n,
  ),
  cmge0: cmpZero(
    (x) => x >= 0,
    (x) => x >= 0n,
  ),
  cmeq0: cmpZero(
    (x) => x === 0,
    (x) => x === 0n,
  ),
  cmle0: cmpZero(
    (x) => x <= 0,
    (x) => x <= 0n,
  ),
  cmlt0: cmpZero(
    (x) => x < 0,
    (x) => x < 0n,
  ),
  abs: { num: (a, e) => Math.abs(sx(a, e)), big: (a, e) => (sxBig(a, e) < 0n ? -sxBig(a, e) : a) },
  neg: { num: (a) => -a, big: (a) => -a },
  clz: {
    num: (a, e) => Math.clz32(a) - (32 - e),
    big: (a) => BigInt(64 - (a === 0n ? 0 : a.toString(2).length)),
  },
  cls: {
    num: (a, e) => {
      const s = sx(a, e);
      return Math.clz32(s < 0 ? ~s : s) - (32 - e) - 1;
    },
    big: () => 0n,
  },
};

/** Key: U << 5 | opcode. */
const MISC = new Map<number, string>([
  [0b0_01000, 'cmgt0'],
  [0b1_01000, 'cmge0'],
  [0b0_01001, 'cmeq0'],
  [0b1_01001, 'cmle0'],
  [0b0_01010, 'cmlt0'],
  [0b0_01011, 'abs'],
  [0b1_01011, 'neg'],
  [0b1_00100, 'clz'],
  [0b0_00100, 'cls'],
]);

function unaryHelper(op: Unary, d: number, n: number, esize: number, elements: number, q: boolean) {
  return (cpu: Cpu) => {
    loadV(cpu, n, A);
    clearBlock(R);
    if (esize === 64) for (let i = 0; i < elements; i++) setBig(R, 64, i, op.big(getBig(A, 64, i), 64));
    else for (let i = 0; i < elements; i++) set(R, esize, i, op.num(get(A, esize, i), esize));
    storeV(cpu, d, R, q);
  };
}

/** REV16/32/64: the order of esize-bit elements reversed inside each container-bit group. */
function reverseTable(esize: number, container: number, q: boolean): number[] {
  const perGroup = container / esize;
  const bytes = esize / 8;
  return elementTable((q ? 128 : 64) / esize, bytes, (i) => {
    const first = i - (i % perGroup);
    return first + perGroup - 1 - (i - first);
  });
}

function liftTwoMisc(f: Fields, c: LiftContext): boolean {
  const { d, n } = f;
  const q = f.q === 1;
  const key = (f.u << 5) | f.o;
  // REV64 (U0 00000), REV32 (U1 00000), REV16 (U0 00001)
  if (f.o === 0 || key === 0b0_00001) {
    const container = key === 0b0_00001 ? 16 : f.u ? 32 : 64;
    const esize = 8 << f.z;
    if (esize >= container) return false;
    liftByteMove(c, reverseTable(esize, container, q), { d, n, m: n }, q);
    return true;
  }
  if (key === 0b0_00101) {
    // CNT: population count of each byte
    if (f.z !== 0) return false;
    const helper = (cpu: Cpu) => {
      loadV(cpu, n, A);
      for (let i = 0; i < 16; i++) {
        let v = U8[A * 16 + i];
        v = v - ((v >> 1) & 0x55);
        v = (v & 0x33) + ((v >> 2) & 0x33);
        U8[R * 16 + i] = (v + (v >> 4)) & 0x0f;
      }
      storeV(cpu, d, R, q);
    };
    unaryVectorHelper(c, helper, 'cnt', { lane: 8, full: q }, { d, n });
    return true;
  }
  if (key === 0b1_00101 && f.z === 1) {
    // RBIT (vector): reverse the bits of each byte
    c.b.callHelper((cpu: Cpu) => {
      loadV(cpu, n, A);
      for (let i = 0; i < 16; i++) {
        let v = U8[A * 16 + i];
        let r = 0;
        for (let k = 0; k < 8; k++, v >>= 1) r = (r << 1) | (v & 1);
        U8[R * 16 + i] = r;
      }
      storeV(cpu, d, R, q);
    });
    return true;
  }
  if (f.o === 0b10100 || (f.o === 0b10010 && f.u === 1)) {
    // SQXTN/UQXTN (10100), SQXTUN (U1 10010): saturating narrow into the lower/upper half, FPSR.QC
    if (f.z === 3) return false;
    const esize = 8 << f.z;
    const count = 64 / esize;
    const srcSigned = f.o === 0b10010 || f.u === 0;
    const dstSigned = f.o === 0b10100 && f.u === 0;
    const lo = dstSigned ? -(2n ** BigInt(esize - 1)) : 0n;
    const hi = dstSigned ? 2n ** BigInt(esize - 1) - 1n : 2n ** BigInt(esize) - 1n;
    c.b.callHelper((cpu: Cpu) => {
      loadV(cpu, n, A);
      loadV(cpu, d, R);
      if (!q) clearBlock(R);
      let sat = false;
      for (let i = 0; i < count; i++) {
        const raw = getBig(A, 2 * esize, i);
        let v = srcSigned ? BigInt.asIntN(2 * esize, raw) : raw;
        if (v < lo || v > hi) {
          sat = true;
          v = v < lo ? lo : hi;
        }
        setBig(R, esize, (q ? count : 0) + i, v);
      }
      storeV(cpu, d, R, true);
      if (sat) cpu.regs32[2 * FPSR] |= FPSR_QC;
    });
    return true;
  }
  if (f.o === 0b10010 && f.u === 0) {
    // XTN/XTN2: the low half of each 2*esize element of Vn into the lower half of Vd, or (XTN2)
    // into the upper half, Vd's lower half kept.
    if (f.z === 3) return false;
    const bytes = (8 << f.z) / 8;
    const narrowed = elementTable(8 / bytes, bytes, (i) => 16 / bytes + 2 * i); // Vn is the second source
    const table = q ? [0, 1, 2, 3, 4, 5, 6, 7, ...narrowed] : narrowed;
    liftByteMove(c, table, { d, n: d, m: n }, q);
    return true;
  }
  if (f.o === 0b00010 || f.o === 0b00110) {
    // SADDLP/UADDLP (00010), SADALP/UADALP (00110): add adjacent pairs into double-width elements
    if (f.z === 3) return false;
    const esize = 8 << f.z;
    const count = (q ? 128 : 64) / (2 * esize);
    const signed = f.u === 0;
    const acc = f.o === 0b00110;
    c.b.callHelper((cpu: Cpu) => {
      loadV(cpu, n, A);
      loadV(cpu, d, R);
      for (let i = 0; i < count; i++) {
        const x = signed ? BigInt(sx(get(A, esize, 2 * i), esize)) : BigInt(get(A, esize, 2 * i));
        const y = signed ? BigInt(sx(get(A, esize, 2 * i + 1), esize)) : BigInt(get(A, esize, 2 * i + 1));
        const prev = acc ? getBig(R, 2 * esize, i) : 0n;
        setBig(R, 2 * esize, i, prev + x + y);
      }
      storeV(cpu, d, R, q);
    });
    return true;
  }
  const name = MISC.get(key);
  const arr = arrangement(f.z, f.q);
  if (!name || !arr) return false;
  if ((name === 'clz' || name === 'cls') && arr.esize === 64) return false;
  const helper = unaryHelper(UNARY[name], d, n, arr.esize, arr.elements, arr.q);
  unaryVectorHelper(c, helper, name, { lane: arr.esize, full: arr.q }, { d, n });
  return true;
}

/** Scalar two-reg misc: CMGT/CMGE/CMEQ/CMLE/CMLT #0, ABS, NEG on Dn. */
function liftScalarTwoMisc(f: Fields, c: LiftContext): boolean {
  const name = MISC.get((f.u << 5) | f.o);
  if (!name || f.z !== 3 || name === 'clz' || name === 'cls') return false;
  const helper = unaryHelper(UNARY[name], f.d, f.n, 64, 1, false);
  unaryVectorHelper(c, helper, name, { lane: 64, full: false }, { d: f.d, n: f.n });
  return true;
}

export const twoMiscForms: readonly A64Form[] = [
  form('SIMD_two_misc', '0 q u 01110 zz 10000 ooooo 10 nnnnn ddddd', liftTwoMisc),
  form('SIMD_scalar_two_misc', '01 u 11110 zz 10000 ooooo 10 nnnnn ddddd', liftScalarTwoMisc),
];
