/**
 * The immediates of the 32-bit formats, sign-extended, as JS numbers. RISC-V scatters the bits of
 * B- and J-immediates so that the sign is always bit 31; reading them from the word is clearer than
 * a pattern letter per run.
 */
export const immI = (w: number): number => (w | 0) >> 20;
export const immS = (w: number): number => (((w | 0) >> 25) << 5) | ((w >>> 7) & 0x1f);
export const immB = (w: number): number =>
  (((w | 0) >> 31) << 12) | (((w >>> 7) & 1) << 11) | (((w >>> 25) & 0x3f) << 5) | (((w >>> 8) & 0xf) << 1);
export const immU = (w: number): number => (w & 0xfffff000) | 0;
export const immJ = (w: number): number =>
  (((w | 0) >> 31) << 20) |
  (((w >>> 12) & 0xff) << 12) |
  (((w >>> 20) & 1) << 11) |
  (((w >>> 21) & 0x3ff) << 1);

/** A signed offset as the i64 constant that adds it. */
export const imm64 = (v: number): bigint => BigInt.asUintN(64, BigInt(v));
