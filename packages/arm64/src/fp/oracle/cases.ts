/**
 * Test-case generation for the FP oracle comparison: special values (zeros, infinities, quiet and
 * signalling NaNs, denormals, extremes, values near rounding boundaries) mixed with random bit
 * patterns and with operand pairs chosen to make sums cancel and products land near the
 * overflow/underflow thresholds.
 */

export class Rng {
  private s: bigint;
  constructor(seed: number) {
    this.s = BigInt(seed) * 0x9e3779b97f4a7c15n + 1n;
  }
  /** xorshift64* */
  next64(): bigint {
    let x = this.s;
    x ^= x >> 12n;
    x ^= (x << 25n) & 0xffffffffffffffffn;
    x ^= x >> 27n;
    this.s = x;
    return (x * 0x2545f4914f6cdd1dn) & 0xffffffffffffffffn;
  }
  int(n: number): number {
    return Number(this.next64() % BigInt(n));
  }
  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)];
  }
}

export interface Fmt {
  bits: number;
  e: number;
  f: number;
}
export const D: Fmt = { bits: 64, e: 11, f: 52 };
export const S: Fmt = { bits: 32, e: 8, f: 23 };
export const H: Fmt = { bits: 16, e: 5, f: 10 };

function make(fmt: Fmt, sign: number, exp: bigint, frac: bigint): bigint {
  return (BigInt(sign) << BigInt(fmt.bits - 1)) | (exp << BigInt(fmt.f)) | frac;
}

export function specials(fmt: Fmt): bigint[] {
  const F = BigInt(fmt.f);
  const maxE = (1n << BigInt(fmt.e)) - 1n;
  const fracMax = (1n << F) - 1n;
  const bias = (1n << BigInt(fmt.e - 1)) - 1n;
  const out: bigint[] = [];
  for (const s of [0, 1]) {
    out.push(
      make(fmt, s, 0n, 0n), // zero
      make(fmt, s, 0n, 1n), // smallest denormal
      make(fmt, s, 0n, fracMax), // largest denormal
      make(fmt, s, 0n, 1n << (F - 1n)),
      make(fmt, s, 1n, 0n), // smallest normal
      make(fmt, s, maxE - 1n, fracMax), // largest normal
      make(fmt, s, maxE - 1n, 0n),
      make(fmt, s, maxE, 0n), // infinity
      make(fmt, s, maxE, 1n << (F - 1n)), // default-like quiet NaN
      make(fmt, s, maxE, (1n << (F - 1n)) | 0x15n), // quiet NaN with payload
      make(fmt, s, maxE, 1n), // signalling NaN
      make(fmt, s, maxE, 0x2an), // signalling NaN with payload
      make(fmt, s, bias, 0n), // 1.0
      make(fmt, s, bias, 1n), // 1 + ulp
      make(fmt, s, bias - 1n, fracMax), // 1 - ulp/2
      make(fmt, s, bias - 1n, 0n), // 0.5
      make(fmt, s, bias + 1n, 1n << (F - 1n)), // 3.0
      make(fmt, s, bias, 1n << (F - 1n)), // 1.5
      make(fmt, s, bias + 1n, 1n << (F - 2n)), // 2.5
      make(fmt, s, bias + BigInt(fmt.f), 1n), // 2^f + 1 (integers near the precision limit)
      make(fmt, s, bias + 31n, 0n), // 2^31
      make(fmt, s, bias + 31n, fracMax), // just below 2^32
      make(fmt, s, bias + 63n, 0n), // 2^63
      make(fmt, s, bias + 64n, 0n), // 2^64
    );
  }
  return out.filter((v) => v < 1n << BigInt(fmt.bits));
}

/** A random value: mostly finite with a random exponent, sometimes special, sometimes raw bits. */
export function randomValue(rng: Rng, fmt: Fmt): bigint {
  const r = rng.int(10);
  const mask = (1n << BigInt(fmt.bits)) - 1n;
  if (r === 0) return rng.pick(specials(fmt));
  if (r === 1) return rng.next64() & mask;
  const bias = (1 << (fmt.e - 1)) - 1;
  // exponents clustered around 1.0 and around the extremes
  const maxE = (1 << fmt.e) - 2;
  const e =
    r < 7
      ? bias - 8 + rng.int(17)
      : r === 7
        ? 1 + rng.int(fmt.f + 2)
        : r === 8
          ? maxE - rng.int(fmt.f + 2)
          : rng.int(maxE) + 1;
  let frac = rng.next64() & ((1n << BigInt(fmt.f)) - 1n);
  // short fractions make exact results and ties likely
  if (rng.int(3) === 0) frac &= ~((1n << BigInt(rng.int(fmt.f))) - 1n);
  return make(fmt, rng.int(2), BigInt(Math.max(1, Math.min(maxE, e))), frac);
}

/** Integer operand for int-to-FP conversions: values around powers of two and random. */
export function randomInt(rng: Rng, width: number): bigint {
  const mask = (1n << BigInt(width)) - 1n;
  const r = rng.int(4);
  if (r === 0) return rng.next64() & mask;
  const k = BigInt(rng.int(width));
  const base = 1n << k;
  const delta = BigInt(rng.int(9)) - 4n;
  const v = r === 1 ? -(base + delta) : base + delta + (rng.next64() & (base - 1n) & ~0xffn);
  return v & mask;
}

/** FPCR values tried for every case: each rounding mode, plus FZ and DN combinations. */
export const FPCRS = [
  0,
  1 << 22,
  2 << 22,
  3 << 22,
  1 << 24,
  1 << 25,
  (1 << 24) | (1 << 25) | (3 << 22),
  (1 << 26) | (2 << 22),
];
