/**
 * Integer vector operations on whole registers of the register file, for the backends that have
 * vector instructions of their own. A helper call may carry one (see `IrBuilder.vectorHelper`):
 * the helper is the exact definition and what every backend without native vectors runs; the wasm
 * backend emits the operation as v128 instructions instead. Both must do the same thing to the
 * register file, which the tests check lane by lane.
 *
 * A vector register is 16 bytes at register slots `slot` (bytes 0–7) and `slot + 1` (bytes 8–15),
 * 16-byte aligned. Lanes are little-endian, lane 0 at byte 0.
 */

/** dst[i] = n[i] OP m[i]; comparisons give all ones for true, zero for false. */
export type VectorBinaryKind =
  | 'add'
  | 'sub'
  | 'mul'
  | 'eq'
  | 'test' // (n & m) != 0
  | 'gt_s'
  | 'ge_s'
  | 'gt_u'
  | 'ge_u'
  | 'max_s'
  | 'max_u'
  | 'min_s'
  | 'min_u';

/** dst[i] = OP n[i]; the comparisons are against zero, signed. */
export type VectorUnaryKind = 'eqz' | 'gtz' | 'gez' | 'lez' | 'ltz' | 'abs' | 'neg' | 'popcnt';

export type VectorLane = 8 | 16 | 32 | 64;

/**
 * dst byte k = byte `bytes[k]` of n and m put end to end (0–15 are n's bytes, 16–31 m's): every
 * fixed byte permutation (extracts, zips, duplicates, reversals, inserts) is one of these.
 */
export type VectorShuffleKind = 'shuffle';

/**
 * Shifts by the constant `shift`: 'shl' (shift < lane), 'shr_u' and 'shr_s' (shift ≤ lane: a
 * shift by the lane width gives 0, or copies of the sign bit). 'shrn' narrows: n's lanes of
 * 2 × lane bits, shifted right (1 ≤ shift ≤ lane) and cut to `lane` bits, make 8 bytes, the
 * result's low half; with `full`, they make its high half and the low half is m's low half.
 */
export type VectorShiftKind = 'shl' | 'shr_u' | 'shr_s' | 'shrn';

export interface VectorOp {
  readonly kind: VectorBinaryKind | VectorUnaryKind | VectorShuffleKind | VectorShiftKind;
  readonly lane: VectorLane;
  /**
   * 128 bits; else only the low 64 bits of each operand take part and the destination's high
   * 64 bits become zero.
   */
  readonly full: boolean;
  /**
   * For a binary kind: the operation on adjacent lane pairs of n and m put end to end (n's pairs
   * give the low half of the result, m's the high half), as AArch64's ADDP/UMAXP do.
   */
  readonly pairwise?: boolean;
  /** For the shift kinds: the shift count. */
  readonly shift?: number;
  /** For 'shuffle': where each of the 16 result bytes comes from (of a 64-bit one, the first 8 count). */
  readonly bytes?: readonly number[];
  /** Register slots (the low slot of each register). `m` for the binary kinds and 'shuffle'. */
  readonly d: number;
  readonly n: number;
  readonly m?: number;
}

const UNARY: ReadonlySet<string> = new Set<VectorUnaryKind>([
  'eqz',
  'gtz',
  'gez',
  'lez',
  'ltz',
  'abs',
  'neg',
  'popcnt',
]);

export function isUnaryVectorKind(kind: VectorOp['kind']): kind is VectorUnaryKind {
  return UNARY.has(kind);
}

const SHIFTS: ReadonlySet<string> = new Set<VectorShiftKind>(['shl', 'shr_u', 'shr_s', 'shrn']);

export function isShiftVectorKind(kind: VectorOp['kind']): kind is VectorShiftKind {
  return SHIFTS.has(kind);
}

/** The register slots the operation reads (both halves of each source register). */
export function vectorSources(op: VectorOp): number[] {
  const regs = op.m === undefined ? [op.n] : [op.n, op.m];
  return regs.flatMap((slot) => [slot, slot + 1]);
}

/** The register slots the operation writes. */
export function vectorDestinations(op: VectorOp): number[] {
  return [op.d, op.d + 1];
}
