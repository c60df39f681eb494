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
} from './arith.js';
import { mulxExact } from './arith-exact.js';
import { fcmp32, fcmp64, fminmax32, fminmax64 } from './compare.js';
import type { FPEnv } from './env.js';
import { DOUBLE, type FPFormat, HALF, SINGLE } from './format.js';
import { faddsub16, fcmp16, fdiv16, fminmax16, fmul16, fmuladd16, fmulx16, fsqrt16 } from './half.js';
import { getHalf, type RegisterFile, setHalf } from './regfile.js';

/** An FP lane width: 16 (half, FEAT_FP16), 32 (single) or 64 (double). */
export type LaneSize = 16 | 32 | 64;

/**
 * The arithmetic of one lane width over register-file lane indices (regfile.ts conventions), so
 * that a lifter written once serves .4H/.8H, .2S/.4S and .2D alike.
 */
export interface FPLaneOps {
  readonly size: LaneSize;
  readonly fmt: FPFormat;
  addSub(rf: RegisterFile, env: FPEnv, d: number, n: number, m: number, sub: boolean): void;
  mul(rf: RegisterFile, env: FPEnv, d: number, n: number, m: number): void;
  mulx(rf: RegisterFile, env: FPEnv, d: number, n: number, m: number): void;
  div(rf: RegisterFile, env: FPEnv, d: number, n: number, m: number): void;
  sqrt(rf: RegisterFile, env: FPEnv, d: number, n: number): void;
  mulAdd(
    rf: RegisterFile,
    env: FPEnv,
    d: number,
    a: number,
    n: number,
    m: number,
    negA: boolean,
    negN: boolean,
  ): void;
  minMax(rf: RegisterFile, env: FPEnv, d: number, n: number, m: number, op: number): void;
  compare(rf: RegisterFile, env: FPEnv, n: number, m: number, signalAll: boolean): number;
  /** Raw bits of a lane, and the inverse. */
  read(rf: RegisterFile, i: number): bigint;
  write(rf: RegisterFile, i: number, v: bigint): void;
  /** Index of lane e of the 128-bit block starting at `slot`. */
  lane(slot: number, e: number): number;
  /** Flips the sign bit of lane i (FPNeg), or clears it (FPAbs). */
  negate(rf: RegisterFile, i: number): void;
  absolute(rf: RegisterFile, i: number): void;
  /** Lane i set to all ones (true) or all zeros: the result of a vector compare. */
  mask(rf: RegisterFile, i: number, v: boolean): void;
}

const HALF_OPS: FPLaneOps = {
  size: 16,
  fmt: HALF,
  addSub: faddsub16,
  mul: fmul16,
  mulx: fmulx16,
  div: fdiv16,
  sqrt: fsqrt16,
  mulAdd: fmuladd16,
  minMax: fminmax16,
  compare: fcmp16,
  read: (rf, i) => BigInt(getHalf(rf, i)),
  write: (rf, i, v) => setHalf(rf, i, Number(v)),
  lane: (slot, e) => 4 * slot + e,
  negate: (rf, i) => setHalf(rf, i, getHalf(rf, i) ^ 0x8000),
  absolute: (rf, i) => setHalf(rf, i, getHalf(rf, i) & 0x7fff),
  mask: (rf, i, v) => setHalf(rf, i, v ? 0xffff : 0),
};

const SINGLE_OPS: FPLaneOps = {
  size: 32,
  fmt: SINGLE,
  addSub: faddsub32,
  mul: fmul32,
  mulx: (rf, env, d, n, m) => {
    rf.regs32[d] = Number(mulxExact(env, SINGLE, BigInt(rf.regs32[n] >>> 0), BigInt(rf.regs32[m] >>> 0))) | 0;
  },
  div: fdiv32,
  sqrt: fsqrt32,
  mulAdd: fmuladd32,
  minMax: fminmax32,
  compare: fcmp32,
  read: (rf, i) => BigInt(rf.regs32[i] >>> 0),
  write: (rf, i, v) => {
    rf.regs32[i] = Number(v) | 0;
  },
  lane: (slot, e) => 2 * slot + e,
  negate: (rf, i) => {
    rf.regs32[i] ^= 0x80000000;
  },
  absolute: (rf, i) => {
    rf.regs32[i] &= 0x7fffffff;
  },
  mask: (rf, i, v) => {
    rf.regs32[i] = v ? -1 : 0;
  },
};

const DOUBLE_OPS: FPLaneOps = {
  size: 64,
  fmt: DOUBLE,
  addSub: faddsub64,
  mul: fmul64,
  mulx: (rf, env, d, n, m) => {
    rf.regs[d] = mulxExact(env, DOUBLE, rf.regs[n], rf.regs[m]);
  },
  div: fdiv64,
  sqrt: fsqrt64,
  mulAdd: fmuladd64,
  minMax: fminmax64,
  compare: fcmp64,
  read: (rf, i) => rf.regs[i],
  write: (rf, i, v) => {
    rf.regs[i] = v;
  },
  lane: (slot, e) => slot + e,
  negate: (rf, i) => {
    rf.regs32[2 * i + 1] ^= 0x80000000;
  },
  absolute: (rf, i) => {
    rf.regs32[2 * i + 1] &= 0x7fffffff;
  },
  mask: (rf, i, v) => {
    rf.regs[i] = v ? 0xffffffffffffffffn : 0n;
  },
};

export function laneOps(size: LaneSize): FPLaneOps {
  return size === 16 ? HALF_OPS : size === 32 ? SINGLE_OPS : DOUBLE_OPS;
}
