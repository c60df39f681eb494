import type { RegisterLayout } from '@arm64kit/core';

/**
 * The RV64 register file as 64-bit slots (see core's `Cpu`: slot i is bytes [8i, 8i+8)).
 *
 * x0–x31 are slots 0–31; slot 0 exists so that register numbers are slot numbers, but the lifter
 * never reads or writes it (x0 reads as zero). f0–f31 hold their 64-bit contents, singles NaN-boxed
 * (upper 32 bits all ones). `fcsr` keeps fflags in bits 4:0 and frm in bits 7:5, as the CSR does.
 * The reservation of LR/SC is the address and value LR read (NO_RESERVATION when none).
 */
export const X = (n: number): number => n;
export const RA = 1;
export const SP = 2;
export const TP = 4;
export const PC = 32;
export const F_BASE = 33;
export const F = (n: number): number => F_BASE + n;
export const FCSR = F_BASE + 32;
export const RES_ADDR = FCSR + 1;
export const RES_VALUE = FCSR + 2;
export const SLOT_COUNT = FCSR + 3;

/** An address no LR can reserve. */
export const NO_RESERVATION = (1n << 64n) - 1n;

function names(): string[] {
  const list: string[] = [];
  for (let i = 0; i < 32; i++) list.push(`x${i}`);
  list.push('pc');
  for (let i = 0; i < 32; i++) list.push(`f${i}`);
  list.push('fcsr', 'res_addr', 'res_value');
  return list;
}

export const registerLayout: RegisterLayout = { names: names(), pc: PC, sp: SP, threadPointer: TP };
