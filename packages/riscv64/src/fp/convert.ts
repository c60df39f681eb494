import {
  type Decoded,
  decode,
  encodeInf,
  encodeZero,
  type Format,
  isNan,
  NV,
  NX,
  type Rounded,
  round,
} from './format.js';
import { compare } from './ops.js';

/** Rounds a finite value to an integer by `rm`; returns the integer and whether it was inexact. */
function toInteger(d: Decoded, rm: number): [bigint, boolean] {
  if (d.kind === 'zero') return [0n, false];
  if (d.exp >= 0) return [(d.sign ? -1n : 1n) * (d.sig << BigInt(d.exp)), false];
  const shift = BigInt(-d.exp);
  let q = d.sig >> shift;
  const rest = d.sig & ((1n << shift) - 1n);
  const half = 1n << (shift - 1n);
  let up = false;
  if (rest !== 0n) {
    if (rm === 0) up = rest > half || (rest === half && (q & 1n) === 1n);
    else if (rm === 4) up = rest >= half;
    else if (rm === 2) up = d.sign;
    else if (rm === 3) up = !d.sign;
  }
  if (up) q += 1n;
  return [(d.sign ? -1n : 1n) * q, rest !== 0n];
}

/** FCVT.{W,WU,L,LU}: the integer as the low `width` bits, with RISC-V's saturation and flags. */
export function floatToInt(
  x: bigint,
  f: Format,
  rm: number,
  width: 32 | 64,
  signed: boolean,
): { value: bigint; flags: number } {
  const d = decode(x, f);
  const min = signed ? -(1n << BigInt(width - 1)) : 0n;
  const max = signed ? (1n << BigInt(width - 1)) - 1n : (1n << BigInt(width)) - 1n;
  if (isNan(d)) return { value: max, flags: NV };
  if (d.kind === 'inf') return { value: d.sign ? min : max, flags: NV };
  const [v, inexact] = toInteger(d, rm);
  if (v < min) return { value: min, flags: NV };
  if (v > max) return { value: max, flags: NV };
  return { value: v, flags: inexact ? NX : 0 };
}

/** FCVT.{S,D}.{W,WU,L,LU}: an integer value rounded to the format. */
export function intToFloat(v: bigint, f: Format, rm: number): Rounded {
  if (v === 0n) return { bits: encodeZero(false, f), flags: 0 };
  return round(v < 0n, v < 0n ? -v : v, 0, f, rm);
}

/** FCVT.S.D and FCVT.D.S: NaNs become the canonical NaN (NV for a signaling one). */
export function convertFormat(x: bigint, from: Format, to: Format, rm: number): Rounded {
  const d = decode(x, from);
  if (isNan(d)) return { bits: to.canonicalNaN, flags: d.kind === 'snan' ? NV : 0 };
  if (d.kind === 'inf') return { bits: encodeInf(d.sign, to), flags: 0 };
  if (d.kind === 'zero') return { bits: encodeZero(d.sign, to), flags: 0 };
  return round(d.sign, d.sig, d.exp, to, rm);
}

/** FEQ (quiet: NV only for signaling NaNs), FLT and FLE (signaling: NV for any NaN). */
export function compareOp(
  x: bigint,
  y: bigint,
  f: Format,
  op: 'eq' | 'lt' | 'le',
): { value: bigint; flags: number } {
  const a = decode(x, f);
  const b = decode(y, f);
  if (isNan(a) || isNan(b)) {
    const signaling = op !== 'eq' || a.kind === 'snan' || b.kind === 'snan';
    return { value: 0n, flags: signaling ? NV : 0 };
  }
  const c = compare(a, b);
  const r = op === 'eq' ? c === 0 : op === 'lt' ? c < 0 : c <= 0;
  return { value: r ? 1n : 0n, flags: 0 };
}

/** FCLASS: one bit of ten, from -∞ (bit 0) to quiet NaN (bit 9). */
export function classify(x: bigint, f: Format): bigint {
  const d = decode(x, f);
  if (d.kind === 'snan') return 1n << 8n;
  if (d.kind === 'qnan') return 1n << 9n;
  const subnormal = d.kind === 'finite' && d.sig < 1n << BigInt(f.p - 1);
  const index = d.kind === 'inf' ? 0 : d.kind === 'zero' ? 3 : subnormal ? 2 : 1;
  return 1n << BigInt(d.sign ? index : 7 - index);
}
