/**
 * The native paths of the binary32 `float` operations (see fp-emit.ts for the function shape).
 * Singles are widened to f64 exactly and the work is done there, where it is exact or correctly
 * rounded:
 * - the sum and the product of two singles, and a single times a single plus a single, are held
 *   exactly as an f64 s plus an error t (the product itself is exact; TwoSum gives t). Rounding s
 *   to single gives the single nearest s + t unless s is a midpoint between two singles and t
 *   breaks the tie, which takes the exact path; the result is exact iff t = 0 and s is a single.
 * - quotients and square roots are rounded to f64 and then to single, which is the correctly
 *   rounded single (53 >= 2*24 + 2 bits, so double rounding is innocuous); they are exact iff
 *   multiplying back (exactly, in f64) gives the operand.
 * As for doubles, the native path needs control word 0, finite operands and a result whose exact
 * value is normal (or an exact zero), so Inexact is the only flag it can raise.
 */
import type { FpFunction, FpKind } from '../../ir/fp.js';
import type { Emitter } from './emitter.js';
import { orderedCompare, twoSum } from './fp-common.js';
import { OP, VOID } from './opcodes.js';

const MIN_NORMAL32 = 2 ** -126;
/** The bits an f64 has below a single's 24-bit significand, and the pattern of a midpoint. */
const BELOW_SINGLE = (1n << 29n) - 1n;
const MIDPOINT = 1n << 28n;

// Parameters 0-3 (control, a, b, c), then the f64 locals of fp-emit.ts.
const A = 1;
const B = 2;
const C = 3;
const X = 4;
const Y = 5;
const R = 6;
const S = 7;
const T = 8;
const Z = 9;

const SINGLE_KINDS: ReadonlySet<FpKind> = new Set<FpKind>([
  'add32',
  'sub32',
  'mul32',
  'div32',
  'sqrt32',
  'fma32',
  'cmp32',
  'fromS64To32',
  'fromU64To32',
  'cvt32To64',
  'cvt64To32',
]);

/**
 * Whether this file emits `fn`. The truncations of a single (`toS64From32`...) are fp-emit.ts's
 * truncations of the widened value.
 */
export function isSingleKind(fn: FpFunction): boolean {
  return SINGLE_KINDS.has(fn.kind);
}

/** Leaves the block (depth 0) for the exact path, or returns bits and flags. */
export function fastPath32(e: Emitter, fn: FpFunction): void {
  const single = (param: number, local: number) =>
    e.get(param).op(OP.i32WrapI64, OP.f32ReinterpretI32, OP.f64PromoteF32).set(local);
  const abs = (l: number) => e.get(l).op(OP.f64Abs);
  const slowUnless = () => e.op(OP.i32Eqz, OP.brIf, 0);
  /** Pushes the single bits of f64 local `l` (an exact single), zero-extended. */
  const bitsOf = (l: number) => e.get(l).op(OP.f32DemoteF64, OP.i32ReinterpretF32, OP.i64ExtendI32U);
  const inexactFlag = (cond: () => void) => {
    e.i32(fn.inexact).i32(0);
    cond();
    e.op(OP.select);
  };
  /** R = the single nearest f64 local `l`, as an f64. */
  const roundToSingle = (l: number) => e.get(l).op(OP.f32DemoteF64, OP.f64PromoteF32).set(R);
  /** Takes the exact path unless R is finite. */
  const noOverflow = () => {
    abs(R).f64(Number.POSITIVE_INFINITY).op(OP.f64Lt);
    slowUnless();
  };
  switch (fn.kind) {
    case 'add32':
    case 'sub32':
      single(A, X);
      single(B, Y);
      if (fn.kind === 'sub32') e.get(Y).op(OP.f64Neg).set(Y);
      e.get(X).get(Y).op(OP.f64Add).set(S);
      twoSum(e, X, Y, S, T);
      roundSum(e, fn);
      return;
    case 'mul32':
      single(A, X);
      single(B, Y);
      e.get(X).get(Y).op(OP.f64Mul).set(S);
      e.f64(0).set(T);
      roundSum(e, fn);
      return;
    case 'fma32':
      // addend + x*y: the product is exact in f64
      single(A, Z);
      single(B, X);
      single(C, Y);
      e.get(X).get(Y).op(OP.f64Mul).set(Y);
      e.get(Z).get(Y).op(OP.f64Add).set(S);
      twoSum(e, Z, Y, S, T);
      roundSum(e, fn);
      return;
    case 'div32':
      single(A, X);
      single(B, Y);
      e.get(X).get(Y).op(OP.f64Div).set(S);
      roundToSingle(S);
      // 0 / y for a finite non-zero y: a zero, exactly.
      e.get(X).f64(0).op(OP.f64Eq, OP.if, VOID);
      abs(Y).f64(0).op(OP.f64Gt);
      abs(Y).f64(Number.POSITIVE_INFINITY).op(OP.f64Lt, OP.i32And);
      slowUnless();
      bitsOf(R).i32(0).op(OP.return);
      e.op(OP.end);
      // |x/y| > 2^-126 (NaN fails) leaves underflow out, even for the unrounded quotient.
      abs(S).f64(MIN_NORMAL32).op(OP.f64Gt);
      slowUnless();
      noOverflow();
      bitsOf(R);
      inexactFlag(() => e.get(R).get(Y).op(OP.f64Mul).get(X).op(OP.f64Ne));
      e.op(OP.return);
      return;
    case 'sqrt32':
      single(A, X);
      // sqrt(±0) = ±0, exactly.
      e.get(X).f64(0).op(OP.f64Eq, OP.if, VOID);
      bitsOf(X).i32(0).op(OP.return);
      e.op(OP.end);
      // Any positive finite single, subnormals too, has a normal square root.
      e.get(X).f64(0).op(OP.f64Gt);
      abs(X).f64(Number.POSITIVE_INFINITY).op(OP.f64Lt, OP.i32And);
      slowUnless();
      e.get(X).op(OP.f64Sqrt).set(S);
      roundToSingle(S);
      bitsOf(R);
      inexactFlag(() => e.get(R).get(R).op(OP.f64Mul).get(X).op(OP.f64Ne));
      e.op(OP.return);
      return;
    case 'cmp32': {
      const order = fn.order;
      if (!order) throw new Error('cmp32 needs its order results');
      single(A, X);
      single(B, Y);
      orderedCompare(e, X, Y, order, slowUnless);
      return;
    }
    case 'fromS64To32':
    case 'fromU64To32': {
      // Rounded natively (wasm rounds to nearest even); exact iff it truncates back to the
      // integer, which cannot trap below 2^62 (signed) or 2^63 (unsigned) in magnitude.
      const signed = fn.kind === 'fromS64To32';
      e.get(A);
      if (signed) e.i64(2n ** 62n).op(OP.i64Add);
      e.i64(2n ** 63n).op(OP.i64LtU);
      slowUnless();
      e.get(A).op(signed ? OP.f32ConvertI64S : OP.f32ConvertI64U);
      e.op(OP.f64PromoteF32).set(R);
      bitsOf(R);
      inexactFlag(() => {
        e.get(R).op(OP.f32DemoteF64, signed ? OP.i64TruncF32S : OP.i64TruncF32U);
        e.get(A).op(OP.i64Ne);
      });
      e.op(OP.return);
      return;
    }
    case 'cvt32To64':
      // Widening is exact for everything but NaNs (infinities and subnormals included).
      single(A, X);
      e.get(X).get(X).op(OP.f64Eq);
      slowUnless();
      e.get(X).op(OP.i64ReinterpretF64).i32(0).op(OP.return);
      return;
    case 'cvt64To32':
      e.get(A).op(OP.f64ReinterpretI64).set(X);
      e.get(X).f64(0).op(OP.f64Eq, OP.if, VOID);
      bitsOf(X).i32(0).op(OP.return);
      e.op(OP.end);
      abs(X).f64(MIN_NORMAL32).op(OP.f64Ge);
      slowUnless();
      roundToSingle(X);
      noOverflow();
      bitsOf(R);
      inexactFlag(() => e.get(R).get(X).op(OP.f64Ne));
      e.op(OP.return);
      return;
    default:
      throw new Error(`no native binary32 path for ${fn.kind}`);
  }
}

/** Returns the single nearest S + T (exactly, see the file comment) or takes the exact path. */
function roundSum(e: Emitter, fn: FpFunction): void {
  // An exact zero: s carries the sign IEEE 754 gives it.
  e.get(S).f64(0).op(OP.f64Eq);
  e.get(T).f64(0).op(OP.f64Eq, OP.i32And, OP.if, VOID);
  e.get(S).op(OP.f32DemoteF64, OP.i32ReinterpretF32, OP.i64ExtendI32U).i32(0).op(OP.return);
  e.op(OP.end);
  // |s| > 2^-126 (NaN fails): s + t is normal too, as s is the f64 nearest it.
  e.get(S).op(OP.f64Abs).f64(MIN_NORMAL32).op(OP.f64Gt, OP.i32Eqz, OP.brIf, 0);
  // A midpoint between singles that t pulls off: rounding s alone could go the wrong way.
  e.get(T).f64(0).op(OP.f64Ne);
  e.get(S).op(OP.i64ReinterpretF64).i64(BELOW_SINGLE).op(OP.i64And).i64(MIDPOINT).op(OP.i64Eq, OP.i32And);
  e.op(OP.brIf, 0);
  e.get(S).op(OP.f32DemoteF64, OP.f64PromoteF32).set(R);
  e.get(R).op(OP.f64Abs).f64(Number.POSITIVE_INFINITY).op(OP.f64Lt, OP.i32Eqz, OP.brIf, 0);
  e.get(R).op(OP.f32DemoteF64, OP.i32ReinterpretF32, OP.i64ExtendI32U);
  e.i32(fn.inexact).i32(0);
  e.get(T).f64(0).op(OP.f64Ne);
  e.get(R).get(S).op(OP.f64Ne, OP.i32Or, OP.select);
  e.op(OP.return);
}
