/**
 * DecodeBitMasks of the Arm ARM: the immediate of the logical (immediate) instructions and the
 * masks of the bitfield instructions, computed when lifting.
 */

export interface BitMasks {
  /** The element pattern rotated by immr and replicated to the register width. */
  readonly wmask: bigint;
  /** Mask of the low (imms - immr + 1) bits of each element, replicated (used by bitfield moves). */
  readonly tmask: bigint;
}

function ones(n: number): bigint {
  return (1n << BigInt(n)) - 1n;
}

function rotateRight(v: bigint, r: number, width: number): bigint {
  if (r === 0) return v;
  const w = BigInt(width);
  const rr = BigInt(r);
  return ((v >> rr) | (v << (w - rr))) & ones(width);
}

function replicate(v: bigint, esize: number, width: number): bigint {
  let out = 0n;
  for (let i = 0; i < width; i += esize) out |= v << BigInt(i);
  return out;
}

/**
 * Returns undefined for the reserved encodings (no element size, or for logical immediates an
 * all-ones element, which would make the immediate all ones or all zeros).
 */
export function decodeBitMasks(
  n: number,
  imms: number,
  immr: number,
  logicalImmediate: boolean,
  width: 32 | 64,
): BitMasks | undefined {
  const combined = (n << 6) | (~imms & 0x3f);
  if (combined === 0) return undefined;
  const len = 31 - Math.clz32(combined);
  if (len < 1) return undefined;
  const esize = 1 << len;
  if (esize > width) return undefined;
  const levels = esize - 1;
  if (logicalImmediate && (imms & levels) === levels) return undefined;
  const s = imms & levels;
  const r = immr & levels;
  const d = (s - r) & levels;
  const welem = ones(s + 1);
  const telem = ones(d + 1);
  return {
    wmask: replicate(rotateRight(welem, r, esize), esize, width),
    tmask: replicate(telem, esize, width),
  };
}
