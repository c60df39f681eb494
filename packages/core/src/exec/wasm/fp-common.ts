/**
 * Pieces of the native FP paths that binary64 (fp-emit.ts) and binary32 (fp32-emit.ts) share:
 * both compute in f64 locals of the same function.
 */
import type { Emitter } from './emitter.js';
import { OP } from './opcodes.js';

/** The exact rounding error of s = RN(u + v) into `out` (TwoSum; exact barring overflow). */
export function twoSum(e: Emitter, u: number, v: number, s: number, out: number): void {
  e.get(s).get(u).op(OP.f64Sub).set(out);
  e.get(u).get(s).get(out).op(OP.f64Sub, OP.f64Sub);
  e.get(v).get(out).op(OP.f64Sub, OP.f64Add).set(out);
}

/**
 * Returns the compare result for the f64 locals `x` and `y` (`order`: its bits for less, equal,
 * greater) with no flags; a NaN operand takes the exact path (`slowUnless`), which raises them.
 */
export function orderedCompare(
  e: Emitter,
  x: number,
  y: number,
  order: readonly [bigint, bigint, bigint],
  slowUnless: () => void,
): void {
  e.get(x).get(x).op(OP.f64Eq);
  e.get(y).get(y).op(OP.f64Eq, OP.i32And);
  slowUnless();
  e.i64(BigInt.asIntN(64, order[0]));
  e.i64(BigInt.asIntN(64, order[1]));
  e.i64(BigInt.asIntN(64, order[2]));
  e.get(x).get(y).op(OP.f64Eq, OP.select);
  e.get(x).get(y).op(OP.f64Lt, OP.select);
  e.i32(0).op(OP.return);
}
