/** Parameters of the IEEE 754 binary formats AArch64 uses. */
export interface FPFormat {
  /** Total width in bits. */
  readonly n: 16 | 32 | 64;
  /** Exponent field width. */
  readonly e: number;
  /** Fraction field width. */
  readonly f: number;
  readonly bias: number;
  /** Same values as bigints for the exact (BigInt) paths. */
  readonly fracMask: bigint;
  readonly expMax: bigint;
  readonly signBit: bigint;
  readonly quietBit: bigint;
  readonly defaultNaN: bigint;
}

function format(n: 16 | 32 | 64, e: number, f: number): FPFormat {
  const fb = BigInt(f);
  return {
    n,
    e,
    f,
    bias: (1 << (e - 1)) - 1,
    fracMask: (1n << fb) - 1n,
    expMax: (1n << BigInt(e)) - 1n,
    signBit: 1n << BigInt(n - 1),
    quietBit: 1n << (fb - 1n),
    // sign 0, exponent all ones, top fraction bit set: FPDefaultNaN()
    defaultNaN: (((1n << BigInt(e)) - 1n) << fb) | (1n << (fb - 1n)),
  };
}

export const HALF: FPFormat = format(16, 5, 10);
export const SINGLE: FPFormat = format(32, 8, 23);
export const DOUBLE: FPFormat = format(64, 11, 52);

export function formatOfSize(n: number): FPFormat {
  return n === 16 ? HALF : n === 32 ? SINGLE : DOUBLE;
}
