/**
 * The architecture-neutral IR a frontend lifts guest code into. One `IrBlock` per guest basic
 * block: a flat list of SSA instructions over typed temporaries, ending in exactly one exit.
 * Every operation maps onto one (or a few) WebAssembly i64/i32 instructions so that a wasm
 * backend can compile blocks directly; see README.md in this folder for the full contract.
 */

import type { Cpu } from '../cpu/cpu.js';
import type { AccessSize } from '../memory/types.js';
import type { FpFunction } from './fp.js';
import type { VectorOp } from './vector.js';

export type { AccessSize };

/** The two value types, as in WebAssembly. */
export type Ty = 'i32' | 'i64';

/**
 * An SSA temporary. `id` is unique within its block and assigned exactly once.
 * At run time an i64 is an unsigned bigint in [0, 2^64) and an i32 is a JS number in int32 range
 * (normalised with `| 0`); helpers receive and return values in that form.
 */
export interface Value {
  readonly id: number;
  readonly ty: Ty;
}

/** Two-operand arithmetic; both operands and the result have the same type. */
export type BinaryOp =
  | 'add'
  | 'sub'
  | 'mul'
  | 'and'
  | 'or'
  | 'xor'
  /** Shift counts are taken modulo the bit width, as in wasm. */
  | 'shl'
  | 'shr_u'
  | 'shr_s'
  | 'rotl'
  | 'rotr'
  /** Division never traps: x/0 = 0, MIN/-1 = MIN; x%0 = x, MIN%-1 = 0 (lifters adjust if needed). */
  | 'div_s'
  | 'div_u'
  | 'rem_s'
  | 'rem_u'
  /** High 64 bits of the 128-bit product (i64 only). */
  | 'mulh_s'
  | 'mulh_u';

/** Comparisons produce an i32 that is 0 or 1. */
export type CompareOp = 'eq' | 'ne' | 'lt_s' | 'lt_u' | 'le_s' | 'le_u' | 'gt_s' | 'gt_u' | 'ge_s' | 'ge_u';

/** One-operand ops on either type; `eqz` yields i32 0/1, the others keep the operand type. */
export type UnaryOp = 'clz' | 'ctz' | 'popcnt' | 'eqz';

/**
 * Conversions. `wrap` i64→i32 (low half); `extend_u`/`extend_s` i32→i64;
 * `extend8_s`/`extend16_s` keep the operand type (i32 or i64) and sign-extend the low bits;
 * `extend32_s` is i64→i64 sign extension of the low 32 bits.
 */
export type ConvertOp = 'wrap' | 'extend_u' | 'extend_s' | 'extend8_s' | 'extend16_s' | 'extend32_s';

/**
 * A JS function the IR calls for work that does not belong in the IR (FP, SIMD, system registers,
 * cache maintenance...). It gets the CPU (register file views + guest memory) and the argument
 * values; it returns an i64 (bigint), an i32 (number) or nothing, as declared at the call site.
 * It may read and write any register slot and guest memory, and may throw a `GuestSignal`
 * to end the guest (for example SIGILL for an unsupported system register).
 */
// biome-ignore lint/suspicious/noExplicitAny: helpers declare their own argument types
// biome-ignore lint/suspicious/noConfusingVoidType: helpers that return nothing are declared `=> void`
export type Helper = (cpu: Cpu, ...args: any[]) => bigint | number | undefined | void;

export type IrInst =
  /** Marks the start of guest instruction `pc` (for fault reports, counting and debugging). */
  | { readonly op: 'insn'; readonly pc: bigint; readonly encoding: number }
  /** i64: bigint in [0, 2^64); i32: number in int32 range. */
  | { readonly op: 'const'; readonly dst: Value; readonly value: bigint | number }
  | { readonly op: 'getReg'; readonly dst: Value; readonly slot: number }
  | { readonly op: 'setReg'; readonly slot: number; readonly src: Value }
  | {
      readonly op: 'binary';
      readonly kind: BinaryOp;
      readonly dst: Value;
      readonly a: Value;
      readonly b: Value;
    }
  | {
      readonly op: 'compare';
      readonly kind: CompareOp;
      readonly dst: Value;
      readonly a: Value;
      readonly b: Value;
    }
  | { readonly op: 'unary'; readonly kind: UnaryOp; readonly dst: Value; readonly a: Value }
  | { readonly op: 'convert'; readonly kind: ConvertOp; readonly dst: Value; readonly a: Value }
  /** dst = cond !== 0 ? a : b (cond is i32; a, b, dst share a type). */
  | { readonly op: 'select'; readonly dst: Value; readonly cond: Value; readonly a: Value; readonly b: Value }
  /** Little-endian load of `size` bytes at i64 `addr`, zero- or sign-extended to the i64 `dst`. */
  | {
      readonly op: 'load';
      readonly dst: Value;
      readonly addr: Value;
      readonly size: AccessSize;
      readonly signed: boolean;
    }
  /** Little-endian store of the low `size` bytes of i64 `src` at i64 `addr`. */
  | { readonly op: 'store'; readonly addr: Value; readonly src: Value; readonly size: AccessSize }
  /**
   * Calls a helper; `dst` is absent for helpers that return nothing. With `vector`, the helper
   * does exactly that vector operation (and nothing else), which a backend may run natively.
   */
  | {
      readonly op: 'call';
      readonly dst?: Value;
      readonly helper: Helper;
      readonly args: readonly Value[];
      readonly vector?: VectorOp;
    }
  /**
   * Scalar binary64 operation `fn` on i64 bit patterns (see fp.ts): `dst` (i64) the result bits,
   * `flags` (i32) the status flags raised, under the i32 control word `control`. Pure: it reads
   * and writes no register or memory.
   */
  | {
      readonly op: 'float';
      readonly fn: FpFunction;
      readonly dst: Value;
      readonly flags: Value;
      readonly control: Value;
      readonly args: readonly Value[];
    };

/** Signals a block can end the guest with (numbers are Linux's, the same on every architecture). */
export type TrapSignal = 'SIGILL' | 'SIGTRAP' | 'SIGSEGV' | 'SIGBUS' | 'SIGFPE';

/** How a block ends. After it, the machine has stored the next guest PC in the PC slot. */
export type BlockExit =
  /** Continue at `target` (i64). */
  | { readonly kind: 'jump'; readonly target: Value }
  /** Make a system call (arguments per the architecture's convention), then continue at `next`. */
  | { readonly kind: 'syscall'; readonly next: Value }
  /** End the guest with `signal` at instruction `pc`, e.g. SIGILL for an undefined encoding. */
  | { readonly kind: 'trap'; readonly signal: TrapSignal; readonly pc: bigint; readonly detail: string };

/** One lifted guest basic block. */
export interface IrBlock {
  /** Guest address of the first instruction. */
  readonly pc: bigint;
  /** Guest address just past the last instruction lifted (for code-page tracking). */
  readonly end: bigint;
  /** Number of guest instructions in the block (the `insn` markers). */
  readonly instructionCount: number;
  /** Number of temporaries (ids are 0 … tempCount-1). */
  readonly tempCount: number;
  readonly insts: readonly IrInst[];
  readonly exit: BlockExit;
  /**
   * Where a jump to a computed target went while the block ran before compilation (at most a
   * few): a hint for the compiler (see exec/wasm/regions.ts), never a promise.
   */
  readonly targetsSeen?: readonly bigint[];
}
