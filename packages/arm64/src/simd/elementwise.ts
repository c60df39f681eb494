import type { Cpu } from '@arm64kit/core';
import { A, B, clearBlock, D, get, getBig, loadV, R, set, setBig, storeV, U8 } from './lanes.js';

/**
 * Element operations shared by the vector and scalar integer forms. Each operation has a number
 * version for 8/16/32-bit elements (unsigned inputs, result reduced to the element width by the
 * caller) and a bigint version for 64-bit elements.
 */
export interface ElemOp {
  num(a: number, b: number, e: number, d: number): number;
  big(a: bigint, b: bigint, e: number, d: bigint): bigint;
}

export function sx(a: number, e: number): number {
  return e === 32 ? a | 0 : (a << (32 - e)) >> (32 - e);
}
export function sxBig(a: bigint, e: number): bigint {
  return BigInt.asIntN(e, a);
}
const ALL = (e: number) => (e === 32 ? 0xffffffff : (1 << e) - 1);
const ALL_BIG = (e: number) => (1n << BigInt(e)) - 1n;

function cmp(
  pred: (a: number, b: number) => boolean,
  predBig: (a: bigint, b: bigint) => boolean,
  signed: boolean,
): ElemOp {
  return {
    num: (a, b, e) => ((signed ? pred(sx(a, e), sx(b, e)) : pred(a, b)) ? ALL(e) : 0),
    big: (a, b, e) => ((signed ? predBig(sxBig(a, e), sxBig(b, e)) : predBig(a, b)) ? ALL_BIG(e) : 0n),
  };
}

/** SSHL/USHL: shift left by the signed low byte of b, right when negative. */
function shiftByReg(signed: boolean): ElemOp {
  return {
    num: (a, b, e) => {
      const s = sx(b & 0xff, 8);
      if (s >= 0) return s >= e ? 0 : e === 32 ? (a << s) >>> 0 : a << s;
      const r = -s;
      if (signed) return sx(a, e) >> Math.min(r, e - 1);
      return r >= e ? 0 : a >>> r;
    },
    big: (a, b, e) => {
      const s = Number(sxBig(b & 0xffn, 8));
      if (s >= 0) return s >= e ? 0n : a << BigInt(s);
      if (signed) return sxBig(a, e) >> BigInt(Math.min(-s, e - 1));
      return -s >= e ? 0n : a >> BigInt(-s);
    },
  };
}

function halving(signed: boolean, round: number, sub: boolean): ElemOp {
  return {
    num: (a, b, e) => {
      const x = signed ? sx(a, e) : a;
      const y = signed ? sx(b, e) : b;
      return Math.floor(((sub ? x - y : x + y) + round) / 2);
    },
    big: (a, b, e) => {
      const x = signed ? sxBig(a, e) : a;
      const y = signed ? sxBig(b, e) : b;
      return ((sub ? x - y : x + y) + BigInt(round)) >> 1n;
    },
  };
}

function maxMin(signed: boolean, max: boolean): ElemOp {
  return {
    num: (a, b, e) => {
      const x = signed ? sx(a, e) : a;
      const y = signed ? sx(b, e) : b;
      return (max ? x >= y : x <= y) ? a : b;
    },
    big: (a, b, e) => {
      const x = signed ? sxBig(a, e) : a;
      const y = signed ? sxBig(b, e) : b;
      return (max ? x >= y : x <= y) ? a : b;
    },
  };
}

function absDiff(signed: boolean, accumulate: boolean): ElemOp {
  return {
    num: (a, b, e, d) => {
      const x = signed ? sx(a, e) : a;
      const y = signed ? sx(b, e) : b;
      return Math.abs(x - y) + (accumulate ? d : 0);
    },
    big: (a, b, e, d) => {
      const x = signed ? sxBig(a, e) : a;
      const y = signed ? sxBig(b, e) : b;
      const v = x > y ? x - y : y - x;
      return v + (accumulate ? d : 0n);
    },
  };
}

/** Set by the saturating operations when a result was clamped (the caller then sets FPSR.QC). */
export const saturation = { hit: false };

function saturating(signed: boolean, sub: boolean): ElemOp {
  return {
    num: (a, b, e) => {
      const x = signed ? sx(a, e) : a;
      const y = signed ? sx(b, e) : b;
      const v = sub ? x - y : x + y;
      const lo = signed ? -(2 ** (e - 1)) : 0;
      const hi = signed ? 2 ** (e - 1) - 1 : 2 ** e - 1;
      if (v < lo || v > hi) {
        saturation.hit = true;
        return v < lo ? lo : hi;
      }
      return v;
    },
    big: (a, b, e) => {
      const x = signed ? sxBig(a, e) : a;
      const y = signed ? sxBig(b, e) : b;
      const v = sub ? x - y : x + y;
      const lo = signed ? -(1n << BigInt(e - 1)) : 0n;
      const hi = signed ? (1n << BigInt(e - 1)) - 1n : (1n << BigInt(e)) - 1n;
      if (v < lo || v > hi) {
        saturation.hit = true;
        return v < lo ? lo : hi;
      }
      return v;
    },
  };
}

export const OPS = {
  sqadd: saturating(true, false),
  uqadd: saturating(false, false),
  sqsub: saturating(true, true),
  uqsub: saturating(false, true),
  add: { num: (a: number, b: number) => a + b, big: (a: bigint, b: bigint) => a + b } as ElemOp,
  sub: { num: (a: number, b: number) => a - b, big: (a: bigint, b: bigint) => a - b } as ElemOp,
  mul: { num: (a: number, b: number) => Math.imul(a, b), big: (a: bigint, b: bigint) => a * b } as ElemOp,
  mla: {
    num: (a: number, b: number, _e: number, d: number) => d + Math.imul(a, b),
    big: (a: bigint, b: bigint, _e: number, d: bigint) => d + a * b,
  } as ElemOp,
  mls: {
    num: (a: number, b: number, _e: number, d: number) => d - Math.imul(a, b),
    big: (a: bigint, b: bigint, _e: number, d: bigint) => d - a * b,
  } as ElemOp,
  cmeq: cmp(
    (a, b) => a === b,
    (a, b) => a === b,
    false,
  ),
  cmtst: {
    num: (a: number, b: number, e: number) => ((a & b) !== 0 ? ALL(e) : 0),
    big: (a: bigint, b: bigint, e: number) => ((a & b) !== 0n ? ALL_BIG(e) : 0n),
  } as ElemOp,
  cmhi: cmp(
    (a, b) => a > b,
    (a, b) => a > b,
    false,
  ),
  cmhs: cmp(
    (a, b) => a >= b,
    (a, b) => a >= b,
    false,
  ),
  cmgt: cmp(
    (a, b) => a > b,
    (a, b) => a > b,
    true,
  ),
  cmge: cmp(
    (a, b) => a >= b,
    (a, b) => a >= b,
    true,
  ),
  sshl: shiftByReg(true),
  ushl: shiftByReg(false),
  shadd: halving(true, 0, false),
  uhadd: halving(false, 0, false),
  srhadd: halving(true, 1, false),
  urhadd: halving(false, 1, false),
  shsub: halving(true, 0, true),
  uhsub: halving(false, 0, true),
  smax: maxMin(true, true),
  umax: maxMin(false, true),
  smin: maxMin(true, false),
  umin: maxMin(false, false),
  sabd: absDiff(true, false),
  uabd: absDiff(false, false),
  saba: absDiff(true, true),
  uaba: absDiff(false, true),
};

/** Applies op to every element pair of Vn, Vm (reading Vd too when `readsD`), writing Vd. */
export function elementwise(
  cpu: Cpu,
  op: ElemOp,
  d: number,
  n: number,
  m: number,
  esize: number,
  elements: number,
  q: boolean,
  readsD: boolean,
): void {
  loadV(cpu, n, A);
  loadV(cpu, m, B);
  if (readsD) loadV(cpu, d, D);
  clearBlock(R);
  if (esize === 64) {
    for (let i = 0; i < elements; i++)
      setBig(R, 64, i, op.big(getBig(A, 64, i), getBig(B, 64, i), 64, readsD ? getBig(D, 64, i) : 0n));
  } else {
    for (let i = 0; i < elements; i++)
      set(R, esize, i, op.num(get(A, esize, i), get(B, esize, i), esize, readsD ? get(D, esize, i) : 0));
  }
  storeV(cpu, d, R, q);
}

/** Pairwise: element i of the result combines elements 2i and 2i+1 of the concatenation Vm:Vn. */
export function pairwise(
  cpu: Cpu,
  op: ElemOp,
  d: number,
  n: number,
  m: number,
  esize: number,
  elements: number,
  q: boolean,
): void {
  loadV(cpu, n, A);
  loadV(cpu, m, B);
  clearBlock(R);
  const half = elements / 2;
  if (esize === 8 && (op === OPS.umax || op === OPS.umin || op === OPS.add)) {
    // UMAXP/UMINP/ADDP on bytes are the core of the C library's string scans: a loop with no
    // calls through the (megamorphic) op objects.
    pairwiseBytes(op === OPS.umax ? 1 : op === OPS.umin ? 2 : 0, elements, half);
    storeV(cpu, d, R, q);
    return;
  }
  for (let i = 0; i < elements; i++) {
    const src = i < half ? A : B;
    const j = (i < half ? i : i - half) * 2;
    if (esize === 64) setBig(R, 64, i, op.big(getBig(src, 64, j), getBig(src, 64, j + 1), 64, 0n));
    else set(R, esize, i, op.num(get(src, esize, j), get(src, esize, j + 1), esize, 0));
  }
  storeV(cpu, d, R, q);
}

/** `pairwise` for byte elements: kind 0 adds (modulo 256), 1 takes the unsigned max, 2 the min. */
function pairwiseBytes(kind: number, elements: number, half: number): void {
  for (let i = 0; i < elements; i++) {
    const at = i < half ? A * 16 + 2 * i : B * 16 + 2 * (i - half);
    const x = U8[at];
    const y = U8[at + 1];
    U8[R * 16 + i] = kind === 0 ? x + y : kind === 1 ? Math.max(x, y) : Math.min(x, y);
  }
}
