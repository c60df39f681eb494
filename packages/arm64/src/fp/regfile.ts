/**
 * The views of a register file the FP/SIMD operations work on. Core's `Cpu` has exactly these
 * (slot i = bytes [8i, 8i+8)), and tests build one over a small buffer with `scratchRegisterFile`.
 *
 * Indexing conventions used by every operation in this package:
 * - a double (or any 64-bit lane) is addressed by its slot: `regs[i]` / `f64[i]`;
 * - a single (or any 32-bit lane) by its 32-bit index: `regs32[i]` / `f32[i]` (slot * 2 + lane);
 * - a half by its 16-bit index (slot * 4 + lane), reached through `u8`.
 */
export interface RegisterFile {
  regs: BigUint64Array;
  regs32: Int32Array;
  f64: Float64Array;
  f32: Float32Array;
  u8: Uint8Array;
}

export function scratchRegisterFile(slots: number): RegisterFile {
  const buffer = new ArrayBuffer(slots * 8);
  return {
    regs: new BigUint64Array(buffer),
    regs32: new Int32Array(buffer),
    f64: new Float64Array(buffer),
    f32: new Float32Array(buffer),
    u8: new Uint8Array(buffer),
  };
}

export function getHalf(rf: RegisterFile, i: number): number {
  return rf.u8[2 * i] | (rf.u8[2 * i + 1] << 8);
}

export function setHalf(rf: RegisterFile, i: number, v: number): void {
  rf.u8[2 * i] = v & 0xff;
  rf.u8[2 * i + 1] = (v >>> 8) & 0xff;
}
