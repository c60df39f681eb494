import type { RegisterLayout } from '../arch.js';
import type { GuestMemory } from '../memory/types.js';

/**
 * The CPU state a block and its helpers work on: the register file (named 64-bit slots, laid
 * out by the architecture) seen through typed-array views over one buffer, plus guest memory.
 *
 * Slot `i` occupies bytes [8i, 8i+8) of the register file: `regs[i]` is the u64,
 * `regs32[2i]`/`regs32[2i+1]` its low/high int32 halves, `f64[i]` the same bits as a double,
 * `f32[2i]` the low half as a float, `u8[8i…8i+7]` its bytes (little-endian).
 * The views are replaced when the underlying memory grows: read them from the `Cpu` each time,
 * never keep them across calls.
 */
export class Cpu {
  regs!: BigUint64Array;
  regs32!: Int32Array;
  f64!: Float64Array;
  f32!: Float32Array;
  u8!: Uint8Array;

  /** Total slots: the architecture's slots followed by core's scratch slots. */
  readonly slotCount: number;
  /** First scratch slot (core-internal, e.g. for splitting an address into int32 halves). */
  readonly scratch: number;

  constructor(
    readonly layout: RegisterLayout,
    readonly memory: GuestMemory,
    private readonly bufferOf: () => ArrayBuffer,
    /** Byte offset of the register file in that buffer (multiple of 16). */
    readonly byteOffset: number,
    scratchSlots = 8,
  ) {
    this.scratch = layout.names.length;
    this.slotCount = layout.names.length + scratchSlots;
    this.refreshViews();
  }

  /** Re-creates the views after the underlying buffer changed (memory growth). */
  refreshViews(): void {
    const buffer = this.bufferOf();
    const n = this.slotCount;
    this.regs = new BigUint64Array(buffer, this.byteOffset, n);
    this.regs32 = new Int32Array(buffer, this.byteOffset, n * 2);
    this.f64 = new Float64Array(buffer, this.byteOffset, n);
    this.f32 = new Float32Array(buffer, this.byteOffset, n * 2);
    this.u8 = new Uint8Array(buffer, this.byteOffset, n * 8);
  }

  get(slot: number): bigint {
    return this.regs[slot];
  }

  set(slot: number, value: bigint): void {
    this.regs[slot] = BigInt.asUintN(64, value);
  }

  /** Slot number of the register named `name` (throws for unknown names). */
  slot(name: string): number {
    const i = this.layout.names.indexOf(name);
    if (i < 0) throw new RangeError(`no register named ${name}`);
    return i;
  }

  get pc(): bigint {
    return this.regs[this.layout.pc];
  }

  set pc(value: bigint) {
    this.regs[this.layout.pc] = value;
  }
}
