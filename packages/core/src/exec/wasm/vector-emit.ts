/**
 * Emits the vector operations of ../../ir/vector.ts as WebAssembly SIMD: the operands are loaded
 * from the register file as v128 values and the result stored back, so a vector instruction costs
 * a few wasm instructions instead of a call out to its JavaScript helper. Integer lane operations
 * are exact in wasm, so the native form needs no fallback once `canEmitVector` says yes.
 */
import {
  isShiftVectorKind,
  isUnaryVectorKind,
  type VectorBinaryKind,
  type VectorLane,
  type VectorOp,
  type VectorShiftKind,
} from '../../ir/vector.js';
import type { Emitter } from './emitter.js';
import { OP } from './opcodes.js';
import { BINARY, COMPARE_ZERO, LANE_INDEX, NE, SHIFT, UNARY, V128 } from './vector-opcodes.js';

const ZERO = new Array<number>(16).fill(0);
/** The sign bit of both 64-bit lanes: flipping it makes an unsigned comparison a signed one. */
const SIGN64 = [0, 0, 0, 0, 0, 0, 0, 0x80, 0, 0, 0, 0, 0, 0, 0, 0x80];

function opcode(table: readonly (number | undefined)[], lane: VectorLane): number | undefined {
  return table[LANE_INDEX[lane]];
}

/** Whether `op` has a native form here (else the backend calls its helper). */
export function canEmitVector(op: VectorOp): boolean {
  const kind = op.kind;
  if (isShiftVectorKind(kind)) return canShift(kind, op);
  if (isUnaryVectorKind(kind)) {
    if (op.pairwise) return false;
    const table = kind === 'abs' || kind === 'neg' || kind === 'popcnt' ? UNARY[kind] : COMPARE_ZERO[kind];
    return opcode(table, op.lane) !== undefined;
  }
  if (op.m === undefined) return false;
  if (kind === 'shuffle') return op.bytes?.length === 16 && op.bytes.every((b) => b >= 0 && b < 32);
  if (kind === 'test') return true;
  if (op.lane === 64 && (kind === 'gt_u' || kind === 'ge_u')) return true;
  return opcode(BINARY[kind], op.lane) !== undefined;
}

/**
 * Byte indices for i8x16.shuffle picking the even (`odd` 0) or odd (`odd` 1) lane of every
 * adjacent pair of n and m put end to end: n's bytes are 0–15, m's 16–31. Of a 64-bit operation
 * only the low 8 bytes of each take part; the unused result bytes pick byte 0 (cleared later).
 */
function pairLanes(lane: VectorLane, full: boolean, odd: 0 | 1): number[] {
  const bytes = lane / 8;
  const pairs = (full ? 32 : 16) / (2 * bytes);
  const physical = (x: number) => (full || x < 8 ? x : x + 8);
  const out: number[] = [];
  for (let i = 0; i < pairs; i++)
    for (let j = 0; j < bytes; j++) out.push(physical((2 * i + odd) * bytes + j));
  while (out.length < 16) out.push(0);
  return out;
}

/** Emits `op` on the register file at byte offset `registers` (slot i at registers + 8i). */
export function emitVector(e: Emitter, op: VectorOp, registers: number): void {
  const at = (slot: number) => registers + slot * 8;
  const load = (slot: number) => () => {
    e.i32(0).simdMem(V128.load, at(slot));
  };
  e.i32(0); // the store's address, under the value
  const kind = op.kind;
  if (isShiftVectorKind(kind)) shift(e, kind, op, load);
  else if (isUnaryVectorKind(kind)) {
    load(op.n)();
    if (kind === 'abs' || kind === 'neg' || kind === 'popcnt') e.simd(opcode(UNARY[kind], op.lane) as number);
    else e.simdBytes(V128.const, ZERO).simd(opcode(COMPARE_ZERO[kind], op.lane) as number);
  } else if (kind === 'shuffle') {
    load(op.n)();
    load(op.m as number)();
    e.simdBytes(V128.shuffle, op.bytes as number[]);
  } else {
    const m = op.m as number;
    if (op.pairwise) {
      const half = (odd: 0 | 1) => () => {
        load(op.n)();
        load(m)();
        e.simdBytes(V128.shuffle, pairLanes(op.lane, op.full, odd));
      };
      binary(e, kind, op.lane, half(0), half(1));
    } else binary(e, kind, op.lane, load(op.n), load(m));
  }
  e.simdMem(V128.store, at(op.d));
  if (!op.full)
    e.i32(0)
      .i64(0n)
      .mem(OP.i64Store, at(op.d) + 8, 3);
}

/** Pushes a OP b, each operand pushed by its callback. */
function binary(e: Emitter, kind: VectorBinaryKind, lane: VectorLane, a: () => void, b: () => void): void {
  if (kind === 'test') {
    a();
    b();
    e.simd(V128.and)
      .simdBytes(V128.const, ZERO)
      .simd(opcode(NE, lane) as number);
    return;
  }
  if (lane === 64 && (kind === 'gt_u' || kind === 'ge_u')) {
    a();
    e.simdBytes(V128.const, SIGN64).simd(V128.xor);
    b();
    e.simdBytes(V128.const, SIGN64).simd(V128.xor);
    e.simd(opcode(BINARY[kind === 'gt_u' ? 'gt_s' : 'ge_s'], 64) as number);
    return;
  }
  a();
  b();
  e.simd(opcode(BINARY[kind], lane) as number);
}

function canShift(kind: VectorShiftKind, op: VectorOp): boolean {
  const count = op.shift;
  if (count === undefined || !Number.isInteger(count) || count < 0) return false;
  if (kind === 'shl') return count < op.lane;
  if (kind === 'shrn')
    return op.lane < 64 && count >= 1 && count <= op.lane && (!op.full || op.m !== undefined);
  return count <= op.lane;
}

/** The bytes of each lane-bit part at the bottom of a 2 × lane-bit lane, in order (8 bytes). */
function narrowedBytes(lane: VectorLane): number[] {
  const narrow = lane / 8;
  const out: number[] = [];
  for (let i = 0; i < 8 / narrow; i++) for (let k = 0; k < narrow; k++) out.push(i * 2 * narrow + k);
  return out;
}

function shift(e: Emitter, kind: VectorShiftKind, op: VectorOp, load: (slot: number) => () => void): void {
  const count = op.shift as number;
  if (kind === 'shrn') {
    const wide = (op.lane * 2) as VectorLane;
    const picks = narrowedBytes(op.lane);
    if (op.full) {
      // Low half: m's low bytes (0–7); high half: the narrowed lanes (16 + …).
      load(op.m as number)();
      load(op.n)();
      e.i32(count).simd(opcode(SHIFT.shr_u, wide) as number);
      e.simdBytes(V128.shuffle, [0, 1, 2, 3, 4, 5, 6, 7, ...picks.map((b) => 16 + b)]);
    } else {
      // Low half: the narrowed lanes; high half: bytes of a zero vector.
      load(op.n)();
      e.i32(count).simd(opcode(SHIFT.shr_u, wide) as number);
      e.simdBytes(V128.const, ZERO);
      e.simdBytes(V128.shuffle, [...picks, ...new Array<number>(8).fill(16)]);
    }
    return;
  }
  if (kind === 'shr_u' && count >= op.lane) {
    e.simdBytes(V128.const, ZERO);
    return;
  }
  load(op.n)();
  // wasm takes the count modulo the lane width: a signed shift by the width is one by width - 1.
  e.i32(Math.min(count, op.lane - 1)).simd(opcode(SHIFT[kind], op.lane) as number);
}
