import type { Cpu } from '@arm64kit/core';
import type { Fields } from '../decode/table.js';
import {
  faddsub32,
  faddsub64,
  fdiv32,
  fdiv64,
  fmul32,
  fmul64,
  fmuladd32,
  fmuladd64,
  fsqrt32,
  fsqrt64,
} from '../fp/arith.js';
import { mulxExact } from '../fp/arith-exact.js';
import { fcmp32, fcmp64, fminmax32, fminmax64 } from '../fp/compare.js';
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
import { DOUBLE, SINGLE } from '../fp/format.js';
import { type RegisterFile, scratchRegisterFile } from '../fp/regfile.js';
import { stepFusedExact } from '../fp/step-exact.js';
import type { LiftContext } from '../lift/context.js';
import { type A64Form, form } from '../lift/form.js';
import { vHi, vLo } from '../state.js';

/**
 * AdvSIMD floating point on lanes, with the same exact scalar semantics as the scalar forms:
 * three same (FADD FSUB FMUL FDIV FMAX FMIN FMAXNM FMINNM FMLA FMLS FABD FMULX FADDP FCMEQ FCMGE
 * FCMGT) and two-register misc (FABS FNEG FSQRT FRINT* FCVTZS/FCVTZU SCVTF/UCVTF, FCM** #0).
 * Operands are copied into a scratch register file first, so every lane reads the original
 * sources even when Vd is also a source.
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

/** Lane op on scratch indices (lane index already scaled for the size). */
type LaneOp = (rf: RegisterFile, env: FPEnv, r: number, a: number, b: number, d: number) => void;

function all(rf: RegisterFile, size: number, i: number, v: boolean): void {
  if (size === 64) rf.regs[i] = v ? 0xffffffffffffffffn : 0n;
  else rf.regs32[i] = v ? -1 : 0;
}

/** A lane operation written on raw bit patterns (the exact reference functions). */
function onBits(size: 32 | 64, fn: (env: FPEnv, a: bigint, b: bigint) => bigint): LaneOp {
  if (size === 64)
    return (rf, env, r, a, b) => {
      rf.regs[r] = fn(env, rf.regs[a], rf.regs[b]);
    };
  return (rf, env, r, a, b) => {
    rf.regs32[r] = Number(fn(env, BigInt(rf.regs32[a] >>> 0), BigInt(rf.regs32[b] >>> 0))) | 0;
  };
}

/** FPAbs in place on a scratch lane (the absolute compares read their operands once). */
function clearSign(rf: RegisterFile, size: number, i: number): void {
  if (size === 64) rf.regs32[2 * i + 1] &= 0x7fffffff;
  else rf.regs32[i] &= 0x7fffffff;
}

function threeSameOp(u: number, hi: number, opcode: number, size: 32 | 64): LaneOp | undefined {
  const s64 = size === 64;
  const add = s64 ? faddsub64 : faddsub32;
  const mul = s64 ? fmul64 : fmul32;
  const div = s64 ? fdiv64 : fdiv32;
  const mm = s64 ? fminmax64 : fminmax32;
  const fma = s64 ? fmuladd64 : fmuladd32;
  const cmp = s64 ? fcmp64 : fcmp32;
  const key = (u << 4) | (hi << 3) | (opcode & 7);
  switch (key) {
    case 0b0_0_000: // FMAXNM
      return (rf, env, r, a, b) => mm(rf, env, r, a, b, 2);
    case 0b0_1_000: // FMINNM
      return (rf, env, r, a, b) => mm(rf, env, r, a, b, 3);
    case 0b0_0_001: // FMLA
      return (rf, env, r, a, b, d) => fma(rf, env, r, d, a, b, false, false);
    case 0b0_1_001: // FMLS
      return (rf, env, r, a, b, d) => fma(rf, env, r, d, a, b, false, true);
    case 0b0_0_010: // FADD
      return (rf, env, r, a, b) => add(rf, env, r, a, b, false);
    case 0b0_1_010: // FSUB
      return (rf, env, r, a, b) => add(rf, env, r, a, b, true);
    case 0b1_1_010: // FABD
      return (rf, env, r, a, b) => {
        add(rf, env, r, a, b, true);
        if (s64) rf.regs32[2 * r + 1] &= 0x7fffffff;
        else rf.regs32[r] &= 0x7fffffff;
      };
    case 0b0_0_011: // FMULX
      return onBits(size, (env, a, b) => mulxExact(env, s64 ? DOUBLE : SINGLE, a, b));
    case 0b0_0_111: // FRECPS
      return onBits(size, (env, a, b) => stepFusedExact(env, s64 ? DOUBLE : SINGLE, a, b, false));
    case 0b0_1_111: // FRSQRTS
      return onBits(size, (env, a, b) => stepFusedExact(env, s64 ? DOUBLE : SINGLE, a, b, true));
    case 0b1_0_101: // FACGE
      return (rf, env, r, a, b) => {
        clearSign(rf, size, a);
        clearSign(rf, size, b);
        const f = cmp(rf, env, a, b, true);
        all(rf, size, r, f === NZCV_EQUAL || f === NZCV_GREATER);
      };
    case 0b1_1_101: // FACGT
      return (rf, env, r, a, b) => {
        clearSign(rf, size, a);
        clearSign(rf, size, b);
        all(rf, size, r, cmp(rf, env, a, b, true) === NZCV_GREATER);
      };
    case 0b1_0_011: // FMUL
      return (rf, env, r, a, b) => mul(rf, env, r, a, b);
    case 0b0_0_100: // FCMEQ
      return (rf, env, r, a, b) => all(rf, size, r, cmp(rf, env, a, b, false) === NZCV_EQUAL);
    case 0b1_0_100: // FCMGE
      return (rf, env, r, a, b) => {
        const f = cmp(rf, env, a, b, true);
        all(rf, size, r, f === NZCV_EQUAL || f === NZCV_GREATER);
      };
    case 0b1_1_100: // FCMGT
      return (rf, env, r, a, b) => all(rf, size, r, cmp(rf, env, a, b, true) === NZCV_GREATER);
    case 0b0_0_110: // FMAX
      return (rf, env, r, a, b) => mm(rf, env, r, a, b, 0);
    case 0b0_1_110: // FMIN
      return (rf, env, r, a, b) => mm(rf, env, r, a, b, 1);
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
  size: 32 | 64,
): ((env: FPEnv, r: number, a: number, b: number) => void) | undefined {
  if (op3 === 0b010 && hi === 0)
    return (env, r, a, b) => (size === 64 ? faddsub64 : faddsub32)(scratch, env, r, a, b, false);
  const mm = size === 64 ? fminmax64 : fminmax32;
  if (op3 === 0b000) return (env, r, a, b) => mm(scratch, env, r, a, b, hi ? 3 : 2);
  if (op3 === 0b110) return (env, r, a, b) => mm(scratch, env, r, a, b, hi ? 1 : 0);
  return undefined;
}

/** Scalar pairwise: FADDP, FMAXNMP, FMINNMP, FMAXP, FMINP of the two lanes of Vn (2S or 2D). */
function liftFpPairScalar(f: Fields, c: LiftContext): boolean {
  const size = f.s ? 64 : 32;
  const op3 = f.o === 0b01101 ? 0b010 : f.o === 0b01100 ? 0b000 : f.o === 0b01111 ? 0b110 : -1;
  if (op3 < 0 || (op3 === 0b010 && f.h)) return false;
  const pair = pairOp(f.h, op3, size);
  if (!pair) return false;
  const { d, n } = f;
  const idx = (slot: number, e: number) => (size === 64 ? slot + e : 2 * slot + e);
  c.b.callHelper((cpu: Cpu) => {
    const env = envOf(cpu);
    copyIn(cpu, n, SA);
    scratch.regs[SR] = 0n;
    scratch.regs[SR + 1] = 0n;
    pair(env, idx(SR, 0), idx(SA, 0), idx(SA, 1));
    copyOut(cpu, d, false);
  });
  return true;
}

function liftFpThreeSame(f: Fields, c: LiftContext): boolean {
  const size = f.s ? 64 : 32;
  if (size === 64 && !f.q) return false;
  const q = f.q === 1;
  const lanes = (q ? 128 : 64) / size;
  const { d, n, m } = f;
  const idx = (slot: number, e: number) => (size === 64 ? slot + e : 2 * slot + e);
  // Pairwise (U=1): FADDP (hi 0, 010), FMAXNMP/FMINNMP (000), FMAXP/FMINP (110) over Vm:Vn
  const pair = f.u === 1 ? pairOp(f.h, f.o & 7, size) : undefined;
  if (pair) {
    c.b.callHelper((cpu: Cpu) => {
      const env = envOf(cpu);
      copyIn(cpu, n, SA);
      copyIn(cpu, m, SB);
      const half = lanes / 2;
      for (let e = 0; e < lanes; e++) {
        const src = e < half ? SA : SB;
        const j = 2 * (e < half ? e : e - half);
        pair(env, idx(SR, e), idx(src, j), idx(src, j + 1));
      }
      copyOut(cpu, d, q);
    });
    return true;
  }
  const op = threeSameOp(f.u, f.h, f.o, size);
  if (!op) return false;
  c.b.callHelper((cpu: Cpu) => {
    const env = envOf(cpu);
    copyIn(cpu, n, SA);
    copyIn(cpu, m, SB);
    copyIn(cpu, d, SD);
    for (let e = 0; e < lanes; e++) op(scratch, env, idx(SR, e), idx(SA, e), idx(SB, e), idx(SD, e));
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

function liftFpTwoMisc(f: Fields, c: LiftContext, scalar = false): boolean {
  const size = f.s ? 64 : 32;
  if (size === 64 && !f.q && !scalar) return false;
  const q = f.q === 1 && !scalar;
  const lanes = scalar ? 1 : (q ? 128 : 64) / size;
  const { d, n } = f;
  const idx = (slot: number, e: number) => (size === 64 ? slot + e : 2 * slot + e);
  const key = (f.u << 6) | (f.h << 5) | f.o;
  let op: ((rf: RegisterFile, env: FPEnv, r: number, a: number) => void) | undefined;
  const signBitWord = (r: number) => (size === 64 ? 2 * r + 1 : r);
  switch (key) {
    case 0b0_1_01111: // FABS
      op = (rf, _env, r, a) => {
        rf.regs[r] = rf.regs[a];
        if (size === 32) rf.regs32[r] = rf.regs32[a];
        rf.regs32[signBitWord(r)] &= 0x7fffffff;
      };
      break;
    case 0b1_1_01111: // FNEG
      op = (rf, _env, r, a) => {
        if (size === 32) rf.regs32[r] = rf.regs32[a];
        else rf.regs[r] = rf.regs[a];
        rf.regs32[signBitWord(r)] ^= 0x80000000;
      };
      break;
    case 0b1_1_11111: // FSQRT
      op = (rf, env, r, a) => (size === 64 ? fsqrt64 : fsqrt32)(rf, env, r, a);
      break;
    case 0b0_0_11000: // FRINTN
    case 0b0_0_11001: // FRINTM
    case 0b0_1_11000: // FRINTP
    case 0b0_1_11001: // FRINTZ
    case 0b1_0_11000: // FRINTA
    case 0b1_0_11001: // FRINTX
    case 0b1_1_11001: {
      // FRINTI
      // The fixed rounding of each FRINT form, keyed like the case labels; FRINTX and FRINTI use FPCR's.
      const fixed = new Map<number, Rounding>([
        [0b0_0_11000, Rounding.TiesEven],
        [0b0_0_11001, Rounding.NegInf],
        [0b0_1_11000, Rounding.PosInf],
        [0b0_1_11001, Rounding.Zero],
        [0b1_0_11000, Rounding.TiesAway],
      ]);
      const mode = fixed.get(key);
      const exact = key === 0b1_0_11001;
      op = (rf, env, r, a) => frint(rf, env, size, r, a, mode ?? fpcrRounding(env.fpcr), exact);
      break;
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
      const rounding = TO_INT_ROUNDING.get((f.h << 5) | f.o) as Rounding;
      op = (rf, env, r, a) => {
        // lanes are written through a 64-bit scratch slot, then narrowed for 32-bit lanes
        fpToInt(rf, env, SD, size, size, a, f.u === 1, rounding, 0);
        if (size === 64) rf.regs[r] = rf.regs[SD];
        else rf.regs32[r] = rf.regs32[2 * SD];
      };
      break;
    }
    case 0b0_1_11101: // FRECPE
    case 0b1_1_11101: // FRSQRTE
    case 0b0_1_11111: {
      // FRECPX (scalar only)
      if (key === 0b0_1_11111 && !scalar) return false;
      const fmt = size === 64 ? DOUBLE : SINGLE;
      const fn =
        key === 0b0_1_11101 ? recipEstimateBits : key === 0b1_1_11101 ? rsqrtEstimateBits : recpxBits;
      op = (rf, env, r, a) => {
        if (size === 64) rf.regs[r] = fn(env, fmt, rf.regs[a]);
        else rf.regs32[r] = Number(fn(env, fmt, BigInt(rf.regs32[a] >>> 0))) | 0;
      };
      break;
    }
    case 0b0_1_11100: // URECPE
    case 0b1_1_11100: {
      // URSQRTE
      if (size !== 32 || scalar) return false;
      const fn = f.u ? unsignedRsqrtEstimate : unsignedRecipEstimate;
      op = (rf, _env, r, a) => {
        rf.regs32[r] = fn(rf.regs32[a] >>> 0) | 0;
      };
      break;
    }
    case 0b0_0_11101: // SCVTF
    case 0b1_0_11101: // UCVTF
      op = (rf, env, r, a) => intToFP(rf, env, size, r, a, size, f.u === 1, 0);
      break;
    default:
      return false;
  }
  const fn = op;
  c.b.callHelper((cpu: Cpu) => {
    const env = envOf(cpu);
    copyIn(cpu, n, SA);
    scratch.regs[SR] = 0n;
    scratch.regs[SR + 1] = 0n;
    for (let e = 0; e < lanes; e++) fn(scratch, env, idx(SR, e), idx(SA, e));
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
  const idxOf = (size: number, slot: number, e: number) =>
    size === 64 ? slot + e : size === 32 ? 2 * slot + e : 4 * slot + e;
  c.b.callHelper((cpu: Cpu) => {
    const env = envOf(cpu);
    copyIn(cpu, n, SA);
    copyIn(cpu, d, SR);
    if (narrow) {
      if (!upper) {
        scratch.regs[SR] = 0n;
        scratch.regs[SR + 1] = 0n;
      }
      for (let e = 0; e < count; e++) {
        fcvt(scratch, env, small, idxOf(small, SR, (upper ? count : 0) + e), wide, idxOf(wide, SA, e), odd);
      }
    } else {
      for (let e = 0; e < count; e++) {
        fcvt(scratch, env, wide, idxOf(wide, SR, e), small, idxOf(small, SA, (upper ? count : 0) + e));
      }
    }
    copyOut(cpu, d, true);
  });
  return true;
}

/** FMAXNMV, FMINNMV, FMAXV, FMINV (4S): pairwise reduction tree, as the Arm ARM's Reduce(). */
function liftFpAcross(f: Fields, c: LiftContext): boolean {
  if (f.o !== 0 && f.o !== 3) return false;
  const op = f.o === 0 ? (f.h ? 3 : 2) : f.h ? 1 : 0;
  const { d, n } = f;
  c.b.callHelper((cpu: Cpu) => {
    const env = envOf(cpu);
    copyIn(cpu, n, SA);
    const a = 2 * SA;
    fminmax32(scratch, env, 2 * SR, a, a + 1, op);
    fminmax32(scratch, env, 2 * SR + 1, a + 2, a + 3, op);
    fminmax32(scratch, env, 2 * SR, 2 * SR, 2 * SR + 1, op);
    scratch.regs32[2 * SR + 1] = 0;
    scratch.regs[SR + 1] = 0n;
    copyOut(cpu, d, true);
  });
  return true;
}

/** Scalar FP three same: FMULX, FCMEQ, FCMGE, FCMGT, FACGE, FACGT, FABD, FRECPS, FRSQRTS on Sn/Dn. */
const SCALAR_THREE_SAME = new Set([
  0b0_0_011, 0b0_0_100, 0b1_0_100, 0b1_1_100, 0b1_0_101, 0b1_1_101, 0b1_1_010, 0b0_0_111, 0b0_1_111,
]);

function liftScalarFpThreeSame(f: Fields, c: LiftContext): boolean {
  if (!SCALAR_THREE_SAME.has((f.u << 4) | (f.h << 3) | f.o)) return false;
  const size = f.s ? 64 : 32;
  const op = threeSameOp(f.u, f.h, f.o, size);
  if (!op) return false;
  const { d, n, m } = f;
  c.b.callHelper((cpu: Cpu) => {
    const env = envOf(cpu);
    copyIn(cpu, n, SA);
    copyIn(cpu, m, SB);
    scratch.regs[SR] = 0n;
    scratch.regs[SR + 1] = 0n;
    op(scratch, env, size === 64 ? SR : 2 * SR, size === 64 ? SA : 2 * SA, size === 64 ? SB : 2 * SB, 0);
    copyOut(cpu, d, false);
  });
  return true;
}

/**
 * FCMGT, FCMGE, FCMEQ, FCMLE, FCMLT against #0.0 (two-register misc, vector and scalar). LE and LT
 * are GE and GT with the operands swapped, as in the pseudocode; EQ does not signal on quiet NaNs.
 */
function liftFpCompareZero(
  f: Fields,
  c: LiftContext,
  kind: 'gt' | 'ge' | 'eq' | 'le' | 'lt',
  scalar: boolean,
): boolean {
  const size = f.s ? 64 : 32;
  if (!scalar && size === 64 && !f.q) return false;
  const q = f.q === 1 && !scalar;
  const lanes = scalar ? 1 : (q ? 128 : 64) / size;
  const { d, n } = f;
  const idx = (slot: number, e: number) => (size === 64 ? slot + e : 2 * slot + e);
  const cmp = size === 64 ? fcmp64 : fcmp32;
  c.b.callHelper((cpu: Cpu) => {
    const env = envOf(cpu);
    copyIn(cpu, n, SA);
    scratch.regs[SB] = 0n;
    scratch.regs[SB + 1] = 0n;
    scratch.regs[SR] = 0n;
    scratch.regs[SR + 1] = 0n;
    for (let e = 0; e < lanes; e++) {
      const a = idx(SA, e);
      const zero = idx(SB, e);
      let v: boolean;
      if (kind === 'eq') v = cmp(scratch, env, a, zero, false) === NZCV_EQUAL;
      else {
        const r =
          kind === 'gt' || kind === 'ge'
            ? cmp(scratch, env, a, zero, true)
            : cmp(scratch, env, zero, a, true);
        v = r === NZCV_GREATER || ((kind === 'ge' || kind === 'le') && r === NZCV_EQUAL);
      }
      all(scratch, size, idx(SR, e), v);
    }
    copyOut(cpu, d, q);
  });
  return true;
}

const compareZeroKind = (u: number, o: number) => (o ? (u ? 'le' : 'eq') : u ? 'ge' : 'gt');

export const fpVectorForms: readonly A64Form[] = [
  form('SIMD_scalar_fp_three_same', '01 u 11110 h s 1 mmmmm 11 ooo 1 nnnnn ddddd', liftScalarFpThreeSame, [
    'SIMD_scalar_three_same',
  ]),
  form(
    'FCMxx_zero',
    '0 q u 01110 1 s 10000 0110 o 10 nnnnn ddddd',
    (f, c) => liftFpCompareZero(f, c, compareZeroKind(f.u, f.o), false),
    ['SIMD_two_misc'],
  ),
  form(
    'FCMLT_zero',
    '0 q 0 01110 1 s 10000 01110 10 nnnnn ddddd',
    (f, c) => liftFpCompareZero(f, c, 'lt', false),
    ['SIMD_two_misc'],
  ),
  form(
    'FCMxx_zero_scalar',
    '01 u 11110 1 s 10000 0110 o 10 nnnnn ddddd',
    (f, c) => liftFpCompareZero(f, c, compareZeroKind(f.u, f.o), true),
    ['SIMD_scalar_two_misc'],
  ),
  form(
    'FCMLT_zero_scalar',
    '01 0 11110 1 s 10000 01110 10 nnnnn ddddd',
    (f, c) => liftFpCompareZero(f, c, 'lt', true),
    ['SIMD_scalar_two_misc'],
  ),
  form('SIMD_fp_pair_scalar', '01 1 11110 h s 11000 ooooo 10 nnnnn ddddd', liftFpPairScalar),
  form('SIMD_fp_lengthen', '0 q u 01110 0 s 10000 1011 o 10 nnnnn ddddd', liftFpLengthen, ['SIMD_two_misc']),
  form('SIMD_fp_across', '0 1 1 01110 h 0 11000 011 oo 10 nnnnn ddddd', liftFpAcross, ['SIMD_across']),
  form('SIMD_fp_three_same', '0 q u 01110 h s 1 mmmmm 11 ooo 1 nnnnn ddddd', liftFpThreeSame, [
    'SIMD_three_same',
  ]),
  form(
    'SIMD_fp_two_misc',
    '0 q u 01110 h s 10000 11 ooo 10 nnnnn ddddd',
    (f, c) => liftFpTwoMisc({ ...f, o: f.o | 0b11000 }, c),
    ['SIMD_two_misc'],
  ),
  form(
    'SIMD_scalar_fp_two_misc',
    '01 u 11110 h s 10000 11 ooo 10 nnnnn ddddd',
    (f, c) => liftFpTwoMisc({ ...f, o: f.o | 0b11000 }, c, true),
    ['SIMD_scalar_two_misc'],
  ),
  form(
    'SIMD_fp_two_misc_abs',
    '0 q u 01110 h s 10000 01111 10 nnnnn ddddd',
    (f, c) => liftFpTwoMisc({ ...f, o: 0b01111 }, c),
    ['SIMD_two_misc'],
  ),
];
