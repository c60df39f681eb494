import type { CodeReader, IrBuilder, Operand, Value } from '@arm64kit/core';
import { X } from '../state.js';

/** What a lifter sees of the instruction being lifted, and register access with x0's rules. */
export class LiftContext {
  /** Address of the instruction. */
  pc = 0n;
  /** Its encoding: 32 bits, or a 16-bit parcel for a compressed instruction. */
  insn = 0;
  /** Its length in bytes (2 or 4). */
  length = 4;

  /** `b` receives the IR; `code` is asked only whether the memory is shared (see `shared`). */
  constructor(
    readonly b: IrBuilder,
    private readonly code: Pick<CodeReader, 'shared'> = {},
  ) {}

  /**
   * Whether other host threads use the memory at the same time (CodeReader.shared), so SC, AMOs
   * and store-to-load fences must be the memory's atomic operations, not loads and stores in the
   * block. Read only where an instruction's lifting depends on it, so that a block without such
   * an instruction serves memories of both kinds.
   */
  get shared(): boolean {
    return this.code.shared ?? false;
  }

  /** Address of the next instruction. */
  get next(): bigint {
    return this.pc + BigInt(this.length);
  }

  /** Reads x`n`; x0 reads as zero. */
  x(n: number): Value {
    return n === 0 ? this.b.const64(0n) : this.b.getReg(X(n));
  }

  /** Writes x`n`; writes to x0 are discarded. */
  setX(n: number, v: Operand): void {
    if (n !== 0) this.b.setReg(X(n), v);
  }

  /** Writes the low 32 bits of `v`, sign-extended, to x`n` (the *W instructions). */
  setW(n: number, v: Value): void {
    if (n !== 0) this.b.setReg(X(n), this.b.extend32S(v));
  }

  /** An i32 0/1 condition as the i64 0/1 that SLT and friends write. */
  bit(cond: Value): Value {
    return this.b.extendU(cond);
  }
}

/** What a decode-table row hands the lifter: the row's fields and the context. */
// biome-ignore lint/suspicious/noConfusingVoidType: lifters are mostly statement bodies that return nothing
export type Lifter = (f: Readonly<Record<string, number>>, c: LiftContext) => void | false;
