import type { Cpu } from '@arm64kit/core';
import type { Fields } from '../decode/table.js';
import { addExact, mulAddExact, negBits } from '../fp/arith-exact.js';
import { envOf } from '../fp/cpu-env.js';
import { DOUBLE, type FPFormat, HALF, SINGLE } from '../fp/format.js';
import { type LaneSize, laneOps } from '../fp/lane-ops.js';
import type { LiftContext } from '../lift/context.js';
import { type A64Form, form } from '../lift/form.js';
import { vLo } from '../state.js';

/**
 * FEAT_FCMA, complex numbers as (real, imaginary) lane pairs: FCADD (add with Vm rotated by 90 or
 * 270 degrees) and FCMLA (multiply-accumulate by Vm rotated by 0, 90, 180 or 270 degrees, vector
 * and by element), half (FEAT_FP16), single and double precision, with the exact FPAdd/FPMulAdd of the scalar forms.
 */

/** Lanes of Vn (0-7), Vm (8-15) and Vd (16-23) as raw bit patterns. */
const lanes = new BigUint64Array(24);
const N = 0;
const M = 8;
const D = 16;

function read(cpu: Cpu, size: LaneSize, d: number, n: number, m: number): void {
  const ops = laneOps(size);
  const per = 128 / size;
  for (const [v, at] of [
    [n, N],
    [m, M],
    [d, D],
  ]) {
    for (let i = 0; i < per; i++) lanes[at + i] = ops.read(cpu, ops.lane(vLo(v), i));
  }
}

function write(cpu: Cpu, size: LaneSize, d: number, result: bigint[], full: boolean): void {
  const ops = laneOps(size);
  const base = vLo(d);
  cpu.regs[base] = 0n;
  cpu.regs[base + 1] = 0n;
  for (let i = 0; i < result.length; i++) {
    if (!full && i * size >= 64) break;
    ops.write(cpu, ops.lane(base, i), result[i]);
  }
}

function formatOf(z: number): FPFormat | undefined {
  return z === 1 ? HALF : z === 2 ? SINGLE : z === 3 ? DOUBLE : undefined;
}

function liftFcadd(f: Fields, c: LiftContext): boolean {
  const fmt = formatOf(f.z);
  if (!fmt || (fmt === DOUBLE && !f.q)) return false;
  const size = fmt.n as LaneSize;
  const count = (f.q ? 128 : 64) / size;
  const rot270 = f.r === 1;
  const { d, n, m } = f;
  c.b.callHelper((cpu: Cpu) => {
    const env = envOf(cpu);
    read(cpu, size, d, n, m);
    const result: bigint[] = [];
    for (let e = 0; e < count; e += 2) {
      const re = lanes[M + e];
      const im = lanes[M + e + 1];
      const e1 = rot270 ? im : negBits(fmt, im);
      const e3 = rot270 ? negBits(fmt, re) : re;
      result.push(
        addExact(env, fmt, lanes[N + e], e1, false),
        addExact(env, fmt, lanes[N + e + 1], e3, false),
      );
    }
    write(cpu, size, d, result, f.q === 1);
  });
  return true;
}

/** FCMLA: `index` is the element pair of Vm used by every lane pair (by element), or -1. */
function fcmla(f: Fields, c: LiftContext, rot: number, index: number, m: number): boolean {
  const fmt = formatOf(f.z);
  if (!fmt || (fmt === DOUBLE && !f.q)) return false;
  const size = fmt.n as LaneSize;
  const count = (f.q ? 128 : 64) / size;
  const { d, n } = f;
  c.b.callHelper((cpu: Cpu) => {
    const env = envOf(cpu);
    read(cpu, size, d, n, m);
    const result: bigint[] = [];
    for (let e = 0; e < count; e += 2) {
      const pairAt = index < 0 ? e : 2 * index;
      const mRe = lanes[M + pairAt];
      const mIm = lanes[M + pairAt + 1];
      const nRe = lanes[N + e];
      const nIm = lanes[N + e + 1];
      // The element pairs of the pseudocode's FCMLA for each rotation.
      let e1: bigint;
      let e3: bigint;
      let e2: bigint;
      if (rot === 0) [e1, e2, e3] = [mRe, nRe, mIm];
      else if (rot === 1) [e1, e2, e3] = [negBits(fmt, mIm), nIm, mRe];
      else if (rot === 2) [e1, e2, e3] = [negBits(fmt, mRe), nRe, negBits(fmt, mIm)];
      else [e1, e2, e3] = [mIm, nIm, negBits(fmt, mRe)];
      result.push(
        mulAddExact(env, fmt, lanes[D + e], e2, e1),
        mulAddExact(env, fmt, lanes[D + e + 1], e2, e3),
      );
    }
    write(cpu, size, d, result, f.q === 1);
  });
  return true;
}

function liftFcmlaByElement(f: Fields, c: LiftContext): boolean {
  // size 01 (half): index H:L, Rm = M:Rm, Q=0 has pairs 0-1 only; size 10 (single): index H, L = 0,
  // Q = 1; double has no indexed form
  if (f.z === 1) {
    const index = (f.h << 1) | f.l;
    if (!f.q && f.h) return false;
    return fcmla(f, c, f.r, index, f.m);
  }
  if (f.z !== 2) return false;
  if (f.l || !f.q) return false;
  return fcmla(f, c, f.r, f.h, f.m);
}

export const complexForms: readonly A64Form[] = [
  form('FCADD', '0 q 1 01110 zz 0 mmmmm 111 r 0 1 nnnnn ddddd', liftFcadd),
  form('FCMLA', '0 q 1 01110 zz 0 mmmmm 110 rr 1 nnnnn ddddd', (f, c) => fcmla(f, c, f.r, -1, f.m)),
  form('FCMLA_by_element', '0 q 1 01111 zz l mmmmm 0 rr 1 h 0 nnnnn ddddd', liftFcmlaByElement, [
    'SIMD_by_element',
  ]),
];
