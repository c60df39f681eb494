/**
 * Keeps the guest register slots a block uses in wasm locals instead of the shared memory's
 * register file, so that V8 can hold them in host registers across the block.
 *
 * A slot is loaded into its local the first time it is read (never, when it is written first),
 * and written back only where the register file must be current:
 *
 * - before every exit (jump, syscall, trap): the machine and the next block read memory;
 * - before every helper call: helpers read and write any slot through `cpu`; after it every
 *   cached slot is forgotten, so the next read loads what the helper left;
 * - on the slow path of every load and store, just before the import call: it may throw a
 *   GuestSignal, and the kernel delivers it with the registers as they were at that instruction.
 *   The fast path cannot fault and stores nothing. The slow path writes the dirty slots back but
 *   they stay dirty, since the fast path, which the code after the access cannot tell apart, did not.
 *
 * Only dirty slots (written since they were last stored) are written back. Emission is straight
 * line, in the IR's order, so the cached and dirty sets are exact at every point.
 */
import type { Emitter } from './emitter.js';
import type { ValType } from './module-builder.js';
import { I64, OP } from './opcodes.js';

export class RegisterCache {
  /** The wasm local holding each slot the block touches. */
  private readonly localOf = new Map<number, number>();
  /** Slots whose local holds the current value. */
  private readonly cached = new Set<number>();
  /** Cached slots whose value the register file does not have yet (insertion order = store order). */
  private readonly dirty = new Set<number>();

  constructor(
    private readonly e: Emitter,
    /** Makes a new local of the function and returns its index. */
    private readonly newLocal: (type: ValType) => number,
    /** Byte offset of slot 0 in the memory. */
    private readonly registers: number,
  ) {}

  /** Pushes the slot's current value (i64). */
  read(slot: number): void {
    const local = this.local(slot);
    if (this.cached.has(slot)) {
      this.e.get(local);
      return;
    }
    this.e.i32(0).mem(OP.i64Load, this.offset(slot), 3).tee(local);
    this.cached.add(slot);
  }

  /** Pops an i64 off the stack as the slot's new value. */
  write(slot: number): void {
    this.e.set(this.local(slot));
    this.cached.add(slot);
    this.dirty.add(slot);
  }

  /** Loads `slots` into their locals now (before a loop that keeps them there). */
  preload(slots: readonly number[]): void {
    for (const slot of slots) {
      this.read(slot);
      this.e.op(OP.drop);
    }
  }

  /**
   * Treats `slots` as dirty: at a loop header, where the back edge arrives with whatever the body
   * wrote. Storing a slot that was not in fact written stores the value memory already has.
   */
  assumeDirty(slots: readonly number[]): void {
    for (const slot of slots) {
      if (!this.cached.has(slot)) throw new Error(`register slot ${slot} is not loaded`);
      this.dirty.add(slot);
    }
  }

  /**
   * The state at the top of a loop whose every path keeps `touched` in locals (loaded before the
   * loop, never forgotten inside it) and may have written `written`: code after a branch back to
   * the top starts from it, whatever the code before the branch left.
   */
  atLoopTop(touched: readonly number[], written: readonly number[]): void {
    this.cached.clear();
    this.dirty.clear();
    for (const slot of touched) {
      if (!this.localOf.has(slot)) throw new Error(`register slot ${slot} is not loaded`);
      this.cached.add(slot);
    }
    this.assumeDirty(written);
  }

  /** Stores every dirty slot; the register file is then current and nothing is dirty. */
  flush(): void {
    this.storeDirty();
    this.dirty.clear();
  }

  /**
   * Stores every dirty slot on a branch that may not run (a slow memory path): the register file
   * is current there, but the slots stay dirty for the code after the branch.
   */
  spill(): void {
    this.storeDirty();
  }

  /** Stores `slot` if it is dirty (something is about to read it from the register file). */
  storeIfDirty(slot: number): void {
    if (!this.dirty.has(slot)) return;
    this.e.i32(0).get(this.local(slot)).mem(OP.i64Store, this.offset(slot), 3);
    this.dirty.delete(slot);
  }

  /**
   * After something wrote `slot` in the register file directly: a cached value is reloaded (so
   * the set of cached slots stays what it was, as a loop header assumes), and it is clean.
   */
  reload(slot: number): void {
    this.dirty.delete(slot);
    if (!this.cached.has(slot)) return;
    this.e.i32(0).mem(OP.i64Load, this.offset(slot), 3).set(this.local(slot));
  }

  /** Forgets every cached value (after a helper, which may have written any slot). Flush first. */
  forget(): void {
    if (this.dirty.size > 0) throw new Error('forgetting dirty register slots');
    this.cached.clear();
  }

  private storeDirty(): void {
    for (const slot of this.dirty) {
      this.e
        .i32(0)
        .get(this.localOf.get(slot) as number)
        .mem(OP.i64Store, this.offset(slot), 3);
    }
  }

  private local(slot: number): number {
    let local = this.localOf.get(slot);
    if (local === undefined) {
      local = this.newLocal(I64);
      this.localOf.set(slot, local);
    }
    return local;
  }

  private offset(slot: number): number {
    return this.registers + slot * 8;
  }
}
