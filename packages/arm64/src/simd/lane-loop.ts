import type { Cpu } from '@arm64kit/core';
import { FPSR_QC } from '../fp/control.js';
import { FPSR } from '../state.js';
import { A, B, clearBlock, D, getBig, loadV, R, setBig, storeV, U32 } from './lanes.js';

/**
 * One loop for the integer forms whose elements change width or saturate: every element is read
 * as an unsigned bigint of its width, combined by `fn` at full precision, and written back at the
 * result width. Rare instructions (doubling multiplies, saturating shifts, long multiplies by
 * element) share it, so each of them is a few lines of arithmetic from the Arm ARM.
 */
export interface LaneShape {
  d: number;
  n: number;
  /** Second source register; ignored by one-source forms. */
  m: number;
  /** Result elements written. */
  count: number;
  /** Source element width in bits. */
  src: number;
  /** Result element width in bits. */
  dst: number;
  /** First source element read (the upper half for the "2" forms of long operations). */
  srcOffset?: number;
  /** First result element written (the upper half for the "2" forms of narrowing operations). */
  dstOffset?: number;
  /** Keep the other elements of Vd (narrowing into the upper half). */
  keepD?: boolean;
  /** Write all 128 bits (else bits 127:64 are cleared, as for 64-bit and scalar results). */
  full: boolean;
  /** Element of Vm used for every lane (multiplies by element). */
  mIndex?: number;
}

/** Whether a saturating step clamped a value: the caller's helper then sets FPSR.QC. */
const clamped = { hit: false };

export function signed(v: bigint, bits: number): bigint {
  return BigInt.asIntN(bits, v);
}

/** SignedSatQ / UnsignedSatQ: clamps `v` to the range of a `bits`-bit integer, noting saturation. */
export function saturate(v: bigint, bits: number, isSigned: boolean): bigint {
  const lo = isSigned ? -(1n << BigInt(bits - 1)) : 0n;
  const hi = isSigned ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
  if (v < lo) {
    clamped.hit = true;
    return lo;
  }
  if (v > hi) {
    clamped.hit = true;
    return hi;
  }
  return v;
}

/** Element function: a from Vn, b from Vm (or the indexed element), old from Vd at the result width. */
export type LaneFn = (a: bigint, b: bigint, old: bigint) => bigint;

export function laneLoop(shape: LaneShape, fn: LaneFn): (cpu: Cpu) => void {
  const { d, n, m, count, src, dst, full, mIndex } = shape;
  const srcOffset = shape.srcOffset ?? 0;
  const dstOffset = shape.dstOffset ?? 0;
  const keepD = shape.keepD === true;
  return (cpu: Cpu) => {
    loadV(cpu, n, A);
    loadV(cpu, m, B);
    loadV(cpu, d, D);
    if (keepD) for (let w = 0; w < 4; w++) U32[R * 4 + w] = U32[D * 4 + w];
    else clearBlock(R);
    clamped.hit = false;
    for (let i = 0; i < count; i++) {
      const a = getBig(A, src, srcOffset + i);
      const b = getBig(B, src, mIndex ?? srcOffset + i);
      setBig(R, dst, dstOffset + i, fn(a, b, getBig(D, dst, dstOffset + i)));
    }
    storeV(cpu, d, R, full);
    if (clamped.hit) cpu.regs32[2 * FPSR] |= FPSR_QC;
  };
}
