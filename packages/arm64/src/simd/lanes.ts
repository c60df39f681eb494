import type { Cpu } from '@arm64kit/core';
import { vLo } from '../state.js';

/**
 * Scratch copies of vector operands for element-wise helpers. A helper copies its source
 * registers into blocks A, B (and D for instructions that read the destination), computes the
 * elements into block R and copies R back: sources and destination may be the same register, and
 * element access goes through ordinary typed arrays whatever the element size.
 */
const buffer = new ArrayBuffer(64);
export const U8 = new Uint8Array(buffer);
export const U16 = new Uint16Array(buffer);
export const U32 = new Uint32Array(buffer);
export const I8 = new Int8Array(buffer);
export const I16 = new Int16Array(buffer);
export const I32 = new Int32Array(buffer);
export const U64 = new BigUint64Array(buffer);

/** Block numbers (16 bytes each). */
export const A = 0;
export const B = 1;
export const R = 2;
export const D = 3;

export function loadV(cpu: Cpu, v: number, block: number): void {
  const s = 2 * vLo(v);
  const r = cpu.regs32;
  const o = block * 4;
  U32[o] = r[s];
  U32[o + 1] = r[s + 1];
  U32[o + 2] = r[s + 2];
  U32[o + 3] = r[s + 3];
}

/** Writes block `block` to Vd; a 64-bit (Q=0) result clears bits 127:64. */
export function storeV(cpu: Cpu, v: number, block: number, q: boolean): void {
  const s = 2 * vLo(v);
  const r = cpu.regs32;
  const o = block * 4;
  r[s] = U32[o];
  r[s + 1] = U32[o + 1];
  r[s + 2] = q ? U32[o + 2] : 0;
  r[s + 3] = q ? U32[o + 3] : 0;
}

export function clearBlock(block: number): void {
  const o = block * 4;
  U32[o] = 0;
  U32[o + 1] = 0;
  U32[o + 2] = 0;
  U32[o + 3] = 0;
}

/** Element i (unsigned) of a block, esize 8/16/32. */
export function get(block: number, esize: number, i: number): number {
  if (esize === 8) return U8[block * 16 + i];
  if (esize === 16) return U16[block * 8 + i];
  return U32[block * 4 + i];
}

/** Element i sign-extended, esize 8/16/32. */
export function getS(block: number, esize: number, i: number): number {
  if (esize === 8) return I8[block * 16 + i];
  if (esize === 16) return I16[block * 8 + i];
  return I32[block * 4 + i];
}

export function set(block: number, esize: number, i: number, v: number): void {
  if (esize === 8) U8[block * 16 + i] = v;
  else if (esize === 16) U16[block * 8 + i] = v;
  else U32[block * 4 + i] = v;
}

export function get64(block: number, i: number): bigint {
  return U64[block * 2 + i];
}

export function set64(block: number, i: number, v: bigint): void {
  U64[block * 2 + i] = BigInt.asUintN(64, v);
}

/** Element i of any size as a bigint (unsigned). */
export function getBig(block: number, esize: number, i: number): bigint {
  return esize === 64 ? U64[block * 2 + i] : BigInt(get(block, esize, i));
}

export function setBig(block: number, esize: number, i: number, v: bigint): void {
  if (esize === 64) U64[block * 2 + i] = BigInt.asUintN(64, v);
  else set(block, esize, i, Number(BigInt.asUintN(esize, v)));
}

/** Decoded vector arrangement: element size and count from size and Q. */
export interface Arrangement {
  esize: 8 | 16 | 32 | 64;
  elements: number;
  q: boolean;
}

/** size:Q to an arrangement; `allow1D` admits size=11, Q=0 (most vector forms reserve it). */
export function arrangement(size: number, q: number, allow1D = false): Arrangement | undefined {
  if (size === 3 && q === 0 && !allow1D) return undefined;
  const esize = (8 << size) as 8 | 16 | 32 | 64;
  return { esize, elements: (q ? 128 : 64) / esize, q: q === 1 };
}

export function mask(esize: number): number {
  return esize === 32 ? 0xffffffff : (1 << esize) - 1;
}
