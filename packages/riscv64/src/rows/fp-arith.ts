import { type Cpu, GuestSignal, type Value } from '@arm64kit/core';
import { classify, compareOp, convertFormat, floatToInt, intToFloat } from '../fp/convert.js';
import { DOUBLE, type Format, type Rounded, SINGLE } from '../fp/format.js';
import { add, div, fma, minMax, mul, sqrt } from '../fp/ops.js';
import type { LiftContext, Lifter } from '../lift/context.js';
import { F, FCSR } from '../state.js';
import { row } from './row.js';

/**
 * F and D arithmetic, comparisons and conversions, exact: each is a helper over core's IR that
 * computes the exact result in BigInt and rounds once (fp/), with the rounding mode of the
 * instruction or, for rm = 7, of frm, and accrues fflags in fcsr. Letters: d=rd, s=rs1, t=rs2,
 * u=rs3, r=rm.
 */

const BOX = 0xffffffff00000000n;
const LOW32 = 0xffffffffn;

/** A single as an operand: a register not properly NaN-boxed reads as the canonical NaN. */
function unbox(bits: bigint, f: Format): bigint {
  if (f === DOUBLE) return bits;
  return (bits & BOX) === BOX ? bits & LOW32 : SINGLE.canonicalNaN;
}
const box = (bits: bigint, f: Format): bigint => (f === DOUBLE ? bits : bits | BOX);

/** The effective rounding mode; a reserved one (5, 6, or frm > 4 for rm = 7) is SIGILL. */
function roundingMode(cpu: Cpu, rm: number): number {
  const mode = rm === 7 ? Number((cpu.regs[FCSR] >> 5n) & 7n) : rm;
  if (mode > 4) throw new GuestSignal('SIGILL', `reserved rounding mode ${mode}`);
  return mode;
}

function accrue(cpu: Cpu, flags: number): void {
  if (flags !== 0) cpu.regs[FCSR] |= BigInt(flags);
}

function result(cpu: Cpu, r: Rounded, f: Format): bigint {
  accrue(cpu, r.flags);
  return box(r.bits, f);
}

type Binary = (a: bigint, b: bigint, f: Format, rm: number) => Rounded;

function helperOf(f: Format, op: Binary) {
  return (cpu: Cpu, a: bigint, b: bigint, rm: number): bigint =>
    result(cpu, op(unbox(a, f), unbox(b, f), f, roundingMode(cpu, rm)), f);
}

const fmtOf = (fmt: number): Format | undefined => (fmt === 0 ? SINGLE : fmt === 1 ? DOUBLE : undefined);

/** A static rm of 5 or 6 is reserved: the encoding is illegal. */
const validRm = (rm: number) => rm <= 4 || rm === 7;

const fr = (c: LiftContext, n: number): Value => c.b.getReg(F(n));

const binary =
  (op: Binary, f: Format): Lifter =>
  (x, c) => {
    if (!validRm(x.r)) return false;
    const helper = helperOf(f, op);
    // FSQRT has no rs2: its helper ignores the second operand.
    c.b.setReg(F(x.d), c.b.callHelper(helper, [fr(c, x.s), fr(c, x.t ?? x.s), c.b.const32(x.r)], 'i64'));
  };

const sub: Binary = (a, b, f, rm) => add(a, b, f, rm, true);
const sqrtOp: Binary = (a, _b, f, rm) => sqrt(a, f, rm);

const fused =
  (f: Format, negProduct: boolean, negAddend: boolean): Lifter =>
  (x, c) => {
    if (!validRm(x.r)) return false;
    const helper = (cpu: Cpu, a: bigint, b: bigint, d: bigint, rm: number): bigint =>
      result(
        cpu,
        fma(unbox(a, f), unbox(b, f), unbox(d, f), f, roundingMode(cpu, rm), negProduct, negAddend),
        f,
      );
    c.b.setReg(F(x.d), c.b.callHelper(helper, [fr(c, x.s), fr(c, x.t), fr(c, x.u), c.b.const32(x.r)], 'i64'));
  };

const sign =
  (f: Format, kind: 'j' | 'n' | 'x'): Lifter =>
  (x, c) => {
    const top = f === DOUBLE ? 1n << 63n : 1n << 31n;
    const helper = (_cpu: Cpu, a: bigint, b: bigint): bigint => {
      const p = unbox(a, f);
      const q = unbox(b, f);
      let s = q & top;
      if (kind === 'n') s ^= top;
      if (kind === 'x') s ^= p & top;
      return box((p & (top - 1n)) | s, f);
    };
    c.b.setReg(F(x.d), c.b.callHelper(helper, [fr(c, x.s), fr(c, x.t)], 'i64'));
  };

const minMaxRow =
  (f: Format, max: boolean): Lifter =>
  (x, c) => {
    const helper = (cpu: Cpu, a: bigint, b: bigint): bigint =>
      result(cpu, minMax(unbox(a, f), unbox(b, f), f, max), f);
    c.b.setReg(F(x.d), c.b.callHelper(helper, [fr(c, x.s), fr(c, x.t)], 'i64'));
  };

const compareRow =
  (f: Format, op: 'eq' | 'lt' | 'le'): Lifter =>
  (x, c) => {
    const helper = (cpu: Cpu, a: bigint, b: bigint): bigint => {
      const r = compareOp(unbox(a, f), unbox(b, f), f, op);
      accrue(cpu, r.flags);
      return r.value;
    };
    c.setX(x.d, c.b.callHelper(helper, [fr(c, x.s), fr(c, x.t)], 'i64'));
  };

/** FCVT to an integer: rs2 selects W, WU, L, LU; W results are sign-extended, WU's too. */
const toInt =
  (f: Format): Lifter =>
  (x, c) => {
    if (!validRm(x.r) || x.t > 3) return false;
    const width = x.t < 2 ? 32 : 64;
    const signed = (x.t & 1) === 0;
    const helper = (cpu: Cpu, a: bigint, rm: number): bigint => {
      const r = floatToInt(unbox(a, f), f, roundingMode(cpu, rm), width, signed);
      accrue(cpu, r.flags);
      return BigInt.asUintN(64, width === 32 ? BigInt.asIntN(32, r.value) : r.value);
    };
    c.setX(x.d, c.b.callHelper(helper, [fr(c, x.s), c.b.const32(x.r)], 'i64'));
  };

/** FCVT from an integer register: rs2 selects W, WU, L, LU. */
const fromInt =
  (f: Format): Lifter =>
  (x, c) => {
    if (!validRm(x.r) || x.t > 3) return false;
    const helper = (cpu: Cpu, v: bigint, rm: number): bigint => {
      const value =
        x.t === 0
          ? BigInt.asIntN(32, v)
          : x.t === 1
            ? BigInt.asUintN(32, v)
            : x.t === 2
              ? BigInt.asIntN(64, v)
              : v;
      return result(cpu, intToFloat(value, f, roundingMode(cpu, rm)), f);
    };
    c.b.setReg(F(x.d), c.b.callHelper(helper, [c.x(x.s), c.b.const32(x.r)], 'i64'));
  };

const convertRow =
  (from: Format, to: Format): Lifter =>
  (x, c) => {
    if (!validRm(x.r)) return false;
    const helper = (cpu: Cpu, a: bigint, rm: number): bigint =>
      result(cpu, convertFormat(unbox(a, from), from, to, roundingMode(cpu, rm)), to);
    c.b.setReg(F(x.d), c.b.callHelper(helper, [fr(c, x.s), c.b.const32(x.r)], 'i64'));
  };

const classRow =
  (f: Format): Lifter =>
  (x, c) => {
    const helper = (_cpu: Cpu, a: bigint): bigint => classify(unbox(a, f), f);
    c.setX(x.d, c.b.callHelper(helper, [fr(c, x.s)], 'i64'));
  };

function rowsFor(suffix: 'S' | 'D', fmt: string): ReturnType<typeof row>[] {
  const f = fmtOf(fmt === '00' ? 0 : 1)!;
  const other = f === DOUBLE ? SINGLE : DOUBLE;
  return [
    row(`FMADD_${suffix}`, `uuuuu ${fmt} ttttt sssss rrr ddddd 1000011`, fused(f, false, false)),
    row(`FMSUB_${suffix}`, `uuuuu ${fmt} ttttt sssss rrr ddddd 1000111`, fused(f, false, true)),
    row(`FNMSUB_${suffix}`, `uuuuu ${fmt} ttttt sssss rrr ddddd 1001011`, fused(f, true, false)),
    row(`FNMADD_${suffix}`, `uuuuu ${fmt} ttttt sssss rrr ddddd 1001111`, fused(f, true, true)),
    row(`FADD_${suffix}`, `00000${fmt} ttttt sssss rrr ddddd 1010011`, binary(add, f)),
    row(`FSUB_${suffix}`, `00001${fmt} ttttt sssss rrr ddddd 1010011`, binary(sub, f)),
    row(`FMUL_${suffix}`, `00010${fmt} ttttt sssss rrr ddddd 1010011`, binary(mul, f)),
    row(`FDIV_${suffix}`, `00011${fmt} ttttt sssss rrr ddddd 1010011`, binary(div, f)),
    row(`FSQRT_${suffix}`, `01011${fmt} 00000 sssss rrr ddddd 1010011`, binary(sqrtOp, f)),
    row(`FMIN_${suffix}`, `00101${fmt} ttttt sssss 000 ddddd 1010011`, minMaxRow(f, false)),
    row(`FMAX_${suffix}`, `00101${fmt} ttttt sssss 001 ddddd 1010011`, minMaxRow(f, true)),
    row(`FEQ_${suffix}`, `10100${fmt} ttttt sssss 010 ddddd 1010011`, compareRow(f, 'eq')),
    row(`FLT_${suffix}`, `10100${fmt} ttttt sssss 001 ddddd 1010011`, compareRow(f, 'lt')),
    row(`FLE_${suffix}`, `10100${fmt} ttttt sssss 000 ddddd 1010011`, compareRow(f, 'le')),
    row(`FCVT_int_${suffix}`, `11000${fmt} 000tt sssss rrr ddddd 1010011`, toInt(f)),
    row(`FCVT_${suffix}_int`, `11010${fmt} 000tt sssss rrr ddddd 1010011`, fromInt(f)),
    row(`FCLASS_${suffix}`, `11100${fmt} 00000 sssss 001 ddddd 1010011`, classRow(f)),
    row(
      `FCVT_${suffix}_${suffix === 'S' ? 'D' : 'S'}`,
      `01000${fmt} 0000${fmt === '00' ? '1' : '0'} sssss rrr ddddd 1010011`,
      convertRow(other, f),
    ),
  ];
}

export const fpArithRows = [
  ...rowsFor('S', '00'),
  ...rowsFor('D', '01'),
  row('FSGNJ_S', '0010000 ttttt sssss 000 ddddd 1010011', sign(SINGLE, 'j')),
  row('FSGNJN_S', '0010000 ttttt sssss 001 ddddd 1010011', sign(SINGLE, 'n')),
  row('FSGNJX_S', '0010000 ttttt sssss 010 ddddd 1010011', sign(SINGLE, 'x')),
];
