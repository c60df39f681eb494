import type { Cpu } from '@arm64kit/core';
import type { Fields } from '../decode/table.js';
import type { LiftContext } from '../lift/context.js';
import { type A64Form, form } from '../lift/form.js';
import { vHi, vLo } from '../state.js';
import { type LaneFn, laneLoop, saturate, signed } from './lane-loop.js';
import { carrylessMultiply, doublingHigh, roundingDoublingAccumulate } from './saturating.js';

/**
 * Multiplies that widen or double (Armv8.0 AdvSIMD): [SU]MULL [SU]MLAL [SU]MLSL by element,
 * SQDMULL SQDMLAL SQDMLSL (three different, by element, scalar), SQDMULH SQRDMULH by element,
 * and PMULL/PMULL2 (8-bit polynomial; the 64-bit form is the PMULL crypto extension).
 */

/** Register and index of the element operand of a by-element form (size 01: H:L:M, 10: H:L). */
export function elementOf(f: Fields, esize: number): { rm: number; index: number } | undefined {
  if (esize === 16) return { rm: f.m & 15, index: (f.h << 2) | (f.l << 1) | (f.m >> 4) };
  if (esize === 32) return { rm: f.m, index: (f.h << 1) | f.l };
  return undefined;
}

type Accumulate = 'none' | 'add' | 'sub';

/** [SU]MULL/MLAL/MLSL: widening product, accumulated into (or subtracted from) Vd. */
function widening(esize: number, isSigned: boolean, acc: Accumulate): LaneFn {
  return (a, b, old) => {
    const p = isSigned ? signed(a, esize) * signed(b, esize) : a * b;
    return acc === 'none' ? p : acc === 'add' ? old + p : old - p;
  };
}

/** SQDMULL/SQDMLAL/SQDMLSL: saturated 2ab, then a saturated accumulation. */
function doublingLong(esize: number, acc: Accumulate): LaneFn {
  const wide = 2 * esize;
  return (a, b, old) => {
    const p = saturate(2n * signed(a, esize) * signed(b, esize), wide, true);
    if (acc === 'none') return p;
    return saturate(acc === 'add' ? signed(old, wide) + p : signed(old, wide) - p, wide, true);
  };
}

/** Shape of a long operation: lower (or, with Q, upper) half of the sources, full-width result. */
function longShape(f: Fields, esize: number, scalar: boolean, mIndex?: number) {
  const count = scalar ? 1 : 64 / esize;
  return {
    d: f.d,
    n: f.n,
    m: f.m,
    count,
    src: esize,
    dst: 2 * esize,
    srcOffset: !scalar && f.q === 1 ? count : 0,
    full: !scalar,
    mIndex,
  };
}

function accumulateOf(opcode: number): Accumulate {
  const kind = (opcode >> 2) & 3; // 00: MLAL, 01: MLSL, 10: MULL
  return kind === 0 ? 'add' : kind === 1 ? 'sub' : 'none';
}

/** By element, long: [SU]MLAL (0010), [SU]MLSL (0110), [SU]MULL (1010), SQDML[AS]L/SQDMULL (0011/0111/1011). */
function liftLongByElement(f: Fields, c: LiftContext, scalar: boolean): boolean {
  const esize = 8 << f.z;
  const el = elementOf(f, esize);
  if (!el) return false;
  const doubling = (f.o & 1) === 1;
  if (doubling && f.u === 1) return false;
  if (scalar && !doubling) return false;
  const fn = doubling
    ? doublingLong(esize, accumulateOf(f.o))
    : widening(esize, f.u === 0, accumulateOf(f.o));
  c.b.callHelper(laneLoop({ ...longShape(f, esize, scalar, el.index), m: el.rm }, fn));
  return true;
}

/** A same-width operation of every lane (or the scalar element) of Vn with the indexed element of Vm. */
function sameWidthByElement(
  f: Fields,
  c: LiftContext,
  scalar: boolean,
  fn: (esize: number) => LaneFn,
): boolean {
  const esize = 8 << f.z;
  const el = elementOf(f, esize);
  if (!el) return false;
  const count = scalar ? 1 : (f.q ? 128 : 64) / esize;
  const full = !scalar && f.q === 1;
  const shape = { d: f.d, n: f.n, m: el.rm, count, src: esize, dst: esize, full, mIndex: el.index };
  c.b.callHelper(laneLoop(shape, fn(esize)));
  return true;
}

/** SQDMULH (1100) and SQRDMULH (1101) by element, vector and scalar. */
function liftDoublingHighByElement(f: Fields, c: LiftContext, scalar: boolean): boolean {
  return sameWidthByElement(f, c, scalar, (e) => doublingHigh(e, (f.o & 1) === 1));
}

/** SQRDMLAH (1101) and SQRDMLSH (1111) by element (FEAT_RDM), vector and scalar. */
function liftRdmByElement(f: Fields, c: LiftContext, scalar: boolean): boolean {
  return sameWidthByElement(f, c, scalar, (e) => roundingDoublingAccumulate(e, f.o === 1));
}

/**
 * SDOT/UDOT (FEAT_DotProd), vector and by element: each 32-bit lane of Vd accumulates the four
 * products of the corresponding bytes of Vn and Vm (or of the indexed 4-byte group of Vm).
 */
function liftDot(f: Fields, c: LiftContext, byElement: boolean): boolean {
  if (f.z !== 2) return false;
  const isSigned = f.u === 0;
  const rm = f.m;
  const group = byElement ? (f.h << 1) | f.l : -1;
  const lanes = f.q ? 4 : 2;
  const { d, n } = f;
  c.b.callHelper((cpu: Cpu) => {
    const u8 = cpu.u8;
    const bn = 8 * vLo(n);
    const bm = 8 * vLo(rm);
    const s = 2 * vLo(d);
    for (let e = 0; e < lanes; e++) dotScratch[e] = cpu.regs32[s + e];
    for (let e = 0; e < lanes; e++) {
      const g = group < 0 ? e : group;
      let sum = 0;
      for (let k = 0; k < 4; k++) {
        const x = u8[bn + 4 * e + k];
        const y = u8[bm + 4 * g + k];
        sum += isSigned ? ((x << 24) >> 24) * ((y << 24) >> 24) : x * y;
      }
      dotScratch[e] = (dotScratch[e] + sum) | 0;
    }
    for (let e = 0; e < 4; e++) cpu.regs32[s + e] = e < lanes ? dotScratch[e] : 0;
  });
  return true;
}

const dotScratch = new Int32Array(4);

/** Three different / scalar three different: SQDMLAL (1001), SQDMLSL (1011), SQDMULL (1101). */
function liftDoublingLong(f: Fields, c: LiftContext, scalar: boolean): boolean {
  const esize = 8 << f.z;
  if (esize !== 16 && esize !== 32) return false;
  const acc = f.o === 0b1001 ? 'add' : f.o === 0b1011 ? 'sub' : 'none';
  c.b.callHelper(laneLoop(longShape(f, esize, scalar), doublingLong(esize, acc)));
  return true;
}

/** PMULL/PMULL2: 8 byte products of 16 bits, or (size 11, the PMULL extension) one 128-bit product. */
function liftPmull(f: Fields, c: LiftContext): boolean {
  if (f.z === 0) {
    c.b.callHelper(laneLoop(longShape(f, 8, false), (a, b) => carrylessMultiply(a, b, 8)));
    return true;
  }
  if (f.z !== 3) return false;
  const { d, n, m } = f;
  const slot = f.q ? vHi : vLo;
  c.b.callHelper((cpu: Cpu) => {
    const r = clmul64(cpu.regs[slot(n)], cpu.regs[slot(m)]);
    cpu.regs[vLo(d)] = r.lo;
    cpu.regs[vHi(d)] = r.hi;
  });
  return true;
}

/** 64 x 64 carry-less multiply on 32-bit halves (numbers, not a bigint loop: GHASH calls it per block). */
export function clmul64(a: bigint, b: bigint): { lo: bigint; hi: bigint } {
  const a0 = Number(a & 0xffffffffn);
  const a1 = Number(a >> 32n);
  const b0 = Number(b & 0xffffffffn);
  const b1 = Number(b >> 32n);
  const p00 = clmul32(a0, b0);
  const p11 = clmul32(a1, b1);
  const p01 = clmul32(a0, b1);
  const p10 = clmul32(a1, b0);
  const midLo = (p01[0] ^ p10[0]) >>> 0;
  const midHi = (p01[1] ^ p10[1]) >>> 0;
  const w0 = p00[0];
  const w1 = (p00[1] ^ midLo) >>> 0;
  const w2 = (p11[0] ^ midHi) >>> 0;
  const w3 = p11[1];
  return { lo: (BigInt(w1) << 32n) | BigInt(w0), hi: (BigInt(w3) << 32n) | BigInt(w2) };
}

/** 32 x 32 carry-less multiply as [low word, high word]. */
function clmul32(a: number, b: number): [number, number] {
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < 32; i++) {
    if ((b >>> i) & 1) {
      lo ^= a << i;
      if (i > 0) hi ^= a >>> (32 - i);
    }
  }
  return [lo >>> 0, hi >>> 0];
}

export const longMultiplyForms: readonly A64Form[] = [
  form(
    'MULL_MLAL_MLSL_by_element',
    '0 q u 01111 zz l mmmmm oo 10 h 0 nnnnn ddddd',
    (f, c) => f.o !== 3 && liftLongByElement({ ...f, o: (f.o << 2) | 0b0010 }, c, false),
    ['SIMD_by_element'],
  ),
  form(
    'SQDMULL_SQDMLAL_SQDMLSL_by_element',
    '0 q 0 01111 zz l mmmmm oo 11 h 0 nnnnn ddddd',
    (f, c) => f.o !== 3 && liftLongByElement({ ...f, o: (f.o << 2) | 0b0011 }, c, false),
    ['SIMD_by_element'],
  ),
  form(
    'SQDMULL_SQDMLAL_SQDMLSL_by_element_scalar',
    '01 0 11111 zz l mmmmm oo 11 h 0 nnnnn ddddd',
    (f, c) => f.o !== 3 && liftLongByElement({ ...f, o: (f.o << 2) | 0b0011 }, c, true),
    ['SIMD_scalar_fp_by_element'],
  ),
  form(
    'SQDMULH_SQRDMULH_by_element',
    '0 q 0 01111 zz l mmmmm 110 o h 0 nnnnn ddddd',
    (f, c) => liftDoublingHighByElement({ ...f, o: 0b1100 | f.o }, c, false),
    ['SIMD_by_element'],
  ),
  form(
    'SQDMULH_SQRDMULH_by_element_scalar',
    '01 0 11111 zz l mmmmm 110 o h 0 nnnnn ddddd',
    (f, c) => liftDoublingHighByElement({ ...f, o: 0b1100 | f.o }, c, true),
    ['SIMD_scalar_fp_by_element'],
  ),
  form(
    'SQDMULL_SQDMLAL_SQDMLSL',
    '0 q 0 01110 zz 1 mmmmm 1 oo 1 00 nnnnn ddddd',
    (f, c) => f.o !== 3 && liftDoublingLong({ ...f, o: 0b1001 | (f.o << 1) }, c, false),
    ['SIMD_three_diff'],
  ),
  form(
    'SQDMULL_SQDMLAL_SQDMLSL_scalar',
    '01 0 11110 zz 1 mmmmm 1 oo 1 00 nnnnn ddddd',
    (f, c) => f.o !== 3 && liftDoublingLong({ ...f, o: 0b1001 | (f.o << 1) }, c, true),
  ),
  form(
    'SQRDMLAH_SQRDMLSH_by_element',
    '0 q 1 01111 zz l mmmmm 11 o 1 h 0 nnnnn ddddd',
    (f, c) => liftRdmByElement(f, c, false),
    ['SIMD_by_element'],
  ),
  form(
    'SQRDMLAH_SQRDMLSH_by_element_scalar',
    '01 1 11111 zz l mmmmm 11 o 1 h 0 nnnnn ddddd',
    (f, c) => liftRdmByElement(f, c, true),
    ['SIMD_scalar_fp_by_element'],
  ),
  form('SDOT_UDOT', '0 q u 01110 zz 0 mmmmm 1 0010 1 nnnnn ddddd', (f, c) => liftDot(f, c, false)),
  form('SDOT_UDOT_by_element', '0 q u 01111 zz l mmmmm 1110 h 0 nnnnn ddddd', (f, c) => liftDot(f, c, true), [
    'SIMD_by_element',
    'MULL_MLAL_MLSL_by_element',
  ]),
  form('PMULL', '0 q 0 01110 zz 1 mmmmm 1110 00 nnnnn ddddd', liftPmull, ['SIMD_three_diff']),
];
