/**
 * IEEE 754 binary32 and binary64 as exact values: a decoded operand is sign × sig × 2^exp with an
 * integer significand, so every operation can be done exactly in BigInt and rounded once.
 */
export interface Format {
  /** Precision in bits, the hidden bit included. */
  readonly p: number;
  readonly expBits: number;
  /** Smallest normal exponent (unbiased) and largest. */
  readonly emin: number;
  readonly emax: number;
  readonly canonicalNaN: bigint;
}

export const SINGLE: Format = { p: 24, expBits: 8, emin: -126, emax: 127, canonicalNaN: 0x7fc00000n };
export const DOUBLE: Format = {
  p: 53,
  expBits: 11,
  emin: -1022,
  emax: 1023,
  canonicalNaN: 0x7ff8000000000000n,
};

/** fflags bits. */
export const NV = 16;
export const DZ = 8;
export const OF = 4;
export const UF = 2;
export const NX = 1;

export type Kind = 'zero' | 'finite' | 'inf' | 'qnan' | 'snan';

export interface Decoded {
  readonly kind: Kind;
  readonly sign: boolean;
  /** For finite values: value = sig × 2^exp, sig > 0. */
  readonly sig: bigint;
  readonly exp: number;
}

const width = (f: Format) => f.p + f.expBits;

/** Decodes the low bits of `bits` (already unboxed for singles). */
export function decode(bits: bigint, f: Format): Decoded {
  const w = width(f);
  const sign = ((bits >> BigInt(w - 1)) & 1n) === 1n;
  const mantBits = f.p - 1;
  const mant = bits & ((1n << BigInt(mantBits)) - 1n);
  const e = Number((bits >> BigInt(mantBits)) & ((1n << BigInt(f.expBits)) - 1n));
  const bias = f.emax;
  if (e === (1 << f.expBits) - 1) {
    if (mant === 0n) return { kind: 'inf', sign, sig: 0n, exp: 0 };
    const quiet = (mant >> BigInt(mantBits - 1)) & 1n;
    return { kind: quiet ? 'qnan' : 'snan', sign, sig: 0n, exp: 0 };
  }
  if (e === 0) {
    if (mant === 0n) return { kind: 'zero', sign, sig: 0n, exp: 0 };
    return { kind: 'finite', sign, sig: mant, exp: f.emin - mantBits };
  }
  return { kind: 'finite', sign, sig: mant | (1n << BigInt(mantBits)), exp: e - bias - mantBits };
}

export const isNan = (d: Decoded) => d.kind === 'qnan' || d.kind === 'snan';

export function encodeInf(sign: boolean, f: Format): bigint {
  return ((sign ? 1n : 0n) << BigInt(width(f) - 1)) | (((1n << BigInt(f.expBits)) - 1n) << BigInt(f.p - 1));
}

export function encodeZero(sign: boolean, f: Format): bigint {
  return (sign ? 1n : 0n) << BigInt(width(f) - 1);
}

function bitLength(v: bigint): number {
  return v.toString(2).length;
}

/** Rounding modes as frm numbers them. */
export const RNE = 0;
export const RTZ = 1;
export const RDN = 2;
export const RUP = 3;
export const RMM = 4;

/** sig >> shift rounded by `rm` (shift > 0); returns the rounded value and whether it was inexact. */
function shiftRound(sig: bigint, shift: number, rm: number, sign: boolean): [bigint, boolean] {
  if (shift <= 0) return [sig << BigInt(-shift), false];
  const s = BigInt(shift);
  const kept = sig >> s;
  const rest = sig & ((1n << s) - 1n);
  if (rest === 0n) return [kept, false];
  const half = 1n << (s - 1n);
  let up: boolean;
  switch (rm) {
    case RNE:
      up = rest > half || (rest === half && (kept & 1n) === 1n);
      break;
    case RMM:
      up = rest >= half;
      break;
    case RTZ:
      up = false;
      break;
    case RDN:
      up = sign;
      break;
    default:
      up = !sign;
  }
  return [up ? kept + 1n : kept, true];
}

export interface Rounded {
  readonly bits: bigint;
  readonly flags: number;
}

/**
 * Rounds sign × sig × 2^exp (sig > 0) to format `f` with mode `rm`: overflow to infinity or the
 * largest finite value as the mode says, subnormals, and RISC-V's flags (tininess after rounding).
 */
export function round(sign: boolean, sig: bigint, exp: number, f: Format, rm: number): Rounded {
  const p = f.p;
  const e = exp + bitLength(sig) - 1;
  // Tininess after rounding: round to p bits with an unbounded exponent range first.
  const [unbounded] = shiftRound(sig, e - (p - 1) - exp, rm, sign);
  const roundedExp = unbounded >> BigInt(p) !== 0n ? e + 1 : e;
  const tiny = roundedExp < f.emin;
  const q = Math.max(e, f.emin) - (p - 1);
  let [kept, inexact] = shiftRound(sig, q - exp, rm, sign);
  let quantum = q;
  if (kept >> BigInt(p) !== 0n) {
    kept >>= 1n;
    quantum++;
  }
  let flags = inexact ? NX : 0;
  if (tiny && inexact) flags |= UF;
  if (kept === 0n) return { bits: encodeZero(sign, f), flags };
  const topExp = quantum + bitLength(kept) - 1;
  if (topExp > f.emax) {
    const toInf = rm === RNE || rm === RMM || (rm === RUP && !sign) || (rm === RDN && sign);
    const largest = (((1n << BigInt(f.expBits)) - 2n) << BigInt(p - 1)) | ((1n << BigInt(p - 1)) - 1n);
    const bits = toInf ? encodeInf(sign, f) : encodeZero(sign, f) | largest;
    return { bits, flags: flags | OF | NX };
  }
  const hidden = 1n << BigInt(p - 1);
  const biased = kept >= hidden ? BigInt(topExp + f.emax) : 0n;
  const bits = encodeZero(sign, f) | (biased << BigInt(p - 1)) | (kept & (hidden - 1n));
  return { bits, flags };
}
