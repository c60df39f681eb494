import type { Cpu } from '@arm64kit/core';
import type { Fields } from '../decode/table.js';
import { FPSR_QC } from '../fp/control.js';
import type { LiftContext } from '../lift/context.js';
import { type A64Form, form } from '../lift/form.js';
import { FPSR } from '../state.js';
import { type ElemOp, elementwise, OPS, pairwise, saturation } from './elementwise.js';
import { arrangement } from './lanes.js';
import { binaryVectorHelper } from './native-vector.js';

/**
 * AdvSIMD "three same" integer forms (vector and scalar), except the bitwise group (logical.ts)
 * and the FP group (fp-vector.ts). ADD/SUB of 64-bit lanes are plain i64 IR; the rest run as one
 * helper call per instruction.
 */

interface Entry {
  op: ElemOp;
  pairwise?: boolean;
  readsD?: boolean;
  /** Byte-only or not-64-bit restrictions. */
  no64?: boolean;
}

const SATURATING = new Set<ElemOp>([OPS.sqadd, OPS.uqadd, OPS.sqsub, OPS.uqsub]);

/** Key: U << 5 | opcode. */
const TABLE = new Map<number, Entry>([
  [0b0_00001, { op: OPS.sqadd }],
  [0b1_00001, { op: OPS.uqadd }],
  [0b0_00101, { op: OPS.sqsub }],
  [0b1_00101, { op: OPS.uqsub }],
  [0b0_00000, { op: OPS.shadd, no64: true }],
  [0b1_00000, { op: OPS.uhadd, no64: true }],
  [0b0_00010, { op: OPS.srhadd, no64: true }],
  [0b1_00010, { op: OPS.urhadd, no64: true }],
  [0b0_00100, { op: OPS.shsub, no64: true }],
  [0b1_00100, { op: OPS.uhsub, no64: true }],
  [0b0_00110, { op: OPS.cmgt }],
  [0b1_00110, { op: OPS.cmhi }],
  [0b0_00111, { op: OPS.cmge }],
  [0b1_00111, { op: OPS.cmhs }],
  [0b0_01000, { op: OPS.sshl }],
  [0b1_01000, { op: OPS.ushl }],
  [0b0_01100, { op: OPS.smax, no64: true }],
  [0b1_01100, { op: OPS.umax, no64: true }],
  [0b0_01101, { op: OPS.smin, no64: true }],
  [0b1_01101, { op: OPS.umin, no64: true }],
  [0b0_01110, { op: OPS.sabd, no64: true }],
  [0b1_01110, { op: OPS.uabd, no64: true }],
  [0b0_01111, { op: OPS.saba, no64: true, readsD: true }],
  [0b1_01111, { op: OPS.uaba, no64: true, readsD: true }],
  [0b0_10000, { op: OPS.add }],
  [0b1_10000, { op: OPS.sub }],
  [0b0_10001, { op: OPS.cmtst }],
  [0b1_10001, { op: OPS.cmeq }],
  [0b0_10010, { op: OPS.mla, no64: true, readsD: true }],
  [0b1_10010, { op: OPS.mls, no64: true, readsD: true }],
  [0b0_10011, { op: OPS.mul, no64: true }],
  [0b0_10100, { op: OPS.smax, pairwise: true, no64: true }],
  [0b1_10100, { op: OPS.umax, pairwise: true, no64: true }],
  [0b0_10101, { op: OPS.smin, pairwise: true, no64: true }],
  [0b1_10101, { op: OPS.umin, pairwise: true, no64: true }],
  [0b0_10111, { op: OPS.add, pairwise: true }],
]);

function liftThreeSame(f: Fields, c: LiftContext): boolean {
  const entry = TABLE.get((f.u << 5) | f.o);
  const arr = arrangement(f.z, f.q);
  if (!entry || !arr) return false;
  if (entry.no64 && arr.esize === 64) return false;
  if (entry.op === OPS.mul && arr.esize === 64) return false;
  const { esize, elements, q } = arr;
  const { d, n, m } = f;
  if (esize === 64 && !entry.pairwise && (entry.op === OPS.add || entry.op === OPS.sub)) {
    const b = c.b;
    const fn = entry.op === OPS.add ? b.add.bind(b) : b.sub.bind(b);
    c.setV(d, fn(c.vlo(n), c.vlo(m)), fn(c.vhi(n), c.vhi(m)));
    return true;
  }
  const op = entry.op;
  if (entry.pairwise) {
    const helper = (cpu: Cpu) => pairwise(cpu, op, d, n, m, esize, elements, q);
    binaryVectorHelper(c, helper, op, { lane: esize, full: q, pairwise: true }, { d, n, m });
  } else {
    const readsD = entry.readsD === true;
    if (SATURATING.has(op)) {
      c.b.callHelper((cpu: Cpu) => {
        saturation.hit = false;
        elementwise(cpu, op, d, n, m, esize, elements, q, false);
        if (saturation.hit) cpu.regs32[2 * FPSR] |= FPSR_QC;
      });
      return true;
    }
    const helper = (cpu: Cpu) => elementwise(cpu, op, d, n, m, esize, elements, q, readsD);
    if (readsD) c.b.callHelper(helper);
    else binaryVectorHelper(c, helper, op, { lane: esize, full: q }, { d, n, m });
  }
  return true;
}

/** Scalar forms (only 64-bit elements are allocated for these): ADD, SUB, CMxx, SSHL/USHL on Dn. */
const SCALAR = new Set([
  0b0_00001, 0b1_00001, 0b0_00101, 0b1_00101, 0b0_00110, 0b1_00110, 0b0_00111, 0b1_00111, 0b0_01000,
  0b1_01000, 0b0_10000, 0b1_10000, 0b0_10001, 0b1_10001,
]);

function liftScalarThreeSame(f: Fields, c: LiftContext): boolean {
  const key = (f.u << 5) | f.o;
  if (!SCALAR.has(key)) return false;
  const op = TABLE.get(key)!.op;
  const { d, n, m } = f;
  // The saturating adds and subtracts exist for every element size; the rest only for 64 bits.
  const esize = 8 << f.z;
  if (esize !== 64) {
    if (!SATURATING.has(op)) return false;
    c.b.callHelper((cpu: Cpu) => {
      saturation.hit = false;
      elementwise(cpu, op, d, n, m, esize, 1, false, false);
      if (saturation.hit) cpu.regs32[2 * FPSR] |= FPSR_QC;
    });
    return true;
  }
  if (op === OPS.add || op === OPS.sub) {
    const b = c.b;
    c.setV(d, op === OPS.add ? b.add(c.vlo(n), c.vlo(m)) : b.sub(c.vlo(n), c.vlo(m)), 0n);
    return true;
  }
  // Dn forms: the comparisons are vector operations; the 64-bit saturating ones, which set
  // FPSR.QC, and the shifts by register stay plain helpers.
  const helper = (cpu: Cpu) => {
    saturation.hit = false;
    elementwise(cpu, op, d, n, m, 64, 1, false, false);
    if (saturation.hit) cpu.regs32[2 * FPSR] |= FPSR_QC;
  };
  if (SATURATING.has(op)) c.b.callHelper(helper);
  else binaryVectorHelper(c, helper, op, { lane: 64, full: false }, { d, n, m });
  return true;
}

/** ADDP (scalar): Dd = Vn.D[0] + Vn.D[1]. */
function liftAddpScalar(f: Fields, c: LiftContext): boolean {
  if (f.z !== 3) return false;
  c.setV(f.d, c.b.add(c.vlo(f.n), c.vhi(f.n)), 0n);
  return true;
}

export const threeSameForms: readonly A64Form[] = [
  form('ADDP_scalar', '01 0 11110 zz 11000 11011 10 nnnnn ddddd', liftAddpScalar),
  form('SIMD_three_same', '0 q u 01110 zz 1 mmmmm ooooo 1 nnnnn ddddd', liftThreeSame),
  form('SIMD_scalar_three_same', '01 u 11110 zz 1 mmmmm ooooo 1 nnnnn ddddd', liftScalarThreeSame),
];
