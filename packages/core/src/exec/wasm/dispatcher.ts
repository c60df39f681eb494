/**
 * Runs chains of wasm blocks without coming back to JS between them. Compiled blocks that end in
 * a jump or a syscall are installed in a two-way set-associative cache, sets chosen by a hash of
 * the PC: a table of function references plus a tag per slot (the block's guest PC, an i64 in the
 * reserved part of the memory). The dispatcher module loops: read the PC slot, find its set, call
 * the block through the table if a way's tag matches, and stop on a miss, a syscall or when the
 * budget of blocks is spent.
 */
import type { Cpu } from '../../cpu/cpu.js';
import type { IrBlock } from '../../ir/types.js';
import { type PagedMemory, RESERVED_BYTES } from '../../memory/paged-memory.js';
import { EXIT_SYSCALL } from '../exit-kind.js';
import { Emitter } from './emitter.js';
import { ModuleBuilder } from './module-builder.js';
import { I32, I64, OP } from './opcodes.js';
import {
  buildWasmBatch,
  CPU_AREAS_END,
  type CpuArea,
  cpuArea,
  DISPATCH_HASH,
  DISPATCH_SLOT_BITS,
  DISPATCH_SLOTS,
  dispatchSlot,
  INSTRUCTION_COUNTER_OFFSET,
  type WasmBlockRunner,
} from './runtime.js';

/** Hot blocks put together as one module, to be compiled anywhere and then made WasmBlocks here. */
export interface PendingWasmBlocks {
  readonly bytes: Uint8Array;
  /** For each block, the blocks whose code its function runs, or null (see CompiledModule). */
  readonly regionOf: readonly (readonly number[] | null)[];
  /** The blocks, in the order given, from the compiled `bytes`. */
  finish(module: object): WasmBlock[];
}

interface WasmTable {
  set(index: number, value: unknown): void;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: { run: (budget: number) => number } };
  Table: new (d: { element: 'anyfunc'; initial: number }) => WasmTable;
}
const W = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** A tag no PC matches: the cache only holds blocks below 4 GiB. */
const EMPTY = -1n;

if (INSTRUCTION_COUNTER_OFFSET + 4 > CPU_AREAS_END || CPU_AREAS_END > RESERVED_BYTES)
  throw new Error('wasm executor tables overflow');

/** The dispatcher module: `run(budget) → 0 (stopped) | 1 (syscall)`. */
function dispatcherModule(pcOffset: number, tagsOffset: number, sharedMemory: boolean): Uint8Array {
  const m = new ModuleBuilder();
  m.importMemory('env', 'memory', sharedMemory);
  m.importTable('env', 'blocks');
  const blockType = m.type([], [I32]);
  const e = new Emitter();
  // params: 0 budget; locals: 1 pc (i64), 2 slot (i32)
  e.op(OP.loop, 0x40);
  e.i32(0).mem(OP.i64Load, pcOffset, 3).tee(1);
  e.op(OP.i32WrapI64)
    .i32(2)
    .op(OP.i32ShrU)
    .i32(DISPATCH_HASH | 0)
    .op(OP.i32Mul);
  e.i32(32 - DISPATCH_SLOT_BITS)
    .op(OP.i32ShrU)
    .i32(-2)
    .op(OP.i32And)
    .set(2);
  // Two ways per set: the even slot, then the odd one; a miss in both goes back to JS.
  const tagMisses = () => e.get(2).i32(3).op(OP.i32Shl).mem(OP.i64Load, tagsOffset, 3).get(1).op(OP.i64Ne);
  tagMisses();
  e.op(OP.if, 0x40);
  e.get(2).i32(1).op(OP.i32Or).set(2);
  tagMisses();
  e.op(OP.if, 0x40).i32(0).op(OP.return, OP.end);
  e.op(OP.end);
  e.get(2).callIndirect(blockType);
  e.op(OP.if, 0x40).i32(EXIT_SYSCALL).op(OP.return, OP.end);
  e.get(0).i32(1).op(OP.i32Sub).tee(0);
  e.op(OP.brIf, 0, OP.end);
  e.i32(0);
  const run = m.func([I32], [I32], [I64, I32], e.code);
  m.exportFunction('run', run);
  return m.bytes();
}

/** Compiled dispatcher modules by layout: compiled once per host process, instantiated per machine. */
const dispatcherModules = new Map<string, object>();

function compiledDispatcher(pcOffset: number, tagsOffset: number, sharedMemory: boolean): object {
  const key = `${pcOffset}/${tagsOffset}/${sharedMemory}`;
  let module = dispatcherModules.get(key);
  if (module === undefined) {
    module = new W.Module(dispatcherModule(pcOffset, tagsOffset, sharedMemory));
    dispatcherModules.set(key, module);
  }
  return module;
}

/**
 * A compiled module of blocks that any machine of the same layout can instantiate over its own
 * memory: a process that runs the same code as another reuses it without compiling again.
 */
export interface SharedWasmBatch {
  readonly module: object;
  /** Size of the module's bytes (what the translation cache counts it as). */
  readonly byteLength: number;
  /** Whether it imports a shared memory: it runs over memories of that kind only. */
  readonly sharedMemory: boolean;
  /** The blocks' PCs, slots and chainability, in module order (their runners are placeholders). */
  readonly shapes: readonly WasmBlock[];
  readonly instantiateOver: (module: object, cpu: Cpu, memory: PagedMemory) => WasmBlockRunner[];
}

/** A block compiled to wasm: its runner, and whether it may be chained (jump and syscall exits). */
export interface WasmBlock {
  readonly pc: bigint;
  /** The first of its set's two slots in the dispatch cache (an even number). */
  readonly slot: number;
  readonly run: WasmBlockRunner;
  readonly chainable: boolean;
  /**
   * The [start, end) of the other blocks' code its function runs (the members of its region):
   * it must go when any of them is rewritten or unmapped, as when its own code is.
   */
  readonly covers?: readonly (readonly [bigint, bigint])[];
  /** The shared module it came from and its place there (absent on placeholders). */
  readonly batch?: SharedWasmBatch;
  readonly index?: number;
}

const noRunner: WasmBlockRunner = () => {
  throw new Error('a wasm block ran before its module was compiled');
};

function wasmBlock(ir: IrBlock, run: WasmBlockRunner, region: readonly IrBlock[] | null): WasmBlock {
  const slot = dispatchSlot(Number(ir.pc & 0xffffffffn));
  const chainable = ir.exit.kind !== 'trap' && ir.pc < 0x100000000n;
  if (region === null) return { pc: ir.pc, slot, run, chainable };
  const covers = region.filter((member) => member !== ir).map((member) => [member.pc, member.end] as const);
  return { pc: ir.pc, slot, run, chainable, covers };
}

/**
 * A compiled module instantiated over one machine. Its blocks are made as they are asked for: a
 * process that takes a module made by another (a shell's child running the shell's code) often
 * needs a few of its blocks, and making them all cost each fork and exec a measurable share.
 */
export class AdoptedBatch {
  private readonly made: (WasmBlock | undefined)[] = [];

  constructor(
    private readonly batch: SharedWasmBatch,
    private readonly runners: readonly WasmBlockRunner[],
  ) {}

  block(index: number): WasmBlock {
    let made = this.made[index];
    if (made === undefined) {
      const batch = this.batch;
      made = { ...batch.shapes[index], run: this.runners[index], batch, index };
      this.made[index] = made;
    }
    return made;
  }

  all(): WasmBlock[] {
    return this.batch.shapes.map((_, index) => this.block(index));
  }
}

export class WasmDispatcher {
  private readonly table = new W.Table({ element: 'anyfunc', initial: DISPATCH_SLOTS });
  private readonly run: (budget: number) => number;
  private tags: BigInt64Array;
  private readonly area: CpuArea;
  /** The block in each slot, mirrored in JS so that entering one reads no BigInt. */
  private readonly installed: (WasmBlock | undefined)[] = new Array(DISPATCH_SLOTS).fill(undefined);

  constructor(
    private readonly cpu: Cpu,
    private readonly memory: PagedMemory,
  ) {
    this.area = cpuArea(cpu.byteOffset);
    const pcOffset = cpu.byteOffset + cpu.layout.pc * 8;
    const instance = new W.Instance(compiledDispatcher(pcOffset, this.area.dispatchTags, memory.shared), {
      env: { memory: memory.wasm, blocks: this.table },
    });
    this.run = instance.exports.run;
    this.tags = new BigInt64Array(memory.buffer, this.area.dispatchTags, DISPATCH_SLOTS);
    this.tags.fill(EMPTY);
    this.take();
  }

  /** Compiles one block on this thread, now (the wasm executor). */
  compile(ir: IrBlock): WasmBlock {
    const pending = this.batch([ir]);
    return pending.finish(new W.Module(pending.bytes))[0];
  }

  /** Puts blocks together as one module for a compiler elsewhere (the tiered executor). */
  batch(irs: readonly IrBlock[]): PendingWasmBlocks {
    const built = buildWasmBatch(irs, this.cpu, this.memory);
    const { regionOf } = built;
    const shapes = irs.map((ir, i) => wasmBlock(ir, noRunner, regionOf[i]?.map((j) => irs[j]) ?? null));
    const byteLength = built.bytes.length; // the compiler may take the bytes over
    return {
      bytes: built.bytes,
      regionOf,
      finish: (module) =>
        this.adopt({
          module,
          byteLength,
          sharedMemory: this.memory.shared,
          shapes,
          instantiateOver: built.instantiateOver,
        }).all(),
    };
  }

  /** The blocks of a compiled module, instantiated over this dispatcher's machine. */
  adopt(batch: SharedWasmBatch): AdoptedBatch {
    return new AdoptedBatch(batch, batch.instantiateOver(batch.module, this.cpu, this.memory));
  }

  private tagView(): BigInt64Array {
    // The memory may have grown (and detached the old buffer) since the view was made.
    if (this.tags.length === 0)
      this.tags = new BigInt64Array(this.memory.buffer, this.area.dispatchTags, DISPATCH_SLOTS);
    return this.tags;
  }

  /**
   * Runs `block` (whose PC is in the PC slot), then the cached blocks it leads to, up to `budget`
   * blocks. Returns EXIT_SYSCALL when a block asked for a system call, else EXIT_JUMP.
   */
  enter(block: WasmBlock, budget: number): number {
    if (!block.chainable) return block.run();
    const way0 = block.slot;
    if (this.installed[way0] !== block && this.installed[way0 + 1] !== block) this.install(block);
    return this.run(budget);
  }

  /**
   * Puts `block` in its set: in a free way, else in way 0 with way 0's block moved to way 1 (and
   * way 1's dropped), so the two blocks used last share the set.
   */
  private install(block: WasmBlock): void {
    const way0 = block.slot;
    let way = way0;
    const resident = this.installed[way0];
    if (resident !== undefined) {
      if (this.installed[way0 + 1] === undefined) way = way0 + 1;
      else this.put(way0 + 1, resident);
    }
    this.put(way, block);
  }

  private put(slot: number, block: WasmBlock): void {
    this.table.set(slot, block.run);
    this.tagView()[slot] = block.pc;
    this.installed[slot] = block;
  }

  /** Drops the cached block at `pc`, if it is there (its code changed). */
  forget(pc: bigint): void {
    const way0 = dispatchSlot(Number(pc & 0xffffffffn));
    for (const slot of [way0, way0 + 1]) {
      if (this.installed[slot]?.pc === pc) {
        this.tagView()[slot] = EMPTY;
        this.installed[slot] = undefined;
      }
    }
  }

  /** Guest instructions the wasm blocks ran since the last call (and resets the count). */
  take(): number {
    const i32 = this.memory.i32;
    const counter = this.area.instructionCounter >>> 2;
    const n = i32[counter] >>> 0;
    i32[counter] = 0;
    return n;
  }
}
