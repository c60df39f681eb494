/**
 * The seam between core and a guest architecture. Core owns memory, the ELF loader, the initial
 * stack, Linux syscalls and IR execution; an `Architecture` supplies identity, the register file
 * layout, the syscall convention and `lift`, the only place instruction semantics live.
 * A new architecture is a new package implementing this interface; nothing in core changes.
 */
import type { Cpu } from './cpu/cpu.js';
import type { IrBlock } from './ir/types.js';

/** Named 64-bit register slots; slot `i` is `names[i]`. */
export interface RegisterLayout {
  /** One name per slot, e.g. `x0`…`x30`, `sp`, `pc`, `nzcv`, `tpidr_el0`, `v0.lo`, `v0.hi`, …. */
  readonly names: readonly string[];
  /** Slot of the program counter (core stores each block's exit target here). */
  readonly pc: number;
  /** Slot of the stack pointer (core sets it at process start). */
  readonly sp: number;
}

/** Where a system call finds its number and arguments and leaves its result (register slots). */
export interface SyscallConvention {
  /** Which Linux syscall table the numbers come from. aarch64 and riscv64 use asm-generic. */
  readonly table: 'asm-generic';
  readonly number: number;
  /** Up to six argument slots, in order. */
  readonly args: readonly number[];
  readonly result: number;
  /**
   * Values of the open(2) flags that some architectures number differently from asm-generic
   * (aarch64: directory 0o40000, nofollow 0o100000, direct 0o200000, largefile 0o400000).
   * Omit for the asm-generic values.
   */
  readonly openFlags?: {
    readonly directory: number;
    readonly nofollow: number;
    readonly direct: number;
    readonly largefile: number;
  };
  /** Size of the kernel's `struct sigaction` (32 with sa_restorer, as on aarch64; 24 without). */
  readonly sigactionSize?: number;
}

/** Read access to guest code for the lifter. */
export interface CodeReader {
  /**
   * The little-endian 32-bit word at `pc`. Throws `GuestFault` (SIGSEGV) when the page is not
   * mapped executable; marks the page as holding lifted code, so writes to it invalidate blocks.
   */
  fetch32(pc: bigint): number;
  /** True when `fetch32(pc)` would succeed (lifters stop a block before an unfetchable word). */
  canFetch(pc: bigint): boolean;
}

/** Register values at process entry that core has computed. */
export interface ProcessStart {
  readonly entry: bigint;
  readonly stackPointer: bigint;
}

export interface Architecture {
  /** Short name, as `uname -m` prints it: `aarch64`. */
  readonly name: string;
  /** ELF `e_machine` (183 for AArch64) and class (64-bit only for now). */
  readonly elfMachine: number;
  readonly elfClass: 64;
  /** Guest page size in bytes (AT_PAGESZ). */
  readonly pageSize: number;
  /** AT_PLATFORM string. */
  readonly platform: string;
  /** AT_HWCAP and AT_HWCAP2. */
  readonly hwcap: bigint;
  readonly hwcap2: bigint;
  /** Required stack pointer alignment at process entry, in bytes. */
  readonly stackAlignment: number;
  readonly registers: RegisterLayout;
  readonly syscalls: SyscallConvention;

  /** Lifts the basic block starting at `pc` into IR. Must not have side effects on the guest. */
  lift(code: CodeReader, pc: bigint): IrBlock;

  /**
   * Sets registers for process entry. Core has already zeroed the register file and set the PC
   * and stack pointer slots; implement this only for anything else the ABI needs.
   */
  startProcess?(cpu: Cpu, start: ProcessStart): void;
}
