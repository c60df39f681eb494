import type { Cpu } from '@arm64kit/core';
import type { Fields } from '../decode/table.js';
import { NZCV_EQUAL, NZCV_GREATER } from '../fp/compare-exact.js';
import { fpcrRounding, Rounding } from '../fp/control.js';
import { fcvt, fpToInt, frint, intToFP } from '../fp/convert.js';
import { envOf } from '../fp/cpu-env.js';
import type { FPEnv } from '../fp/env.js';
import {
  recipEstimateBits,
  recpxBits,
  rsqrtEstimateBits,
  unsignedRecipEstimate,
  unsignedRsqrtEstimate,
} from '../fp/estimate.js';
import { type FPLaneOps, type LaneSize, laneOps } from '../fp/lane-ops.js';
import { type RegisterFile, scratchRegisterFile } from '../fp/regfile.js';
import { stepFusedExact } from '../fp/step-exact.js';
import type { LiftContext } from '../lift/context.js';
import { type A64Form, form } from '../lift/form.js';
import { vHi, vLo } from '../state.js';
import {
  COMPARE_IR,
  type CompareKind,
  hasIrLanes,
  liftLanesAddPairwise,
  liftLanesCompare,
  liftLanesThreeSame,
  liftLanesTwoMisc,
  THREE_SAME_IR,
  TWO_MISC_IR,
} from './fp-lanes.js';

/**
 * AdvSIMD floating point on lanes, with the same exact scalar semantics as the scalar forms:
 * three same (FADD FSUB FMUL FDIV FMAX FMIN FMAXNM FMINNM FMLA FMLS FABD FMULX FADDP FCMEQ FCMGE
 * FCMGT) and two-register misc (FABS FNEG FSQRT FRINT* FCVTZS/FCVTZU SCVTF/UCVTF, FCM** #0).
 * Operands are copied into a scratch register file first, so every lane reads the original
 * sources even when Vd is also a source. The lifters take the lane width as a parameter: the
 * single/double rows are here, the half-precision (FEAT_FP16) rows in fp16.ts. The arithmetic,
 * conversion and compare forms of single and double lanes lift to one float IR operation per lane
 * instead (fp-lanes.ts); the helpers here stay for the rest and for half precision.
 */

const scratch = scratchRegisterFile(8);
/** Scratch slots: A = 0-1, B = 2-3, D = 4-5 (destination's old value), R = 6-7. */
const SA = 0;
const SB = 2;
const SD = 4;
const SR = 6;

function copyIn(cpu: Cpu, v: number, slot: number): void {
  scratch.regs32[2 * slot] = cpu.regs32[2 * vLo(v)];
  scratch.regs32[2 * slot + 1] = cpu.regs32[2 * vLo(v) + 1];
  scratch.regs32[2 * slot + 2] = cpu.regs32[2 * vHi(v)];
  scratch.regs32[2 * slot + 3] = cpu.regs32[2 * vHi(v) + 1];
}

function copyOut(cpu: Cpu, v: number, q: boolean): void {
  cpu.regs32[2 * vLo(v)] = scratch.regs32[2 * SR];
  cpu.regs32[2 * vLo(v) + 1] = scratch.regs32[2 * SR + 1];
  cpu.regs32[2 * vHi(v)] = q ? scratch.regs32[2 * SR + 2] : 0;
  cpu.regs32[2 * vHi(v) + 1] = q ? scratch.regs32[2 * SR + 3] : 0;
}

function clearResult(): void {
  scratch.regs[SR] = 0n;
  scratch.regs[SR + 1] = 0n;
}

/** Lane op on scratch indices (lane index already scaled for the size). */
type LaneOp = (rf: RegisterFile, env: FPEnv, r: number, a: number, b: number, d: number) => void;

/** A lane operation written on raw bit patterns (the exact reference functions). */
function onBits(ops: FPLaneOps, fn: (env: FPEnv, a: bigint, b: bigint) => bigint): LaneOp {
  return (rf, env, r, a, b) => ops.write(rf, r, fn(env, ops.read(rf, a), ops.read(rf, b)));
}

function threeSameOp(u: number, hi: number, opcode: number, size: LaneSize): LaneOp | undefined {
  const ops = laneOps(size);
  const { addSub, mul, div, minMax, mulAdd, compare, mask, absolute } = ops;
  const key = (u << 4) | (hi << 3) | (opcode & 7);
  switch (key) {
    case 0b0_0_000: // FMAXNM
      return (rf, env, r, a, b) => minMax(rf, env, r, a, b, 2);
    case 0b0_1_000: // FMINNM
      return (rf, env, r, a, b) => minMax(rf, env, r, a, b, 3);
    case 0b0_0_001: // FMLA
      return (rf, env, r, a, b, d) => mulAdd(rf, env, r, d, a, b, false, false);
    case 0b0_1_001: // FMLS
      return (rf, env, r, a, b, d) => mulAdd(rf, env, r, d, a, b, false, true);
    case 0b0_0_010: // FADD
      return (rf, env, r, a, b) => addSub(rf, env, r, a, b, false);
    case 0b0_1_010: // FSUB
      return (rf, env, r, a, b) => addSub(rf, env, r, a, b, true);
    case 0b1_1_010: // FABD
      return (rf, env, r, a, b) => {
        addSub(rf, env, r, a, b, true);
        absolute(rf, r);
      };
    case 0b0_0_011: // FMULX
      return (rf, env, r, a, b) => ops.mulx(rf, env, r, a, b);
    case 0b0_0_111: // FRECPS
      return onBits(ops, (env, a, b) => stepFusedExact(env, ops.fmt, a, b, false));
    case 0b0_1_111: // FRSQRTS
      return onBits(ops, (env, a, b) => stepFusedExact(env, ops.fmt, a, b, true));
    case 0b1_0_101: // FACGE (FPAbs in place: the absolute compares read their operands once)
      return (rf, env, r, a, b) => {
        absolute(rf, a);
        absolute(rf, b);
        const f = compare(rf, env, a, b, true);
        mask(rf, r, f === NZCV_EQUAL || f === NZCV_GREATER);
      };
    case 0b1_1_101: // FACGT
      return (rf, env, r, a, b) => {
        absolute(rf, a);
        absolute(rf, b);
        mask(rf, r, compare(rf, env, a, b, true) === NZCV_GREATER);
      };
    case 0b1_0_011: // FMUL
      return (rf, env, r, a, b) => mul(rf, env, r, a, b);
    case 0b0_0_100: // FCMEQ
      return (rf, env, r, a, b) => mask(rf, r, compare(rf, env, a, b, false) === NZCV_EQUAL);
    case 0b1_0_100: // FCMGE
      return (rf, env, r, a, b) => {
        const f = compare(rf, env, a, b, true);
        mask(rf, r, f === NZCV_EQUAL || f === NZCV_GREATER);
      };
    case 0b1_1_100: // FCMGT
      return (rf, env, r, a, b) => mask(rf, r, compare(rf, env, a, b, true) === NZCV_GREATER);
    case 0b0_0_110: // FMAX
      return (rf, env, r, a, b) => minMax(rf, env, r, a, b, 0);
    case 0b0_1_110: // FMIN
      return (rf, env, r, a, b) => minMax(rf, env, r, a, b, 1);
    case 0b1_0_111: // FDIV
      return (rf, env, r, a, b) => div(rf, env, r, a, b);
    default:
      return undefined;
  }
}

/** The combining function of a pairwise FP form, on scratch lanes. */
function pairOp(
  hi: number,
  op3: number,
  size: LaneSize,
): ((env: FPEnv, r: number, a: number, b: number) => void) | undefined {
  const { addSub, minMax } = laneOps(size);
  if (op3 === 0b010 && hi === 0) return (env, r, a, b) => addSub(scratch, env, r, a, b, false);
  if (op3 === 0b000) return (env, r, a, b) => minMax(scratch, env, r, a, b, hi ? 3 : 2);
  if (op3 === 0b110) return (env, r, a, b) => minMax(scratch, env, r, a, b, hi ? 1 : 0);
  return undefined;
}

/** Scalar pairwise: FADDP, FMAXNMP, FMINNMP, FMAXP, FMINP of the two lowest lanes of Vn. */
export function liftFpPairScalar(f: Fields, c: LiftContext, size: LaneSize): boolean {
  const op3 = f.o === 0b01101 ? 0b010 : f.o === 0b01100 ? 0b000 : f.o === 0b01111 ? 0b110 : -1;
  if (op3 < 0 || (op3 === 0b010 && f.h)) return false;
  const pair = pairOp(f.h, op3, size);
  if (!pair) return false;
  const { d, n } = f;
  if (op3 === 0b010 && hasIrLanes(size)) {
    liftLanesAddPairwise(c, size, 2, { d, n });
    return true;
  }
  const { lane } = laneOps(size);
  c.b.callHelper((cpu: Cpu) => {
    const env = envOf(cpu);
    copyIn(cpu, n, SA);
    clearResult();
    pair(env, lane(SR, 0), lane(SA, 0), lane(SA, 1));
    copyOut(cpu, d, false);
  });
  return true;
}

export function liftFpThreeSame(f: Fields, c: LiftContext, size: LaneSize): boolean {
  if (size === 64 && !f.q) return false;
  const q = f.q === 1;
  const lanes = (q ? 128 : 64) / size;
  const { d, n, m } = f;
  const { lane } = laneOps(size);
  // Pairwise (U=1): FADDP (hi 0, 010), FMAXNMP/FMINNMP (000), FMAXP/FMINP (110) over Vm:Vn
  const pair = f.u === 1 ? pairOp(f.h, f.o & 7, size) : undefined;
  if (pair && hasIrLanes(size) && f.h === 0 && (f.o & 7) === 0b010) {
    liftLanesAddPairwise(c, size, lanes, { d, n, m });
    return true;
  }
  if (pair) {
    c.b.callHelper((cpu: Cpu) => {
      const env = envOf(cpu);
      copyIn(cpu, n, SA);
      copyIn(cpu, m, SB);
      const half = lanes / 2;
      for (let e = 0; e < lanes; e++) {
        const src = e < half ? SA : SB;
        const j = 2 * (e < half ? e : e - half);
        pair(env, lane(SR, e), lane(src, j), lane(src, j + 1));
      }
      copyOut(cpu, d, q);
    });
    return true;
  }
  const op = threeSameOp(f.u, f.h, f.o, size);
  if (!op) return false;
  const key = (f.u << 4) | (f.h << 3) | (f.o & 7);
  const irOp = THREE_SAME_IR.get(key);
  const irCompare = COMPARE_IR.get(key);
  if (irOp && hasIrLanes(size)) {
    liftLanesThreeSame(c, irOp, size, lanes, { d, n, m });
    return true;
  }
  if (irCompare && hasIrLanes(size)) {
    liftLanesCompare(c, irCompare.kind, irCompare.absolute, size, lanes, { d, n, m });
    return true;
  }
  c.b.callHelper((cpu: Cpu) => {
    const env = envOf(cpu);
    copyIn(cpu, n, SA);
    copyIn(cpu, m, SB);
    copyIn(cpu, d, SD);
    for (let e = 0; e < lanes; e++) op(scratch, env, lane(SR, e), lane(SA, e), lane(SB, e), lane(SD, e));
    copyOut(cpu, d, q);
  });
  return true;
}

/** FCVT[NMAPZ][SU] (vector and scalar): rounding by U-independent key (a:opcode). */
const TO_INT_ROUNDING = new Map<number, Rounding>([
  [0b0_11010, Rounding.TiesEven],
  [0b0_11011, Rounding.NegInf],
  [0b0_11100, Rounding.TiesAway],
  [0b1_11010, Rounding.PosInf],
  [0b1_11011, Rounding.Zero],
]);

/** The fixed rounding of each FRINT form, keyed by U:a:opcode; FRINTX and FRINTI use FPCR's. */
const FRINT_ROUNDING = new Map<number, Rounding>([
  [0b0_0_11000, Rounding.TiesEven],
  [0b0_0_11001, Rounding.NegInf],
  [0b0_1_11000, Rounding.PosInf],
  [0b0_1_11001, Rounding.Zero],
  [0b1_0_11000, Rounding.TiesAway],
]);

type UnaryOp = (rf: RegisterFile, env: FPEnv, r: number, a: number) => void;

/**
 * The operation of a two-register misc FP form on one lane (U:a:opcode key), or undefined when the
 * key is unallocated for this lane width (or, with `scalar`, for the scalar class).
 */
function twoMiscOp(key: number, size: LaneSize, scalar: boolean): UnaryOp | undefined {
  const ops = laneOps(size);
  const unsigned = key >> 6 === 1;
  switch (key) {
    case 0b0_1_01111: // FABS
      return (rf, _env, r, a) => {
        ops.write(rf, r, ops.read(rf, a));
        ops.absolute(rf, r);
      };
    case 0b1_1_01111: // FNEG
      return (rf, _env, r, a) => {
        ops.write(rf, r, ops.read(rf, a));
        ops.negate(rf, r);
      };
    case 0b1_1_11111: // FSQRT
      return (rf, env, r, a) => ops.sqrt(rf, env, r, a);
    case 0b0_0_11000: // FRINTN
    case 0b0_0_11001: // FRINTM
    case 0b0_1_11000: // FRINTP
    case 0b0_1_11001: // FRINTZ
    case 0b1_0_11000: // FRINTA
    case 0b1_0_11001: // FRINTX
    case 0b1_1_11001: {
      // FRINTI
      const mode = FRINT_ROUNDING.get(key);
      const exact = key === 0b1_0_11001;
      return (rf, env, r, a) => frint(rf, env, size, r, a, mode ?? fpcrRounding(env.fpcr), exact);
    }
    case 0b0_0_11010: // FCVTNS
    case 0b1_0_11010: // FCVTNU
    case 0b0_0_11011: // FCVTMS
    case 0b1_0_11011: // FCVTMU
    case 0b0_0_11100: // FCVTAS
    case 0b1_0_11100: // FCVTAU
    case 0b0_1_11010: // FCVTPS
    case 0b1_1_11010: // FCVTPU
    case 0b0_1_11011: // FCVTZS
    case 0b1_1_11011: {
      // FCVTZU
      const rounding = TO_INT_ROUNDING.get(key & 0b111111) as Rounding;
      // lanes are converted into a 64-bit scratch slot (a lane-width pattern), then stored
      return (rf, env, r, a) => {
        fpToInt(rf, env, SD, size, size, a, unsigned, rounding, 0);
        ops.write(rf, r, rf.regs[SD]);
      };
    }
    case 0b0_1_11101: // FRECPE
    case 0b1_1_11101: // FRSQRTE
    case 0b0_1_11111: {
      // FRECPX (scalar only)
      if (key === 0b0_1_11111 && !scalar) return undefined;
      const fn =
        key === 0b0_1_11101 ? recipEstimateBits : key === 0b1_1_11101 ? rsqrtEstimateBits : recpxBits;
      return (rf, env, r, a) => ops.write(rf, r, fn(env, ops.fmt, ops.read(rf, a)));
    }
    case 0b0_1_11100: // URECPE
    case 0b1_1_11100: {
      // URSQRTE
      if (size !== 32 || scalar) return undefined;
      const fn = unsigned ? unsignedRsqrtEstimate : unsignedRecipEstimate;
      return (rf, _env, r, a) => {
        rf.regs32[r] = fn(rf.regs32[a] >>> 0) | 0;
      };
    }
    case 0b0_0_11101: // SCVTF
    case 0b1_0_11101: // UCVTF
      if (size === 16) {
        // a 16-bit integer lane, extended into a 64-bit scratch slot first
        return (rf, env, r, a) => {
          const v = ops.read(rf, a);
          rf.regs[SD] = unsigned ? v : BigInt.asUintN(64, BigInt.asIntN(16, v));
          intToFP(rf, env, size, r, SD, 64, unsigned, 0);
        };
      }
      return (rf, env, r, a) => intToFP(rf, env, size, r, a, size, unsigned, 0);
    default:
      return undefined;
  }
}

export function liftFpTwoMisc(f: Fields, c: LiftContext, size: LaneSize, scalar: boolean): boolean {
  if (size === 64 && !f.q && !scalar) return false;
  const q = f.q === 1 && !scalar;
  const lanes = scalar ? 1 : (q ? 128 : 64) / size;
  const { d, n } = f;
  const { lane } = laneOps(size);
  const key = (f.u << 6) | (f.h << 5) | f.o;
  const op = twoMiscOp(key, size, scalar);
  if (!op) return false;
  const irOp = TWO_MISC_IR.get(key);
  if (irOp && hasIrLanes(size)) {
    liftLanesTwoMisc(c, irOp, size, lanes, { d, n });
    return true;
  }
  c.b.callHelper((cpu: Cpu) => {
    const env = envOf(cpu);
    copyIn(cpu, n, SA);
    clearResult();
    for (let e = 0; e < lanes; e++) op(scratch, env, lane(SR, e), lane(SA, e));
    copyOut(cpu, d, q);
  });
  return true;
}

/**
 * FCVTL/FCVTL2 (widen the lower/upper half: half to single, single to double) and
 * FCVTN/FCVTN2/FCVTXN/FCVTXN2 (narrow into the lower/upper half of Vd).
 */
function liftFpLengthen(f: Fields, c: LiftContext): boolean {
  const { d, n } = f;
  const upper = f.q === 1;
  const narrow = f.o === 0;
  const odd = f.u === 1;
  if (odd && (!narrow || f.s === 0)) return false; // FCVTXN is double to single only
  if (!odd && f.u !== 0) return false;
  const wide = f.s ? 64 : 32;
  const small = f.s ? 32 : 16;
  const count = 64 / small;
  const wideLane = laneOps(wide).lane;
  const smallLane = laneOps(small).lane;
  c.b.callHelper((cpu: Cpu) => {
    const env = envOf(cpu);
    copyIn(cpu, n, SA);
    copyIn(cpu, d, SR);
    if (narrow) {
      if (!upper) clearResult();
      for (let e = 0; e < count; e++) {
        fcvt(scratch, env, small, smallLane(SR, (upper ? count : 0) + e), wide, wideLane(SA, e), odd);
      }
    } else {
      for (let e = 0; e < count; e++) {
        fcvt(scratch, env, wide, wideLane(SR, e), small, smallLane(SA, (upper ? count : 0) + e));
      }
    }
    copyOut(cpu, d, true);
  });
  return true;
}

/**
 * FMAXNMV, FMINNMV, FMAXV, FMINV (4S, and 4H/8H in half precision): the pairwise reduction tree of
 * the Arm ARM's Reduce(), neighbours first, so NaN propagation and signed zeros come out as there.
 */
export function liftFpAcross(f: Fields, c: LiftContext, size: LaneSize): boolean {
  if (f.o !== 0 && f.o !== 3) return false;
  const op = f.o === 0 ? (f.h ? 3 : 2) : f.h ? 1 : 0;
  const lanes = (f.q ? 128 : 64) / size;
  const { d, n } = f;
  const { lane, minMax } = laneOps(size);
  c.b.callHelper((cpu: Cpu) => {
    const env = envOf(cpu);
    copyIn(cpu, n, SA);
    clearResult();
    // Each round combines neighbouring pairs into the low lanes of R, halving the count.
    let src = SA;
    for (let count = lanes; count > 1; count >>= 1) {
      for (let e = 0; e < count / 2; e++)
        minMax(scratch, env, lane(SR, e), lane(src, 2 * e), lane(src, 2 * e + 1), op);
      src = SR;
    }
    const result = laneOps(size).read(scratch, lane(SR, 0));
    clearResult();
    laneOps(size).write(scratch, lane(SR, 0), result);
    copyOut(cpu, d, false);
  });
  return true;
}

/** Scalar FP three same: FMULX, FCMEQ, FCMGE, FCMGT, FACGE, FACGT, FABD, FRECPS, FRSQRTS on Hn/Sn/Dn. */
const SCALAR_THREE_SAME = new Set([
  0b0_0_011, 0b0_0_100, 0b1_0_100, 0b1_1_100, 0b1_0_101, 0b1_1_101, 0b1_1_010, 0b0_0_111, 0b0_1_111,
]);

export function liftScalarFpThreeSame(f: Fields, c: LiftContext, size: LaneSize): boolean {
  if (!SCALAR_THREE_SAME.has((f.u << 4) | (f.h << 3) | f.o)) return false;
  const op = threeSameOp(f.u, f.h, f.o, size);
  if (!op) return false;
  const { d, n, m } = f;
  const irCompare = COMPARE_IR.get((f.u << 4) | (f.h << 3) | f.o);
  if (irCompare && hasIrLanes(size)) {
    liftLanesCompare(c, irCompare.kind, irCompare.absolute, size, 1, { d, n, m });
    return true;
  }
  const { lane } = laneOps(size);
  c.b.callHelper((cpu: Cpu) => {
    const env = envOf(cpu);
    copyIn(cpu, n, SA);
    copyIn(cpu, m, SB);
    clearResult();
    op(scratch, env, lane(SR, 0), lane(SA, 0), lane(SB, 0), 0);
    copyOut(cpu, d, false);
  });
  return true;
}

/**
 * FCMGT, FCMGE, FCMEQ, FCMLE, FCMLT against #0.0 (two-register misc, vector and scalar). LE and LT
 * are GE and GT with the operands swapped, as in the pseudocode; EQ does not signal on quiet NaNs.
 */
export function liftFpCompareZero(
  f: Fields,
  c: LiftContext,
  kind: CompareKind,
  scalar: boolean,
  size: LaneSize,
): boolean {
  if (!scalar && size === 64 && !f.q) return false;
  const q = f.q === 1 && !scalar;
  const lanes = scalar ? 1 : (q ? 128 : 64) / size;
  const { d, n } = f;
  if (hasIrLanes(size)) {
    liftLanesCompare(c, kind, false, size, lanes, { d, n });
    return true;
  }
  const { lane, compare, mask } = laneOps(size);
  c.b.callHelper((cpu: Cpu) => {
    const env = envOf(cpu);
    copyIn(cpu, n, SA);
    clearResult();
    for (let e = 0; e < lanes; e++) {
      const a = lane(SA, e);
      let v: boolean;
      if (kind === 'eq') v = compare(scratch, env, a, -1, false) === NZCV_EQUAL;
      else {
        const r =
          kind === 'gt' || kind === 'ge'
            ? compare(scratch, env, a, -1, true)
            : compare(scratch, env, -1, a, true);
        v = r === NZCV_GREATER || ((kind === 'ge' || kind === 'le') && r === NZCV_EQUAL);
      }
      mask(scratch, lane(SR, e), v);
    }
    copyOut(cpu, d, q);
  });
  return true;
}

export const compareZeroKind = (u: number, o: number): CompareKind =>
  o ? (u ? 'le' : 'eq') : u ? 'ge' : 'gt';

const sizeOfSz = (s: number): LaneSize => (s ? 64 : 32);

export const fpVectorForms: readonly A64Form[] = [
  form(
    'SIMD_scalar_fp_three_same',
    '01 u 11110 h s 1 mmmmm 11 ooo 1 nnnnn ddddd',
    (f, c) => liftScalarFpThreeSame(f, c, sizeOfSz(f.s)),
    ['SIMD_scalar_three_same'],
  ),
  form(
    'FCMxx_zero',
    '0 q u 01110 1 s 10000 0110 o 10 nnnnn ddddd',
    (f, c) => liftFpCompareZero(f, c, compareZeroKind(f.u, f.o), false, sizeOfSz(f.s)),
    ['SIMD_two_misc'],
  ),
  form(
    'FCMLT_zero',
    '0 q 0 01110 1 s 10000 01110 10 nnnnn ddddd',
    (f, c) => liftFpCompareZero(f, c, 'lt', false, sizeOfSz(f.s)),
    ['SIMD_two_misc'],
  ),
  form(
    'FCMxx_zero_scalar',
    '01 u 11110 1 s 10000 0110 o 10 nnnnn ddddd',
    (f, c) => liftFpCompareZero(f, c, compareZeroKind(f.u, f.o), true, sizeOfSz(f.s)),
    ['SIMD_scalar_two_misc'],
  ),
  form(
    'FCMLT_zero_scalar',
    '01 0 11110 1 s 10000 01110 10 nnnnn ddddd',
    (f, c) => liftFpCompareZero(f, c, 'lt', true, sizeOfSz(f.s)),
    ['SIMD_scalar_two_misc'],
  ),
  form('SIMD_fp_pair_scalar', '01 1 11110 h s 11000 ooooo 10 nnnnn ddddd', (f, c) =>
    liftFpPairScalar(f, c, sizeOfSz(f.s)),
  ),
  form('SIMD_fp_lengthen', '0 q u 01110 0 s 10000 1011 o 10 nnnnn ddddd', liftFpLengthen, ['SIMD_two_misc']),
  form(
    'SIMD_fp_across',
    '0 1 1 01110 h 0 11000 011 oo 10 nnnnn ddddd',
    (f, c) => liftFpAcross({ ...f, q: 1 }, c, 32),
    ['SIMD_across'],
  ),
  form(
    'SIMD_fp_three_same',
    '0 q u 01110 h s 1 mmmmm 11 ooo 1 nnnnn ddddd',
    (f, c) => liftFpThreeSame(f, c, sizeOfSz(f.s)),
    ['SIMD_three_same'],
  ),
  form(
    'SIMD_fp_two_misc',
    '0 q u 01110 h s 10000 11 ooo 10 nnnnn ddddd',
    (f, c) => liftFpTwoMisc({ ...f, o: f.o | 0b11000 }, c, sizeOfSz(f.s), false),
    ['SIMD_two_misc'],
  ),
  form(
    'SIMD_scalar_fp_two_misc',
    '01 u 11110 h s 10000 11 ooo 10 nnnnn ddddd',
    (f, c) => liftFpTwoMisc({ ...f, o: f.o | 0b11000 }, c, sizeOfSz(f.s), true),
    ['SIMD_scalar_two_misc'],
  ),
  form(
    'SIMD_fp_two_misc_abs',
    '0 q u 01110 h s 10000 01111 10 nnnnn ddddd',
    (f, c) => liftFpTwoMisc({ ...f, o: 0b01111 }, c, sizeOfSz(f.s), false),
    ['SIMD_two_misc'],
  ),
];
