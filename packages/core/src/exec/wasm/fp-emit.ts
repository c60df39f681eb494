/**
 * Module functions for the IR's `float` operations (see ir/fp.ts): (control i32, a i64, b i64, c i64)
 * → (bits i64, flags i32). Each runs native f64 code where IEEE 754 default arithmetic gives
 * exactly the frontend's bits and flags, and otherwise calls the frontend's exact function (an
 * import that leaves its flags in the scratch slot).
 *
 * The native path needs control word 0 and operands and result where no flag other than Inexact
 * can arise: finite operands, a normal result (or an exact zero). Inexact itself is computed
 * exactly: TwoSum for sums, Dekker's product for products, and for quotients and square roots by
 * multiplying the result back; fused multiply-add (which wasm lacks) is rebuilt from the same
 * error-free transformations. Dekker's splitting is exact only away from overflow and underflow,
 * hence the windows below: operands below 2^995, products above 2^-968.
 */
import type { FpFunction } from '../../ir/fp.js';
import { Emitter } from './emitter.js';
import { orderedCompare, twoSum } from './fp-common.js';
import { fastPath32, isSingleKind } from './fp32-emit.js';
import type { ValType } from './module-builder.js';
import { F64, I32, I64, OP, VOID } from './opcodes.js';

export const FP_PARAMS: readonly ValType[] = [I32, I64, I64, I64];
export const FP_RESULTS: readonly ValType[] = [I64, I32];
/** The exact import: same operands, result bits; flags in the scratch slot. */
export const FP_IMPORT_RESULTS: readonly ValType[] = [I64];

const MIN_NORMAL = 2 ** -1022;
const SPLIT = 2 ** 27 + 1;
const OPERAND_MAX = 2 ** 995;
const PRODUCT_MIN = 2 ** -968;
const SUM_MAX = 2 ** 1023;

// Parameters 0-3, then f64 locals.
const CONTROL = 0;
const A = 1;
const B = 2;
const X = 4;
const Y = 5;
const R = 6;
const T = [7, 8, 9, 10, 11, 12];
// fma64 only: the addend, the rounded product, the rounded sum, the sum of the residuals.
const ADDEND = 13;
const P = 14;
const S = 15;
const U = 16;
const LOCALS: readonly ValType[] = Array.from({ length: 13 }, () => F64);

/** The function body for `fn` (without the final `end`) and its locals. */
export function fpFunctionBody(
  fn: FpFunction,
  exactImport: number,
  flagsAddress: number,
): { locals: readonly ValType[]; code: number[] } {
  const e = new Emitter();
  e.op(OP.block, VOID);
  e.get(CONTROL).op(OP.brIf, 0);
  if (isSingleKind(fn)) fastPath32(e, fn);
  else fastPath(e, fn);
  e.op(OP.end);
  e.get(0).get(1).get(2).get(3).call(exactImport);
  e.i32(0).mem(OP.i32Load, flagsAddress, 2);
  return { locals: LOCALS, code: e.code };
}

/** Leaves the block (depth 0) for the exact path, or returns bits and flags. */
function fastPath(e: Emitter, fn: FpFunction): void {
  const x = () => e.get(A).op(OP.f64ReinterpretI64);
  const y = () => e.get(B).op(OP.f64ReinterpretI64);
  const abs = (l: number) => e.get(l).op(OP.f64Abs);
  const slowUnless = () => e.op(OP.i32Eqz, OP.brIf, 0);
  const inexactFlag = (cond: () => void) => {
    e.i32(fn.inexact).i32(0);
    cond();
    e.op(OP.select);
  };
  const result = (flag: () => void) => {
    e.get(R).op(OP.i64ReinterpretF64);
    flag();
    e.op(OP.return);
  };
  const noFlags = () => e.i32(0);
  switch (fn.kind) {
    case 'add64':
    case 'sub64': {
      x().set(X);
      y();
      if (fn.kind === 'sub64') e.op(OP.f64Neg);
      e.set(Y);
      e.get(X).get(Y).op(OP.f64Add).set(R);
      // |r| in [MIN_NORMAL, 2^1023), or an exact zero
      abs(R).f64(MIN_NORMAL).op(OP.f64Ge);
      abs(R).f64(SUM_MAX).op(OP.f64Lt, OP.i32And);
      e.get(R).f64(0).op(OP.f64Eq, OP.i32Or);
      slowUnless();
      // TwoSum: bb = r - x; err = (x - (r - bb)) + (y - bb)
      e.get(R).get(X).op(OP.f64Sub).set(T[0]);
      e.get(X).get(R).get(T[0]).op(OP.f64Sub, OP.f64Sub);
      e.get(Y).get(T[0]).op(OP.f64Sub, OP.f64Add).set(T[1]);
      result(() => inexactFlag(() => e.get(T[1]).f64(0).op(OP.f64Ne)));
      return;
    }
    case 'mul64': {
      x().set(X);
      y().set(Y);
      e.get(X).get(Y).op(OP.f64Mul).set(R);
      // r == 0: exact only when an operand is zero (otherwise it underflowed).
      e.get(R).f64(0).op(OP.f64Eq, OP.if, VOID);
      e.get(X).f64(0).op(OP.f64Eq);
      e.get(Y).f64(0).op(OP.f64Eq, OP.i32Or);
      slowUnless();
      result(noFlags);
      e.op(OP.end);
      productWindow(e, X, Y, R);
      slowUnless();
      dekkerError(e, X, Y, R);
      result(() => inexactFlag(() => e.get(T[5]).f64(0).op(OP.f64Ne)));
      return;
    }
    case 'div64': {
      x().set(X);
      y().set(Y);
      e.get(X).get(Y).op(OP.f64Div).set(R);
      // 0 / y for a finite non-zero y: a zero, exactly.
      e.get(X).f64(0).op(OP.f64Eq, OP.if, VOID);
      abs(Y).f64(0).op(OP.f64Gt);
      abs(Y).f64(Number.POSITIVE_INFINITY).op(OP.f64Lt, OP.i32And);
      slowUnless();
      result(noFlags);
      e.op(OP.end);
      // q normal, y normal and q*y (about x) in Dekker's window.
      abs(R).f64(MIN_NORMAL).op(OP.f64Ge);
      productWindow(e, R, Y, X);
      e.op(OP.i32And);
      abs(Y).f64(MIN_NORMAL).op(OP.f64Ge, OP.i32And);
      slowUnless();
      multipliedBack(e, R, Y, X);
      result(() => inexactFlag(() => e.get(T[4]).f64(0).op(OP.f64Eq)));
      return;
    }
    case 'sqrt64': {
      x().set(X);
      e.get(X).op(OP.f64Sqrt).set(R);
      // sqrt(±0) = ±0, exactly.
      e.get(X).f64(0).op(OP.f64Eq, OP.if, VOID);
      result(noFlags);
      e.op(OP.end);
      e.get(X)
        .f64(PRODUCT_MIN * 2)
        .op(OP.f64Gt);
      e.get(X).f64(OPERAND_MAX).op(OP.f64Lt, OP.i32And);
      slowUnless();
      multipliedBack(e, R, R, X);
      result(() => inexactFlag(() => e.get(T[4]).f64(0).op(OP.f64Eq)));
      return;
    }
    case 'cmp64': {
      const order = fn.order;
      if (!order) throw new Error('cmp64 needs its order results');
      x().set(X);
      y().set(Y);
      orderedCompare(e, X, Y, order, slowUnless);
      return;
    }
    case 'fromS64':
    case 'fromU64': {
      // Integers below 2^53 in magnitude convert exactly.
      e.get(A);
      if (fn.kind === 'fromS64') e.i64(2n ** 53n).op(OP.i64Add);
      e.i64(fn.kind === 'fromS64' ? 2n ** 54n : 2n ** 53n).op(OP.i64LtU);
      slowUnless();
      e.get(A)
        .op(fn.kind === 'fromS64' ? OP.f64ConvertI64S : OP.f64ConvertI64U)
        .op(OP.i64ReinterpretF64);
      e.i32(0).op(OP.return);
      return;
    }
    case 'toS64':
    case 'toS32':
    case 'toU64':
    case 'toU32':
    case 'toS64From32':
    case 'toS32From32':
    case 'toU64From32':
    case 'toU32From32': {
      // A single is widened first (exactly): the truncation is the same.
      if (fn.kind.endsWith('From32'))
        e.get(A).op(OP.i32WrapI64, OP.f32ReinterpretI32, OP.f64PromoteF32).set(X);
      else x().set(X);
      const signed = fn.kind.startsWith('toS');
      const wide = fn.kind.startsWith('toS64') || fn.kind.startsWith('toU64');
      // In range after truncation (NaN fails every comparison).
      if (signed)
        abs(X)
          .f64(wide ? 2 ** 63 : 2 ** 31)
          .op(OP.f64Lt);
      else {
        e.get(X).f64(-1).op(OP.f64Gt);
        e.get(X)
          .f64(wide ? 2 ** 64 : 2 ** 32)
          .op(OP.f64Lt, OP.i32And);
      }
      slowUnless();
      e.get(X);
      if (wide) e.op(signed ? OP.i64TruncF64S : OP.i64TruncF64U);
      else e.op(signed ? OP.i32TruncF64S : OP.i32TruncF64U, OP.i64ExtendI32U);
      inexactFlag(() => e.get(X).op(OP.f64Trunc).get(X).op(OP.f64Ne));
      e.op(OP.return);
      return;
    }
    case 'fma64':
      fusedMultiplyAdd(e, fn.inexact);
      return;
    default:
      throw new Error(`no native path for ${fn.kind}`);
  }
}

/**
 * addend + x*y with one rounding. x*y = p + e exactly (Dekker), addend + p = s + t (TwoSum),
 * t + e = u + err (TwoSum), s + u = r + w (TwoSum): the exact value is r + w + err. When err is 0,
 * r = RN(s + u) is the rounded value and w tells whether it was exact. Otherwise r still is when
 * w + err stays below half the gap h around r: with w' = RN(w + err), |w'| < h(1 - 2^-52) bounds
 * |w + err| below h (the error of w' is at most h 2^-53), on both sides when r is not a power of
 * two; then the result is exact only if w' = 0. Anything else takes the exact path.
 */
function fusedMultiplyAdd(e: Emitter, inexact: number): void {
  const flagIf = (cond: () => void) => {
    e.i32(inexact).i32(0);
    cond();
    e.op(OP.select);
  };
  e.get(1).op(OP.f64ReinterpretI64).set(ADDEND);
  e.get(2).op(OP.f64ReinterpretI64).set(X);
  e.get(3).op(OP.f64ReinterpretI64).set(Y);
  e.get(X).get(Y).op(OP.f64Mul).set(P);
  // A zero product of finite operands: addend + ±0, exactly, for a finite addend.
  e.get(P).f64(0).op(OP.f64Eq, OP.if, VOID);
  e.get(X).f64(0).op(OP.f64Eq);
  e.get(Y).f64(0).op(OP.f64Eq, OP.i32Or);
  e.get(ADDEND).op(OP.f64Abs).f64(Number.POSITIVE_INFINITY).op(OP.f64Lt, OP.i32And);
  e.op(OP.i32Eqz, OP.brIf, 1);
  e.get(ADDEND).get(P).op(OP.f64Add).op(OP.i64ReinterpretF64).i32(0).op(OP.return);
  e.op(OP.end);
  productWindow(e, X, Y, P);
  e.get(P)
    .op(OP.f64Abs)
    .f64(SUM_MAX / 2)
    .op(OP.f64Lt, OP.i32And);
  e.get(ADDEND)
    .op(OP.f64Abs)
    .f64(SUM_MAX / 2)
    .op(OP.f64Lt, OP.i32And);
  e.op(OP.i32Eqz, OP.brIf, 0);
  dekkerError(e, X, Y, P); // e in T[5]
  e.get(ADDEND).get(P).op(OP.f64Add).set(S);
  twoSum(e, ADDEND, P, S, T[4]); // t
  e.get(T[4]).get(T[5]).op(OP.f64Add).set(U);
  twoSum(e, T[4], T[5], U, T[0]); // err
  e.get(S).get(U).op(OP.f64Add).set(R);
  twoSum(e, S, U, R, T[1]); // w
  // An exact zero from non-zero terms of opposite signs: +0 when rounding to nearest.
  e.get(R).f64(0).op(OP.f64Eq);
  e.get(T[0]).f64(0).op(OP.f64Eq, OP.i32And, OP.if, VOID);
  e.i64(0n).i32(0).op(OP.return);
  e.op(OP.end);
  // r normal
  e.get(R).op(OP.f64Abs).f64(MIN_NORMAL).op(OP.f64Ge);
  e.get(R)
    .op(OP.f64Abs)
    .f64(SUM_MAX / 2)
    .op(OP.f64Lt, OP.i32And);
  e.op(OP.i32Eqz, OP.brIf, 0);
  e.get(T[0]).f64(0).op(OP.f64Eq, OP.if, VOID);
  e.get(R).op(OP.i64ReinterpretF64);
  flagIf(() => e.get(T[1]).f64(0).op(OP.f64Ne));
  e.op(OP.return, OP.end);
  // r not a power of two, and far enough from the subnormals that h is a normal double
  e.get(R).op(OP.i64ReinterpretF64).i64(0xfffffffffffffn).op(OP.i64And, OP.i64Eqz);
  e.get(R)
    .op(OP.f64Abs)
    .f64(2 ** -1000)
    .op(OP.f64Lt, OP.i32Or, OP.brIf, 0);
  e.get(T[1]).get(T[0]).op(OP.f64Add).set(T[2]); // w'
  // h = 2^exponent(r) * 2^-53
  e.get(R).op(OP.i64ReinterpretF64).i64(0x7ff0000000000000n).op(OP.i64And, OP.f64ReinterpretI64);
  e.f64(2 ** -53)
    .op(OP.f64Mul)
    .set(T[3]);
  e.get(T[2]).op(OP.f64Abs);
  e.get(T[3])
    .f64(1 - 2 ** -52)
    .op(OP.f64Mul, OP.f64Lt);
  e.op(OP.i32Eqz, OP.brIf, 0);
  e.get(R).op(OP.i64ReinterpretF64);
  flagIf(() => e.get(T[2]).f64(0).op(OP.f64Ne));
  e.op(OP.return);
}

/** Pushes whether u*v ≈ p can be split exactly: |u|, |v| < 2^995 and 2^-968 < |p| < 2^1023. */
function productWindow(e: Emitter, u: number, v: number, p: number): void {
  e.get(u).op(OP.f64Abs).f64(OPERAND_MAX).op(OP.f64Lt);
  e.get(v).op(OP.f64Abs).f64(OPERAND_MAX).op(OP.f64Lt, OP.i32And);
  e.get(p).op(OP.f64Abs).f64(PRODUCT_MIN).op(OP.f64Gt, OP.i32And);
  e.get(p).op(OP.f64Abs).f64(SUM_MAX).op(OP.f64Lt, OP.i32And);
}

/** Splits local `v` into high (`hi`) and low (`lo`) halves of 26 bits (Veltkamp). */
function split(e: Emitter, v: number, hi: number, lo: number): void {
  e.get(v).f64(SPLIT).op(OP.f64Mul).set(hi);
  e.get(hi).get(hi).get(v).op(OP.f64Sub, OP.f64Sub).set(hi);
  e.get(v).get(hi).op(OP.f64Sub).set(lo);
}

/** T[5] = u*v - p exactly, for p = RN(u*v) in the product window (Dekker). */
function dekkerError(e: Emitter, u: number, v: number, p: number): void {
  split(e, u, T[0], T[1]);
  split(e, v, T[2], T[3]);
  // ((uh*vh - p) + uh*vl + ul*vh) + ul*vl
  e.get(T[0]).get(T[2]).op(OP.f64Mul).get(p).op(OP.f64Sub);
  e.get(T[0]).get(T[3]).op(OP.f64Mul, OP.f64Add);
  e.get(T[1]).get(T[2]).op(OP.f64Mul, OP.f64Add);
  e.get(T[1]).get(T[3]).op(OP.f64Mul, OP.f64Add);
  e.set(T[5]);
}

/**
 * T[4] (as f64 1 or 0) = whether u*v equals `target` exactly: the rounded product is `target`
 * and Dekker's error term is zero.
 */
function multipliedBack(e: Emitter, u: number, v: number, target: number): void {
  e.get(u).get(v).op(OP.f64Mul).set(T[4]);
  dekkerError(e, u, v, T[4]);
  // exact ⇔ p == target && err == 0; keep the answer as an f64 flag in T[4].
  e.f64(1).f64(0);
  e.get(T[4]).get(target).op(OP.f64Eq);
  e.get(T[5]).f64(0).op(OP.f64Eq, OP.i32And, OP.select);
  e.set(T[4]);
}
