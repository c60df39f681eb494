import type { Architecture, CodeReader, IrBlock } from '@arm64kit/core';
import { cpuInfoText } from './cpuinfo.js';
import { HWCAP } from './isa.js';
import { liftBlock } from './lift/block.js';
import { riscv64SignalFrames } from './signal-frame.js';
import { NO_RESERVATION, RES_ADDR, registerLayout } from './state.js';

/** ELF e_machine of RISC-V. */
export const EM_RISCV = 243;

/** What the kernel reports for RV64GC: the bits of I, M, A, F, D and C. */
export const HWCAP_RV64GC = HWCAP;

/** RISC-V RV64GC (little-endian, Linux user mode, the LP64D ABI). */
export const riscv64: Architecture = {
  name: 'riscv64',
  elfMachine: EM_RISCV,
  elfClass: 64,
  pageSize: 4096,
  // The riscv kernel sets no AT_PLATFORM; glibc does not look for one.
  platform: 'riscv64',
  hwcap: HWCAP_RV64GC,
  hwcap2: 0n,
  cpuInfo: cpuInfoText,
  stackAlignment: 16,
  registers: registerLayout,
  // Linux riscv: number in a7 (x17), arguments in a0–a5 (x10–x15), result in a0. asm-generic
  // numbers and open flags; struct sigaction without sa_restorer (24 bytes).
  syscalls: {
    table: 'asm-generic',
    number: 17,
    args: [10, 11, 12, 13, 14, 15],
    result: 10,
    sigactionSize: 24,
    instructionBytes: 4,
  },
  lift(code: CodeReader, pc: bigint): IrBlock {
    return liftBlock(code, pc);
  },
  // Linux starts a process with every register zero (core has set PC and SP); no LR reservation.
  startProcess(cpu): void {
    cpu.set(RES_ADDR, NO_RESERVATION);
  },
  signals: riscv64SignalFrames,
};
