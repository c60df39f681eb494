import { describe, expect, it } from 'vitest';
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
import { addExact, divExact, mulAddExact, mulExact, sqrtExact } from './arith-exact.js';
import { PlainFPEnv } from './env.js';
import { DOUBLE, SINGLE } from './format.js';
import { D, FPCRS, Rng, randomValue, S } from './oracle/cases.js';
import { scratchRegisterFile } from './regfile.js';

/**
 * The double-arithmetic fast paths against the BigInt reference semantics (which the qemu test
 * checks against the real instructions): many more cases than qemu runs are affordable for,
 * concentrated on normal operands where the fast paths apply, under every FPCR mode.
 */
const rf = scratchRegisterFile(8);
const SIGN64 = 1n << 63n;
const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
function bitsToDouble(b: bigint): number {
  u64[0] = b;
  return f64[0];
}

function check64(op: string, fpcr: number, a: bigint, b: bigint, c: bigint): string | null {
  const fast = new PlainFPEnv(fpcr);
  const ref = new PlainFPEnv(fpcr);
  rf.regs[0] = a;
  rf.regs[1] = b;
  rf.regs[2] = c;
  let want: bigint;
  switch (op) {
    case 'add':
      faddsub64(rf, fast, 3, 0, 1, false);
      want = addExact(ref, DOUBLE, a, b, false);
      break;
    case 'sub':
      faddsub64(rf, fast, 3, 0, 1, true);
      want = addExact(ref, DOUBLE, a, b, true);
      break;
    case 'mul':
      fmul64(rf, fast, 3, 0, 1);
      want = mulExact(ref, DOUBLE, a, b);
      break;
    case 'div':
      fdiv64(rf, fast, 3, 0, 1);
      want = divExact(ref, DOUBLE, a, b);
      break;
    case 'sqrt':
      fsqrt64(rf, fast, 3, 0);
      want = sqrtExact(ref, DOUBLE, a);
      break;
    default:
      fmuladd64(rf, fast, 3, 2, 0, 1, false, true);
      want = mulAddExact(ref, DOUBLE, c, a ^ SIGN64, b);
  }
  const got = rf.regs[3];
  if (got === want && fast.fpsr === ref.fpsr) return null;
  return `${op} fpcr=${fpcr.toString(16)} ${a.toString(16)} ${b.toString(16)} ${c.toString(16)}: fast ${got.toString(16)}/${fast.fpsr.toString(16)} exact ${want.toString(16)}/${ref.fpsr.toString(16)}`;
}

function check32(op: string, fpcr: number, a: bigint, b: bigint, c: bigint): string | null {
  const fast = new PlainFPEnv(fpcr);
  const ref = new PlainFPEnv(fpcr);
  rf.regs32[0] = Number(a) | 0;
  rf.regs32[1] = Number(b) | 0;
  rf.regs32[2] = Number(c) | 0;
  let want: bigint;
  switch (op) {
    case 'add':
      faddsub32(rf, fast, 3, 0, 1, false);
      want = addExact(ref, SINGLE, a, b, false);
      break;
    case 'sub':
      faddsub32(rf, fast, 3, 0, 1, true);
      want = addExact(ref, SINGLE, a, b, true);
      break;
    case 'mul':
      fmul32(rf, fast, 3, 0, 1);
      want = mulExact(ref, SINGLE, a, b);
      break;
    case 'div':
      fdiv32(rf, fast, 3, 0, 1);
      want = divExact(ref, SINGLE, a, b);
      break;
    case 'sqrt':
      fsqrt32(rf, fast, 3, 0);
      want = sqrtExact(ref, SINGLE, a);
      break;
    default:
      fmuladd32(rf, fast, 3, 2, 0, 1, true, false);
      want = mulAddExact(ref, SINGLE, c ^ 0x80000000n, a, b);
  }
  const got = BigInt(rf.regs32[3] >>> 0);
  if (got === want && fast.fpsr === ref.fpsr) return null;
  return `${op}32 fpcr=${fpcr.toString(16)} ${a.toString(16)} ${b.toString(16)} ${c.toString(16)}: fast ${got.toString(16)}/${fast.fpsr.toString(16)} exact ${want.toString(16)}/${ref.fpsr.toString(16)}`;
}

describe('fast paths agree with the exact semantics', () => {
  for (const op of ['add', 'sub', 'mul', 'div', 'sqrt', 'fma']) {
    it(op, () => {
      const rng = new Rng(op.length * 1009 + op.charCodeAt(0));
      const failures: string[] = [];
      for (let i = 0; i < 10000; i++) {
        const fpcr = FPCRS[i % FPCRS.length];
        const a = randomValue(rng, D);
        let b = randomValue(rng, D);
        // sums that cancel and near-equal operands exercise ties and exact results
        if (op === 'sub' && i % 3 === 0) b = (a + BigInt(rng.int(5)) - 2n) & 0xffffffffffffffffn;
        let c = randomValue(rng, D);
        if (op === 'fma' && i % 2 === 0) {
          // c - a*b with c next to the rounded product: heavy cancellation
          f64[0] = bitsToDouble(a) * bitsToDouble(b);
          c = (u64[0] + BigInt(rng.int(5)) - 2n) & 0xffffffffffffffffn;
        }
        const r64 = check64(op, fpcr, a, b, c);
        if (r64) failures.push(r64);
        const r32 = check32(op, fpcr, randomValue(rng, S), randomValue(rng, S), randomValue(rng, S));
        if (r32) failures.push(r32);
      }
      expect(failures.slice(0, 10)).toEqual([]);
    });
  }
});
