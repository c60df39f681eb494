import type { FpKind, FpStatus } from '../src/index.js';

/**
 * An oracle for the binary32 `float` kinds under IEEE 754 default arithmetic: every result is
 * rounded from its exact value with BigInt arithmetic (quotients and roots with a sticky bit), so
 * it shares nothing with the native path's f64 reasoning. Like the binary64 oracle, it answers
 * `poison` for what native code must leave to the exact function: a non-zero control word, NaN or
 * infinite operands, and results whose exact value is not normal (or an exact zero) or overflows.
 */

const view = new DataView(new ArrayBuffer(8));
/** The single in the low 32 bits, as a number. */
export const toF32 = (bits: bigint): number => {
  view.setUint32(0, Number(bits & 0xffffffffn));
  return view.getFloat32(0);
};
/** The bits of a number that is a single. */
export const toBits32 = (x: number): bigint => {
  view.setFloat32(0, x);
  return BigInt(view.getUint32(0));
};
export const toF64 = (bits: bigint): number => {
  view.setBigUint64(0, bits);
  return view.getFloat64(0);
};
export const toBits64 = (x: number): bigint => {
  view.setFloat64(0, x);
  return view.getBigUint64(0);
};

/** x = m * 2^e exactly (x a finite double). */
export function rational(x: number): { m: bigint; e: number } {
  const bits = toBits64(x);
  const biased = Number((bits >> 52n) & 0x7ffn);
  let m = bits & ((1n << 52n) - 1n);
  if (biased !== 0) m |= 1n << 52n;
  if (bits >> 63n) m = -m;
  return { m, e: (biased === 0 ? 1 : biased) - 1075 };
}

const bitLength = (q: bigint): number => q.toString(2).length;

/** m * 2^e (m ≠ 0) rounded to the nearest single, or undefined unless normal and finite. */
function roundSingle(m: bigint, e: number): { value: number; exact: boolean } | undefined {
  const negative = m < 0n;
  let q = negative ? -m : m;
  let exp = e;
  if (bitLength(q) - 1 + exp < -126) return undefined;
  let exact = true;
  const shift = bitLength(q) - 24;
  if (shift > 0) {
    const rest = q & ((1n << BigInt(shift)) - 1n);
    const half = 1n << BigInt(shift - 1);
    q >>= BigInt(shift);
    exp += shift;
    exact = rest === 0n;
    if (rest > half || (rest === half && (q & 1n) === 1n)) q += 1n;
  }
  if (bitLength(q) + exp > 128) return undefined;
  const value = Number(q) * 2 ** exp;
  return { value: negative ? -value : value, exact };
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(bitLength(n) / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

export function oracle32(
  kind: FpKind,
  inexact: number,
  poison: (status: FpStatus) => bigint,
  order: readonly [bigint, bigint, bigint],
): (status: FpStatus, control: number, a: bigint, b: bigint, c: bigint) => bigint {
  const rounded = (status: FpStatus, m: bigint, e: number): bigint => {
    const r = roundSingle(m, e);
    if (!r) return poison(status);
    if (!r.exact) status.flags |= inexact;
    return toBits32(r.value);
  };
  return (status, control, a, b, c) => {
    if (control !== 0) return poison(status);
    if (kind === 'fromS64To32' || kind === 'fromU64To32') {
      const i = kind === 'fromS64To32' ? BigInt.asIntN(64, a) : a;
      return i === 0n ? 0n : rounded(status, i, 0);
    }
    if (kind === 'cvt64To32') {
      const x = toF64(a);
      if (!Number.isFinite(x)) return poison(status);
      if (x === 0) return toBits32(x);
      const r = rational(x);
      return rounded(status, r.m, r.e);
    }
    const x = toF32(a);
    const y = toF32(b);
    const z = toF32(c);
    if (kind === 'cvt32To64') return Number.isNaN(x) ? poison(status) : toBits64(x);
    if (kind === 'cmp32') {
      if (Number.isNaN(x) || Number.isNaN(y)) return poison(status);
      return x < y ? order[0] : x === y ? order[1] : order[2];
    }
    if (!Number.isFinite(x)) return poison(status);
    const rx = rational(x);
    switch (kind) {
      case 'sqrt32': {
        if (x === 0) return toBits32(x);
        if (x < 0) return poison(status);
        // sqrt(m 2^e) with a sticky bit below 40 bits of root
        let n = rx.m << 80n;
        let e = rx.e - 80;
        if (e & 1) {
          n <<= 1n;
          e -= 1;
        }
        const root = isqrt(n);
        return rounded(status, root * 2n + (root * root === n ? 0n : 1n), e / 2 - 1);
      }
      case 'toS64From32':
      case 'toS32From32':
      case 'toU64From32':
      case 'toU32From32': {
        const signed = kind.startsWith('toS');
        const width = kind.startsWith('toS64') || kind.startsWith('toU64') ? 64 : 32;
        const t = BigInt(Math.trunc(x));
        const lo = signed ? -(1n << BigInt(width - 1)) : 0n;
        const hi = signed ? (1n << BigInt(width - 1)) - 1n : (1n << BigInt(width)) - 1n;
        if (t < lo || t > hi) return poison(status);
        if (Math.trunc(x) !== x) status.flags |= inexact;
        return BigInt.asUintN(width, t);
      }
    }
    if (!Number.isFinite(y)) return poison(status);
    const yy = kind === 'sub32' ? -y : y;
    const ry = rational(yy);
    switch (kind) {
      case 'add32':
      case 'sub32': {
        const e = Math.min(rx.e, ry.e);
        const v = (rx.m << BigInt(rx.e - e)) + (ry.m << BigInt(ry.e - e));
        return v === 0n ? toBits32(x + yy) : rounded(status, v, e);
      }
      case 'mul32':
        return x === 0 || y === 0 ? toBits32(x * y) : rounded(status, rx.m * ry.m, rx.e + ry.e);
      case 'div32': {
        if (y === 0) return poison(status);
        if (x === 0) return toBits32(x / y);
        const num = (rx.m < 0n ? -rx.m : rx.m) << 80n;
        const den = ry.m < 0n ? -ry.m : ry.m;
        const q = num / den;
        const m = q * 2n + (q * den === num ? 0n : 1n);
        return rounded(status, rx.m < 0n !== ry.m < 0n ? -m : m, rx.e - ry.e - 81);
      }
      case 'fma32': {
        // a + b*c
        if (!Number.isFinite(z)) return poison(status);
        const rz = rational(z);
        const e = Math.min(rx.e, ry.e + rz.e);
        const v = (rx.m << BigInt(rx.e - e)) + ((ry.m * rz.m) << BigInt(ry.e + rz.e - e));
        return v === 0n ? toBits32(x + y * z) : rounded(status, v, e);
      }
      default:
        throw new Error(`not a binary32 kind: ${kind}`);
    }
  };
}
