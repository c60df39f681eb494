import type { FpFunction, IrBuilder, Operand, Value } from '@arm64kit/core';
import type { LaneSize } from '../fp/lane-ops.js';
import { FP32 } from '../fp/scalar32.js';
import { FP64, FPCR_DOUBLE_MASK } from '../fp/scalar64.js';
import type { LiftContext } from '../lift/context.js';
import { FPCR, FPSR } from '../state.js';

/**
 * Single- and double-precision AdvSIMD arithmetic, integer conversions and compares as core's
 * `float` operation, one per lane, in place of a helper that loops over the lanes in JavaScript:
 * the WebAssembly backend then runs each lane natively (with the exact definitions as its
 * fallback, as for the scalar forms), and the block's other code keeps its registers in locals.
 * Each lane is the scalar operation of the same precision, so results and FPSR flags are those of
 * the helper's lane loop; the flags of all lanes are ORed into FPSR once. Half precision and the
 * forms not listed stay with their helpers.
 */

type IrSize = 32 | 64;
const SIZES: Readonly<Record<IrSize, typeof FP64 | typeof FP32>> = { 32: FP32, 64: FP64 };
const LOW32 = 0xffff_ffffn;

export function hasIrLanes(size: LaneSize): size is IrSize {
  return size === 32 || size === 64;
}

/** The lanes of Vn, lowest first: 64-bit lanes whole, 32-bit lanes in the low half of a value. */
function lanesOf(c: LiftContext, v: number, size: IrSize, count: number, signExtend = false): Value[] {
  const b = c.b;
  const halves = count * size > 64 ? [c.vlo(v), c.vhi(v)] : [c.vlo(v)];
  if (size === 64) return halves.slice(0, count);
  const lanes: Value[] = [];
  for (const half of halves) {
    lanes.push(signExtend ? b.shrS(b.shl(half, 32n), 32n) : half);
    lanes.push(signExtend ? b.shrS(half, 32n) : b.shrU(half, 32n));
  }
  return lanes.slice(0, count);
}

/** Writes `lanes` (32-bit lanes zero-extended) into Vd; the bits above them become zero. */
function setLanes(c: LiftContext, d: number, size: IrSize, lanes: readonly Value[]): void {
  const b = c.b;
  if (size === 64) {
    c.setV(d, lanes[0], lanes[1] ?? 0n);
    return;
  }
  const pack = (low: Value, high: Value | undefined): Value =>
    high === undefined ? b.and(low, LOW32) : b.or(b.and(low, LOW32), b.shl(high, 32n));
  const lo = pack(lanes[0], lanes[1]);
  c.setV(d, lo, lanes.length > 2 ? pack(lanes[2], lanes[3]) : 0n);
}

/** Runs `fn` on each lane's operands under FPCR, ORs every lane's flags into FPSR, gives the results. */
function floatLanes(b: IrBuilder, fn: FpFunction, operands: readonly (readonly Operand[])[]): Value[] {
  const control = b.and(b.wrap(b.getReg(FPCR)), FPCR_DOUBLE_MASK);
  let flags: Value | undefined;
  const results = operands.map((args) => {
    const r = b.fp(fn, control, args);
    flags = flags === undefined ? r.flags : b.or(flags, r.flags);
    return r.value;
  });
  if (flags !== undefined) b.setReg(FPSR, b.or(b.getReg(FPSR), b.extendU(flags)));
  return results;
}

const signOf = (size: IrSize): bigint => 1n << BigInt(size - 1);
/** Every bit of a lane value but its sign: FPAbs as a mask. */
const magnitudeOf = (size: IrSize): bigint => ~signOf(size) & 0xffff_ffff_ffff_ffffn;

type ThreeSame = 'fadd' | 'fsub' | 'fmul' | 'fdiv' | 'fmla' | 'fmls';

/** Three-same FP forms by U:S(hi):opcode key that lift lane by lane. */
export const THREE_SAME_IR = new Map<number, ThreeSame>([
  [0b0_0_010, 'fadd'],
  [0b0_1_010, 'fsub'],
  [0b1_0_011, 'fmul'],
  [0b1_0_111, 'fdiv'],
  [0b0_0_001, 'fmla'],
  [0b0_1_001, 'fmls'],
]);

/**
 * Vd = Vn op Vm lane by lane (FMLA/FMLS: Vd ± Vn*Vm fused), `element` in place of every lane of Vm
 * when given (the by-element forms). FMLS negates Vn's lane, NaNs included, as the Arm ARM does.
 */
export function liftLanesThreeSame(
  c: LiftContext,
  op: ThreeSame,
  size: IrSize,
  count: number,
  regs: { d: number; n: number; m: number },
  element?: Value,
): void {
  const fp = SIZES[size];
  const b = c.b;
  const n = lanesOf(c, regs.n, size, count);
  const m = element ? n.map(() => element) : lanesOf(c, regs.m, size, count);
  let results: Value[];
  if (op === 'fmla' || op === 'fmls') {
    const d = lanesOf(c, regs.d, size, count);
    const x = op === 'fmls' ? n.map((v) => b.xor(v, signOf(size))) : n;
    results = floatLanes(
      b,
      fp.fma,
      d.map((addend, i) => [addend, x[i], m[i]]),
    );
  } else {
    const fn = { fadd: fp.add, fsub: fp.sub, fmul: fp.mul, fdiv: fp.div }[op];
    results = floatLanes(
      b,
      fn,
      n.map((a, i) => [a, m[i]]),
    );
  }
  setLanes(c, regs.d, size, results);
}

/** Lane `index` of Vm as an operand (the by-element forms' element). */
export function laneValue(c: LiftContext, m: number, size: IrSize, index: number): Value {
  const perHalf = 64 / size;
  const half = index < perHalf ? c.vlo(m) : c.vhi(m);
  const shift = BigInt((index % perHalf) * size);
  return shift === 0n ? half : c.b.shrU(half, shift);
}

/**
 * FADDP: the sums of adjacent lanes of Vm:Vn (vector), or of Vn's two lowest lanes (scalar,
 * `m` undefined).
 */
export function liftLanesAddPairwise(
  c: LiftContext,
  size: IrSize,
  count: number,
  regs: { d: number; n: number; m?: number },
): void {
  const source = lanesOf(c, regs.n, size, regs.m === undefined ? 2 : count);
  if (regs.m !== undefined) source.push(...lanesOf(c, regs.m, size, count));
  const pairs: Value[][] = [];
  for (let i = 0; i + 1 < source.length; i += 2) pairs.push([source[i], source[i + 1]]);
  setLanes(c, regs.d, size, floatLanes(c.b, SIZES[size].add, pairs));
}

type TwoMisc = 'fabs' | 'fneg' | 'fsqrt' | 'scvtf' | 'ucvtf' | 'fcvtzs' | 'fcvtzu';

/** Two-register-misc FP forms by U:a:opcode key (see fp-vector.ts) that lift lane by lane. */
export const TWO_MISC_IR = new Map<number, TwoMisc>([
  [0b0_1_01111, 'fabs'],
  [0b1_1_01111, 'fneg'],
  [0b1_1_11111, 'fsqrt'],
  [0b0_0_11101, 'scvtf'],
  [0b1_0_11101, 'ucvtf'],
  [0b0_1_11011, 'fcvtzs'],
  [0b1_1_11011, 'fcvtzu'],
]);

/** The conversion each integer form runs on one lane (integers as 64-bit values). */
function conversionOf(op: 'scvtf' | 'ucvtf' | 'fcvtzs' | 'fcvtzu', size: IrSize): FpFunction {
  const fp = SIZES[size];
  if (op === 'scvtf') return fp.fromS64;
  if (op === 'ucvtf') return fp.fromU64;
  if (size === 32) return op === 'fcvtzs' ? FP32.toS32 : FP32.toU32;
  return op === 'fcvtzs' ? FP64.toS64 : FP64.toU64;
}

export function liftLanesTwoMisc(
  c: LiftContext,
  op: TwoMisc,
  size: IrSize,
  count: number,
  regs: { d: number; n: number },
): void {
  const b = c.b;
  if (op === 'fabs' || op === 'fneg') {
    // Bit operations on the sign of every lane, NaNs included; no flags.
    const n = lanesOf(c, regs.n, size, count);
    const sign = signOf(size);
    setLanes(
      c,
      regs.d,
      size,
      n.map((v) => (op === 'fabs' ? b.and(v, magnitudeOf(size)) : b.xor(v, sign))),
    );
    return;
  }
  if (op === 'fsqrt') {
    const n = lanesOf(c, regs.n, size, count);
    setLanes(
      c,
      regs.d,
      size,
      floatLanes(
        b,
        SIZES[size].sqrt,
        n.map((v) => [v]),
      ),
    );
    return;
  }
  // SCVTF reads a lane as a signed integer, UCVTF as unsigned: widened to 64 bits, same value.
  const n = lanesOf(c, regs.n, size, count, op === 'scvtf');
  const widened = op === 'ucvtf' && size === 32 ? n.map((v) => b.and(v, LOW32)) : n;
  setLanes(
    c,
    regs.d,
    size,
    floatLanes(
      b,
      conversionOf(op, size),
      widened.map((v) => [v]),
    ),
  );
}

/** The FP compares with a mask result: Vd's lane all ones where the relation holds, else zero. */
export type CompareKind = 'eq' | 'ge' | 'gt' | 'le' | 'lt';

/** Three-same compare forms by U:S(hi):opcode key: the relation, and whether on absolute values. */
export const COMPARE_IR = new Map<number, { kind: CompareKind; absolute: boolean }>([
  [0b0_0_100, { kind: 'eq', absolute: false }], // FCMEQ
  [0b1_0_100, { kind: 'ge', absolute: false }], // FCMGE
  [0b1_1_100, { kind: 'gt', absolute: false }], // FCMGT
  [0b1_0_101, { kind: 'ge', absolute: true }], // FACGE
  [0b1_1_101, { kind: 'gt', absolute: true }], // FACGT
]);

/**
 * FCMEQ, FCMGE, FCMGT, FACGE, FACGT lane by lane against Vm's lanes, or against +0.0 when `m` is
 * undefined (the #0.0 forms, with LE and LT as GE and GT on swapped operands, as the pseudocode
 * has them). Each lane is a scalar FCMP: EQ does not signal on quiet NaNs, the others do (FCMPE),
 * and an unordered pair compares false.
 */
export function liftLanesCompare(
  c: LiftContext,
  kind: CompareKind,
  absolute: boolean,
  size: IrSize,
  count: number,
  regs: { d: number; n: number; m?: number },
): void {
  const b = c.b;
  const fp = SIZES[size];
  const magnitude = (v: Value): Value => (absolute ? b.and(v, magnitudeOf(size)) : v);
  const n = lanesOf(c, regs.n, size, count).map(magnitude);
  const m = regs.m === undefined ? n.map(() => undefined) : lanesOf(c, regs.m, size, count).map(magnitude);
  const swapped = kind === 'le' || kind === 'lt';
  const operands = n.map((a, i) => {
    const other = m[i] ?? 0n;
    return swapped ? [other, a] : [a, other];
  });
  const [, equal, greater] = fp.cmp.order ?? [];
  if (equal === undefined || greater === undefined) throw new Error('a compare without its order');
  const orders = floatLanes(b, kind === 'eq' ? fp.cmp : fp.cmpe, operands);
  const ones = size === 64 ? 0xffff_ffff_ffff_ffffn : LOW32;
  const masks = orders.map((order) => {
    const holds =
      kind === 'eq' || kind === 'gt' || kind === 'lt'
        ? b.eq(order, kind === 'eq' ? equal : greater)
        : b.or(b.eq(order, equal), b.eq(order, greater));
    return b.select(holds, ones, 0n);
  });
  setLanes(c, regs.d, size, masks);
}
