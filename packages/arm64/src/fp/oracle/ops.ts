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
} from '../arith.js';
import { mulxExact } from '../arith-exact.js';
import { fcmp32, fcmp64, fminmax32, fminmax64 } from '../compare.js';
import { fpcrRounding, Rounding } from '../control.js';
import { fcvt, fpToInt, frint, intToFP } from '../convert.js';
import { PlainFPEnv } from '../env.js';
import { DOUBLE, SINGLE } from '../format.js';
import { getHalf, type RegisterFile, scratchRegisterFile } from '../regfile.js';

/**
 * The operations of fp-oracle.c, implemented with this package's functions on a scratch register
 * file, so a test can run the same case list through both and compare bit for bit.
 * Operands a, b, c are placed in slots 0, 1, 2 (or their low 32/16 bits); the result goes to slot 3.
 */
export interface OpResult {
  result: bigint;
  fpsr: number;
}

type Impl = (rf: RegisterFile, env: PlainFPEnv, w: 64 | 32) => void;

const IDX = { 64: [0, 1, 2, 3], 32: [0, 2, 4, 6] } as const;

function two(
  fn64: (rf: RegisterFile, env: PlainFPEnv, d: number, n: number, m: number) => void,
  fn32: typeof fn64,
): Impl {
  return (rf, env, w) => {
    const [a, b, , d] = IDX[w];
    (w === 64 ? fn64 : fn32)(rf, env, d, a, b);
  };
}

const ROUNDINGS: Record<string, Rounding | 'fpcr'> = {
  n: Rounding.TiesEven,
  a: Rounding.TiesAway,
  m: Rounding.NegInf,
  p: Rounding.PosInf,
  z: Rounding.Zero,
  x: 'fpcr',
  i: 'fpcr',
};

const sized: Record<string, Impl> = {
  fadd: two(
    (rf, e, d, n, m) => faddsub64(rf, e, d, n, m, false),
    (rf, e, d, n, m) => faddsub32(rf, e, d, n, m, false),
  ),
  fsub: two(
    (rf, e, d, n, m) => faddsub64(rf, e, d, n, m, true),
    (rf, e, d, n, m) => faddsub32(rf, e, d, n, m, true),
  ),
  fmul: two(fmul64, fmul32),
  fdiv: two(fdiv64, fdiv32),
  fmax: two(
    (rf, e, d, n, m) => fminmax64(rf, e, d, n, m, 0),
    (rf, e, d, n, m) => fminmax32(rf, e, d, n, m, 0),
  ),
  fmin: two(
    (rf, e, d, n, m) => fminmax64(rf, e, d, n, m, 1),
    (rf, e, d, n, m) => fminmax32(rf, e, d, n, m, 1),
  ),
  fmaxnm: two(
    (rf, e, d, n, m) => fminmax64(rf, e, d, n, m, 2),
    (rf, e, d, n, m) => fminmax32(rf, e, d, n, m, 2),
  ),
  fminnm: two(
    (rf, e, d, n, m) => fminmax64(rf, e, d, n, m, 3),
    (rf, e, d, n, m) => fminmax32(rf, e, d, n, m, 3),
  ),
  fmulx: (rf, env, w) => {
    if (w === 64) rf.regs[3] = mulxExact(env, DOUBLE, rf.regs[0], rf.regs[1]);
    else
      rf.regs32[6] = Number(mulxExact(env, SINGLE, BigInt(rf.regs32[0] >>> 0), BigInt(rf.regs32[2] >>> 0)));
  },
  fsqrt: (rf, env, w) => (w === 64 ? fsqrt64(rf, env, 3, 0) : fsqrt32(rf, env, 6, 0)),
  fmadd: (rf, env, w) =>
    (w === 64 ? fmuladd64 : fmuladd32)(rf, env, IDX[w][3], IDX[w][2], IDX[w][0], IDX[w][1], false, false),
  fmsub: (rf, env, w) =>
    (w === 64 ? fmuladd64 : fmuladd32)(rf, env, IDX[w][3], IDX[w][2], IDX[w][0], IDX[w][1], false, true),
  fnmadd: (rf, env, w) =>
    (w === 64 ? fmuladd64 : fmuladd32)(rf, env, IDX[w][3], IDX[w][2], IDX[w][0], IDX[w][1], true, true),
  fnmsub: (rf, env, w) =>
    (w === 64 ? fmuladd64 : fmuladd32)(rf, env, IDX[w][3], IDX[w][2], IDX[w][0], IDX[w][1], true, false),
  fcmp: (rf, env, w) => {
    rf.regs[3] = BigInt((w === 64 ? fcmp64(rf, env, 0, 1, false) : fcmp32(rf, env, 0, 2, false)) >>> 0);
  },
  fcmpe: (rf, env, w) => {
    rf.regs[3] = BigInt((w === 64 ? fcmp64(rf, env, 0, 1, true) : fcmp32(rf, env, 0, 2, true)) >>> 0);
  },
};
for (const k of Object.keys(ROUNDINGS)) {
  sized[`frint${k}`] = (rf, env, w) => {
    const r = ROUNDINGS[k];
    frint(rf, env, w, IDX[w][3], 0, r === 'fpcr' ? fpcrRounding(env.fpcr) : r, k === 'x');
  };
}

const SIZE_OF: Record<string, 16 | 32 | 64> = { h: 16, s: 32, d: 64 };

export function runOp(op: string, fpcr: number, a: bigint, b: bigint, c: bigint): OpResult {
  const rf = scratchRegisterFile(4);
  const env = new PlainFPEnv(fpcr, 0);
  rf.regs[0] = a;
  rf.regs[1] = b;
  rf.regs[2] = c;
  let m = /^(\w+)_([ds])$/.exec(op);
  if (m && sized[m[1]]) {
    const w = m[2] === 'd' ? 64 : 32;
    if (w === 32) {
      rf.regs32[2] = Number(b & 0xffffffffn) | 0;
      rf.regs32[4] = Number(c & 0xffffffffn) | 0;
    }
    sized[m[1]](rf, env, w);
    return { result: w === 64 ? rf.regs[3] : BigInt(rf.regs32[6] >>> 0), fpsr: env.fpsr };
  }
  if ((m = /^fcvt_([hsd])([hsd])$/.exec(op))) {
    const to = SIZE_OF[m[1]];
    const from = SIZE_OF[m[2]];
    const dst = to === 64 ? 3 : to === 32 ? 6 : 12;
    fcvt(rf, env, to, dst, from, 0);
    return {
      result: to === 64 ? rf.regs[3] : to === 32 ? BigInt(rf.regs32[6] >>> 0) : BigInt(getHalf(rf, 12)),
      fpsr: env.fpsr,
    };
  }
  if (op === 'fcvtxn') {
    fcvt(rf, env, 32, 6, 64, 0, true);
    return { result: BigInt(rf.regs32[6] >>> 0), fpsr: env.fpsr };
  }
  if ((m = /^([su])cvtf_([sd])([xw])$/.exec(op))) {
    const size = SIZE_OF[m[2]];
    intToFP(rf, env, size, size === 64 ? 3 : 6, 0, m[3] === 'x' ? 64 : 32, m[1] === 'u', 0);
    return { result: size === 64 ? rf.regs[3] : BigInt(rf.regs32[6] >>> 0), fpsr: env.fpsr };
  }
  if ((m = /^fcvt([znapm])([su])_([xw])([sd])$/.exec(op))) {
    const r = ROUNDINGS[m[1]] as Rounding;
    fpToInt(rf, env, 3, m[3] === 'x' ? 64 : 32, SIZE_OF[m[4]], 0, m[2] === 'u', r, 0);
    return { result: rf.regs[3], fpsr: env.fpsr };
  }
  throw new Error(`unknown op ${op}`);
}
