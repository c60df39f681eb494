import type { RegisterLayout } from '@arm64kit/core';

/**
 * The AArch64 register file as 64-bit slots (see core's `Cpu`: slot i is bytes [8i, 8i+8)).
 *
 * Register number 31 means XZR or SP depending on the instruction; SP is slot 31 so that the
 * "SP" reading of register 31 is simply slot 31. NZCV is kept split into four slots, in QEMU's
 * form, so that flag-setting instructions store values they already have and conditions are single
 * comparisons: N is FLAG_N < 0 (signed), Z is FLAG_Z == 0, C is FLAG_C (0 or 1), V is FLAG_V < 0.
 * MRS/MSR NZCV pack and unpack it (see LiftContext). Each vector register V0–V31 is two slots (low, high 64 bits),
 * starting at an even slot so that a Q register is 16-byte aligned in the register file.
 */

/** X0–X30 are slots 0–30. */
export const X = (n: number): number => n;
export const SP = 31;
export const PC = 32;
export const FLAG_N = 33;
export const FLAG_Z = 34;
export const FLAG_C = 35;
export const FLAG_V = 36;
export const TPIDR_EL0 = 37;
export const FPCR = 38;
export const FPSR = 39;
/** Exclusive monitor: the address LDXR/LDAXR/LDXP marked (NO_EXCLUSIVE when none) and what it read. */
export const EXCL_ADDR = 40;
export const EXCL_LO = 41;
export const EXCL_HI = 42;
/** Size in bytes of the marked access (for LDXP: of the pair). */
export const EXCL_SIZE = 43;
/** V0–V31: slot VEC_BASE + 2n is bits 63:0 of Vn, VEC_BASE + 2n + 1 bits 127:64. */
export const VEC_BASE = 44;
export const vLo = (n: number): number => VEC_BASE + 2 * n;
export const vHi = (n: number): number => VEC_BASE + 2 * n + 1;
/** PSTATE bits other than NZCV that EL0 may set: SSBS (bit 12) and DIT (bit 24), as PSTATE shows them. */
export const PSTATE_BITS = VEC_BASE + 64;
export const PSTATE_SSBS = 1n << 12n;
export const PSTATE_DIT = 1n << 24n;
export const SLOT_COUNT = VEC_BASE + 65;

/** An address no exclusive access can use, meaning "the monitor is open". */
export const NO_EXCLUSIVE = (1n << 64n) - 1n;

function names(): string[] {
  const list: string[] = [];
  for (let i = 0; i <= 30; i++) list.push(`x${i}`);
  list.push('sp', 'pc', 'nf', 'zf', 'cf', 'vf', 'tpidr_el0', 'fpcr', 'fpsr');
  list.push('excl_addr', 'excl_lo', 'excl_hi', 'excl_size');
  for (let i = 0; i < 32; i++) list.push(`v${i}.lo`, `v${i}.hi`);
  list.push('pstate');
  return list;
}

export const registerLayout: RegisterLayout = {
  names: names(),
  pc: PC,
  sp: SP,
  threadPointer: names().indexOf('tpidr_el0'),
};
