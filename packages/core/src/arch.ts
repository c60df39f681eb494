/**
 * The seam between core and a guest architecture. Core owns memory, the ELF loader, the initial
 * stack, Linux syscalls and IR execution; an `Architecture` supplies identity, the register file
 * layout, the syscall convention and `lift`, the only place instruction semantics live.
 * A new architecture is a new package implementing this interface; nothing in core changes.
 */
import type { Cpu } from './cpu/cpu.js';
import type { IrBlock } from './ir/types.js';
import type { GuestMemory } from './memory/types.js';

/** Named 64-bit register slots; slot `i` is `names[i]`. */
export interface RegisterLayout {
  /** One name per slot, e.g. `x0`…`x30`, `sp`, `pc`, `nzcv`, `tpidr_el0`, `v0.lo`, `v0.hi`, …. */
  readonly names: readonly string[];
  /** Slot of the program counter (core stores each block's exit target here). */
  readonly pc: number;
  /** Slot of the stack pointer (core sets it at process start). */
  readonly sp: number;
  /** Slot of the thread pointer that clone's CLONE_SETTLS sets (`tpidr_el0`, `tp`). */
  readonly threadPointer?: number;
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
  /**
   * Whether the kernel has the tagged address ABI's prctl (PR_{GET,SET}_TAGGED_ADDR_CTRL), as
   * arm64 does; elsewhere those calls are EINVAL.
   */
  readonly taggedAddressAbi?: boolean;
  /**
   * Length in bytes of the system call instruction (`svc #0`, `ecall`): an interrupted call is
   * restarted by stepping the PC back over it. Default 4.
   */
  readonly instructionBytes?: number;
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
  /**
   * True when other host threads may access the memory at the same time (it is shared): then
   * exclusives, atomics and barriers must be lifted to the memory's atomic operations
   * (`compareExchange`, `atomicUpdate`, `fence`). When false, one host thread runs every guest
   * thread of the memory, and plain loads and stores are already atomic and ordered. A lifter
   * reads it only for an instruction whose lifting depends on it: a block lifted without asking
   * serves memories of both kinds (the run's translation cache notes whether it asked).
   */
  readonly shared?: boolean;
  /**
   * The little-endian 16-bit parcel at a 2-aligned `pc`, for instruction sets with compressed
   * encodings (RISC-V C): a 32-bit instruction there is two parcels, possibly on two pages.
   * Faults and marks code pages as `fetch32` does.
   */
  fetch16(pc: bigint): number;
  /** True when `fetch16(pc)` would succeed. */
  canFetch16(pc: bigint): boolean;
}

/** Register values at process entry that core has computed. */
export interface ProcessStart {
  readonly entry: bigint;
  readonly stackPointer: bigint;
}

/** `stack_t`: an alternate signal stack as sigaltstack(2) and `uc_stack` describe it. */
export interface AltStack {
  readonly sp: bigint;
  /** SS_ONSTACK (1), SS_DISABLE (2), possibly with SS_AUTODISARM (1 << 31). */
  readonly flags: number;
  readonly size: bigint;
}

/** What core asks an architecture to put in a signal frame; core has made every decision. */
export interface SignalFrameRequest {
  readonly signo: number;
  /** The handler's address (`sa_handler` / `sa_sigaction`). */
  readonly handler: bigint;
  /** SA_SIGINFO: pass (signo, &siginfo, &ucontext) and copy `siginfo` into the frame. */
  readonly withInfo: boolean;
  /** `siginfo_t` (128 bytes) as core encoded it. */
  readonly siginfo: Uint8Array;
  /** Where the handler returns to: `sa_restorer`, or core's trampoline running `trampoline`. */
  readonly restorer: bigint;
  /** The frame goes below this address: the interrupted stack pointer or the alternate stack's top. */
  readonly stackTop: bigint;
  /** The PC the interrupted code resumes at: the faulting instruction, or the one after a syscall. */
  readonly resumePc: bigint;
  /** The signal mask rt_sigreturn restores (`uc_sigmask`). */
  readonly mask: bigint;
  /** `uc_stack`: the alternate stack as it was when the signal arrived. */
  readonly altStack: AltStack;
  /** The faulting data address for SIGSEGV/SIGBUS (the context's fault address), else 0. */
  readonly faultAddress: bigint;
}

/** What rt_sigreturn found in the frame, besides the registers it restored. */
export interface SignalFrameReturn {
  readonly mask: bigint;
  readonly altStack: AltStack;
}

/**
 * An architecture's signal frames (`struct rt_sigframe`): how the kernel saves the interrupted
 * context on the stack, enters a handler, and restores the context in rt_sigreturn.
 */
export interface SignalFrames {
  /**
   * Machine code that calls rt_sigreturn; core maps it once (read+execute) and uses it as the
   * return address of handlers installed without SA_RESTORER, as the kernel's vDSO trampoline.
   */
  readonly trampoline: Uint8Array;
  /** MINSIGSTKSZ: the smallest alternate stack sigaltstack accepts. */
  readonly minStackSize: number;
  /**
   * Saves the interrupted context (the registers as they are, with `resumePc` as the PC) in a new
   * frame below `stackTop`, then sets the registers to enter the handler. Throws `GuestFault`
   * when the frame cannot be written; registers are unchanged then.
   */
  pushFrame(cpu: Cpu, memory: GuestMemory, request: SignalFrameRequest): void;
  /**
   * rt_sigreturn: restores the registers from the frame at the stack pointer. Returns null, with
   * registers unspecified, when the frame is not one this architecture would have written.
   */
  popFrame(cpu: Cpu, memory: GuestMemory): SignalFrameReturn | null;
}

export interface Architecture {
  /** Short name, as `uname -m` prints it: `aarch64`. */
  readonly name: string;
  /**
   * Which of the architecture's variants this is, when it has several that lift differently (a
   * CPU profile): with `name`, what a CPU worker asks its loader for to lift as this one does.
   */
  readonly variant?: string;
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
  /**
   * The text of /proc/cpuinfo for `processors` CPUs, in this architecture's format and matching
   * what AT_HWCAP/AT_HWCAP2 advertise. Without it /proc/cpuinfo lists only the processors.
   */
  cpuInfo?(processors: number): string;
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

  /** Signal frames; without them a signal with a handler ends the guest as if unhandled. */
  readonly signals?: SignalFrames;
}
