import type { Cpu } from '@arm64kit/core';
import type { Fields } from '../decode/table.js';
import type { LiftContext } from '../lift/context.js';
import { type A64Form, form } from '../lift/form.js';
import { fpcrRounding, Rounding } from './control.js';
import { fcvt, frint } from './convert.js';
import { clearing, envOf, laneIndex } from './cpu-env.js';
import { type LaneSize, laneOps } from './lane-ops.js';
import { FP32 } from './scalar32.js';
import { emitFp64, FP64 } from './scalar64.js';

/**
 * Scalar FP data processing: 1-source (FSQRT, FCVT, FRINT*), 2-source (FMUL FDIV FADD FSUB FMAX
 * FMIN FMAXNM FMINNM FNMUL) and 3-source (FMADD FMSUB FNMADD FNMSUB), in half (FEAT_FP16),
 * single and double precision. Single- and double-precision FADD FSUB FMUL FNMUL FDIV FSQRT, the
 * FMADD family and FCVT between them lift to core's `float` operation (see scalar64.ts and
 * scalar32.ts); the rest to one helper call with the register numbers bound in a closure.
 */

/** ftype: 00 single, 01 double, 11 half; 10 is unallocated. */
export function sizeOfType(t: number): LaneSize | undefined {
  return t === 0 ? 32 : t === 1 ? 64 : t === 3 ? 16 : undefined;
}

type Op2 = (cpu: Cpu, d: number, n: number, m: number) => void;

function op2(size: LaneSize, opcode: number): Op2 | undefined {
  const ops = laneOps(size);
  switch (opcode) {
    case 0:
      return (cpu, d, n, m) => ops.mul(cpu, envOf(cpu), d, n, m);
    case 1:
      return (cpu, d, n, m) => ops.div(cpu, envOf(cpu), d, n, m);
    case 2:
      return (cpu, d, n, m) => ops.addSub(cpu, envOf(cpu), d, n, m, false);
    case 3:
      return (cpu, d, n, m) => ops.addSub(cpu, envOf(cpu), d, n, m, true);
    case 4:
    case 5:
    case 6:
    case 7:
      return (cpu, d, n, m) => ops.minMax(cpu, envOf(cpu), d, n, m, opcode - 4);
    case 8: // FNMUL = FPNeg(FPMul(n, m)); FPNeg flips NaNs too
      return (cpu, d, n, m) => {
        ops.mul(cpu, envOf(cpu), d, n, m);
        ops.negate(cpu, d);
      };
    default:
      return undefined;
  }
}

const SIGN64 = 1n << 63n;
const SIGN32 = 1n << 31n;

/** Single- and double-precision FMUL FDIV FADD FSUB as IR operations, by opcode. */
const DP2 = {
  32: [FP32.mul, FP32.div, FP32.add, FP32.sub],
  64: [FP64.mul, FP64.div, FP64.add, FP64.sub],
};
const SCALAR = { 32: FP32, 64: FP64 };
const SIGN = { 32: SIGN32, 64: SIGN64 };

/** FMUL FDIV FADD FSUB FNMUL in single or double precision; a single result is zero-extended. */
function liftDp2Float(f: Fields, c: LiftContext, size: 32 | 64): boolean {
  const fn = f.o === 8 ? SCALAR[size].mul : DP2[size][f.o];
  if (!fn) return false;
  let r = emitFp64(c.b, fn, [c.vlo(f.n), c.vlo(f.m)]);
  if (f.o === 8) r = c.b.xor(r, SIGN[size]); // FNMUL = FPNeg(FPMul(n, m)); FPNeg flips NaNs too
  c.setV(f.d, r, 0n);
  return true;
}

function liftDp2(f: Fields, c: LiftContext): boolean {
  const size = sizeOfType(f.t);
  if (size === undefined) return false;
  if (size !== 16 && liftDp2Float(f, c, size)) return true;
  const fn = op2(size, f.o);
  if (!fn) return false;
  const d = laneIndex(size, f.d);
  const n = laneIndex(size, f.n);
  const m = laneIndex(size, f.m);
  const rd = f.d;
  const clear = clearing(size, rd);
  c.b.callHelper((cpu: Cpu) => {
    fn(cpu, d, n, m);
    clear(cpu);
  });
  return true;
}

function liftDp3(f: Fields, c: LiftContext): boolean {
  const size = sizeOfType(f.t);
  if (size === undefined) return false;
  const d = laneIndex(size, f.d);
  const n = laneIndex(size, f.n);
  const m = laneIndex(size, f.m);
  const a = laneIndex(size, f.a);
  // o1:o0 = 00 FMADD, 01 FMSUB, 10 FNMADD, 11 FNMSUB
  const negA = f.p === 1;
  const negN = f.p !== f.q;
  const rd = f.d;
  if (size !== 16) {
    // The negations apply to the operands, NaNs included, as in the Arm ARM.
    const b = c.b;
    const addend = negA ? b.xor(c.vlo(f.a), SIGN[size]) : c.vlo(f.a);
    const x = negN ? b.xor(c.vlo(f.n), SIGN[size]) : c.vlo(f.n);
    c.setV(rd, emitFp64(b, SCALAR[size].fma, [addend, x, c.vlo(f.m)]), 0n);
    return true;
  }
  const { mulAdd } = laneOps(size);
  const clear = clearing(size, rd);
  c.b.callHelper((cpu: Cpu) => {
    mulAdd(cpu, envOf(cpu), d, a, n, m, negA, negN);
    clear(cpu);
  });
  return true;
}

const FRINT_MODES: (Rounding | 'fpcr' | undefined)[] = [
  Rounding.TiesEven, // 1000 FRINTN
  Rounding.PosInf, // 1001 FRINTP
  Rounding.NegInf, // 1010 FRINTM
  Rounding.Zero, // 1011 FRINTZ
  Rounding.TiesAway, // 1100 FRINTA
  undefined,
  'fpcr', // 1110 FRINTX
  'fpcr', // 1111 FRINTI
];

function liftDp1(f: Fields, c: LiftContext): boolean {
  const size = sizeOfType(f.t);
  if (size === undefined) return false;
  const op = f.o;
  const rd = f.d;
  const rn = f.n;
  if (op >= 4 && op <= 7) {
    // FCVT to another precision: opc (bits 1:0 of opcode) = 00 single, 01 double, 11 half
    const to = op === 4 ? 32 : op === 5 ? 64 : op === 7 ? 16 : undefined;
    if (to === undefined || to === size) return false;
    if (size !== 16 && to !== 16) {
      const fn = to === 64 ? FP32.toDouble : FP32.fromDouble;
      c.setV(rd, emitFp64(c.b, fn, [c.vlo(rn)]), 0n);
      return true;
    }
    const d = laneIndex(to, rd);
    const n = laneIndex(size, rn);
    const clear = clearing(to, rd);
    c.b.callHelper((cpu: Cpu) => {
      fcvt(cpu, envOf(cpu), to, d, size, n);
      clear(cpu);
    });
    return true;
  }
  if (op <= 2) {
    // FMOV (register), FABS, FNEG: bit operations on the low lane, the rest of Vd cleared.
    const b = c.b;
    let v = c.vlo(rn);
    if (size !== 64) v = b.and(v, (1n << BigInt(size)) - 1n);
    const sign = 1n << BigInt(size - 1);
    if (op === 1) v = b.and(v, ~sign & 0xffffffffffffffffn);
    else if (op === 2) v = b.xor(v, sign);
    c.setV(rd, v, 0n);
    return true;
  }
  const d = laneIndex(size, rd);
  const n = laneIndex(size, rn);
  if (op === 3 && size !== 16) {
    c.setV(rd, emitFp64(c.b, SCALAR[size].sqrt, [c.vlo(rn)]), 0n);
    return true;
  }
  if (op === 3) {
    const { sqrt } = laneOps(size);
    const clear = clearing(size, rd);
    c.b.callHelper((cpu: Cpu) => {
      sqrt(cpu, envOf(cpu), d, n);
      clear(cpu);
    });
    return true;
  }
  if (op >= 8 && op <= 15) {
    const mode = FRINT_MODES[op - 8];
    if (mode === undefined) return false;
    const exact = op === 14;
    const clear = clearing(size, rd);
    c.b.callHelper((cpu: Cpu) => {
      const env = envOf(cpu);
      frint(cpu, env, size, d, n, mode === 'fpcr' ? fpcrRounding(env.fpcr) : mode, exact);
      clear(cpu);
    });
    return true;
  }
  return false;
}

export const fpArithForms: readonly A64Form[] = [
  form('FP_dp2', '000 11110 tt 1 mmmmm oooo 10 nnnnn ddddd', liftDp2),
  form('FP_dp3', '000 11111 tt p mmmmm q aaaaa nnnnn ddddd', liftDp3),
  form('FP_dp1', '000 11110 tt 1 00 oooo 10000 nnnnn ddddd', liftDp1),
];
