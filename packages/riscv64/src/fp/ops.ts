import {
  type Decoded,
  DZ,
  decode,
  encodeInf,
  encodeZero,
  type Format,
  isNan,
  NV,
  RDN,
  type Rounded,
  round,
} from './format.js';

/**
 * Exact IEEE arithmetic as RISC-V defines it: every NaN result is the canonical NaN, a signaling
 * NaN operand raises NV, and a finite result is the exact value rounded once.
 */

const nan = (f: Format, flags: number): Rounded => ({ bits: f.canonicalNaN, flags });
const nanFlags = (...ds: Decoded[]) => (ds.some((d) => d.kind === 'snan') ? NV : 0);

/** sign × sig × 2^exp exactly, with the sign of an exact zero result given. */
function finish(sign: boolean, sig: bigint, exp: number, f: Format, rm: number, zeroSign: boolean): Rounded {
  if (sig === 0n) return { bits: encodeZero(zeroSign, f), flags: 0 };
  return round(sign, sig, exp, f, rm);
}

/** a + b, both finite or zero: exact signed sum. */
function sumFinite(a: Decoded, b: Decoded): [boolean, bigint, number] {
  if (a.kind === 'zero') return [b.sign, b.sig, b.exp];
  if (b.kind === 'zero') return [a.sign, a.sig, a.exp];
  const exp = Math.min(a.exp, b.exp);
  const x = (a.sign ? -1n : 1n) * (a.sig << BigInt(a.exp - exp));
  const y = (b.sign ? -1n : 1n) * (b.sig << BigInt(b.exp - exp));
  const s = x + y;
  return [s < 0n, s < 0n ? -s : s, exp];
}

export function add(x: bigint, y: bigint, f: Format, rm: number, negateB = false): Rounded {
  const a = decode(x, f);
  let b = decode(y, f);
  if (negateB) b = { ...b, sign: !b.sign };
  if (isNan(a) || isNan(b)) return nan(f, nanFlags(a, b));
  if (a.kind === 'inf' || b.kind === 'inf') {
    if (a.kind === 'inf' && b.kind === 'inf' && a.sign !== b.sign) return nan(f, NV);
    return { bits: encodeInf(a.kind === 'inf' ? a.sign : b.sign, f), flags: 0 };
  }
  const [sign, sig, exp] = sumFinite(a, b);
  // An exact zero sum is +0, or -0 when rounding down or when both addends are -0.
  const zeroSign = a.kind === 'zero' && b.kind === 'zero' && a.sign === b.sign ? a.sign : rm === RDN;
  return finish(sign, sig, exp, f, rm, zeroSign);
}

export function mul(x: bigint, y: bigint, f: Format, rm: number): Rounded {
  const a = decode(x, f);
  const b = decode(y, f);
  if (isNan(a) || isNan(b)) return nan(f, nanFlags(a, b));
  const sign = a.sign !== b.sign;
  if (a.kind === 'inf' || b.kind === 'inf') {
    if (a.kind === 'zero' || b.kind === 'zero') return nan(f, NV);
    return { bits: encodeInf(sign, f), flags: 0 };
  }
  return finish(sign, a.sig * b.sig, a.exp + b.exp, f, rm, sign);
}

/** (a × b) + c with one rounding; `negateProduct` and `negateAddend` give FMSUB/FNMSUB/FNMADD. */
export function fma(
  x: bigint,
  y: bigint,
  z: bigint,
  f: Format,
  rm: number,
  negProduct: boolean,
  negAddend: boolean,
): Rounded {
  const a = decode(x, f);
  const b = decode(y, f);
  let c = decode(z, f);
  if (negAddend) c = { ...c, sign: !c.sign };
  const productSign = (a.sign !== b.sign) !== negProduct;
  const infTimesZero = (a.kind === 'inf' && b.kind === 'zero') || (a.kind === 'zero' && b.kind === 'inf');
  // RISC-V raises NV for ∞ × 0 even when the addend is a quiet NaN.
  if (infTimesZero) return nan(f, NV);
  if (isNan(a) || isNan(b) || isNan(c)) return nan(f, nanFlags(a, b, c));
  if (a.kind === 'inf' || b.kind === 'inf') {
    if (c.kind === 'inf' && c.sign !== productSign) return nan(f, NV);
    return { bits: encodeInf(productSign, f), flags: 0 };
  }
  if (c.kind === 'inf') return { bits: encodeInf(c.sign, f), flags: 0 };
  const productZero = a.kind === 'zero' || b.kind === 'zero';
  const product: Decoded = productZero
    ? { kind: 'zero', sign: productSign, sig: 0n, exp: 0 }
    : { kind: 'finite', sign: productSign, sig: a.sig * b.sig, exp: a.exp + b.exp };
  const [sign, sig, exp] = sumFinite(product, c);
  const zeroSign = productZero && c.kind === 'zero' && productSign === c.sign ? c.sign : rm === RDN;
  return finish(sign, sig, exp, f, rm, zeroSign);
}

export function div(x: bigint, y: bigint, f: Format, rm: number): Rounded {
  const a = decode(x, f);
  const b = decode(y, f);
  if (isNan(a) || isNan(b)) return nan(f, nanFlags(a, b));
  const sign = a.sign !== b.sign;
  if (a.kind === 'inf') return b.kind === 'inf' ? nan(f, NV) : { bits: encodeInf(sign, f), flags: 0 };
  if (b.kind === 'inf') return { bits: encodeZero(sign, f), flags: 0 };
  if (b.kind === 'zero') return a.kind === 'zero' ? nan(f, NV) : { bits: encodeInf(sign, f), flags: DZ };
  if (a.kind === 'zero') return { bits: encodeZero(sign, f), flags: 0 };
  // Enough quotient bits for p bits plus guard, then a sticky bit for any remainder.
  const k = 2 * f.p + 8 + Math.max(0, b.sig.toString(2).length - a.sig.toString(2).length);
  const n = a.sig << BigInt(k);
  const q = n / b.sig;
  const sticky = n % b.sig === 0n ? 0n : 1n;
  return round(sign, (q << 1n) | sticky, a.exp - b.exp - k - 1, f, rm);
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

export function sqrt(x: bigint, f: Format, rm: number): Rounded {
  const a = decode(x, f);
  if (isNan(a)) return nan(f, nanFlags(a));
  if (a.kind === 'zero') return { bits: x, flags: 0 };
  if (a.sign) return nan(f, NV);
  if (a.kind === 'inf') return { bits: x, flags: 0 };
  let k = 2 * f.p + 8;
  if ((a.exp - k) % 2 !== 0) k++;
  const n = a.sig << BigInt(k);
  const r = isqrt(n);
  const sticky = r * r === n ? 0n : 1n;
  return round(false, (r << 1n) | sticky, (a.exp - k) / 2 - 1, f, rm);
}

/** RISC-V FMIN/FMAX (IEEE 754-2019 minimumNumber/maximumNumber, -0 below +0). */
export function minMax(x: bigint, y: bigint, f: Format, max: boolean): Rounded {
  const a = decode(x, f);
  const b = decode(y, f);
  const flags = nanFlags(a, b);
  if (isNan(a) && isNan(b)) return nan(f, flags);
  if (isNan(a)) return { bits: y, flags };
  if (isNan(b)) return { bits: x, flags };
  const less = compare(a, b) < 0 || (a.kind === 'zero' && b.kind === 'zero' && a.sign && !b.sign);
  return { bits: less !== max ? x : y, flags };
}

/** -1, 0 or 1 for ordered operands (no NaNs). */
export function compare(a: Decoded, b: Decoded): number {
  const value = (d: Decoded): [number, bigint, number] =>
    d.kind === 'zero'
      ? [0, 0n, 0]
      : d.kind === 'inf'
        ? [d.sign ? -1 : 1, 0n, Infinity]
        : [d.sign ? -1 : 1, d.sig, d.exp];
  const [sa, ma, ea] = value(a);
  const [sb, mb, eb] = value(b);
  if (sa !== sb) return sa < sb ? -1 : 1;
  if (sa === 0) return 0;
  if (ea === Infinity || eb === Infinity) return ea === eb ? 0 : (ea === Infinity ? 1 : -1) * sa;
  const e = Math.min(ea, eb);
  const x = ma << BigInt(ea - e);
  const y = mb << BigInt(eb - e);
  return (x === y ? 0 : x < y ? -1 : 1) * sa;
}
