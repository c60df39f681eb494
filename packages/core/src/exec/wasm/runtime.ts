/**
 * Instantiates compiled modules: gives them the shared memory, the slow memory paths (faults,
 * cross-page accesses, stores to pages holding lifted code) and the helpers, and turns each
 * block's export into the runner the machine calls.
 */
import type { Cpu } from '../../cpu/cpu.js';
import type { FpFunction, FpStatus } from '../../ir/fp.js';
import type { Helper, IrBlock, Ty } from '../../ir/types.js';
import { CODE_BIT, HOST_SHIFT, PAGE_TABLE_OFFSET, type PagedMemory } from '../../memory/paged-memory.js';
import { PROT_READ, PROT_WRITE } from '../../memory/types.js';
import { GuestSignal } from '../../signals.js';
import {
  type CallSite,
  type CompiledModule,
  compileModule,
  EXIT_TRAP,
  type WasmLayout,
} from './block-compiler.js';

/** A block ready to run: stores the next PC, returns EXIT_JUMP or EXIT_SYSCALL, or throws GuestSignal. */
export type WasmBlockRunner = (cpu?: Cpu, memory?: PagedMemory) => number;

// biome-ignore lint/suspicious/noExplicitAny: wasm exports and imports are untyped
type AnyFn = (...args: any[]) => any;

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, AnyFn> };
}
const W = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/**
 * The wasm executor's part of the reserved bytes at the start of the memory: after the register
 * file's 64 KiB, the dispatch cache's tags (see dispatcher.ts), then the instruction counter.
 */
export const REGISTER_FILE_BYTES = 0x10000;
/** Bits of a dispatch slot number: 32768 slots, whose tags take 256 KiB. */
export const DISPATCH_SLOT_BITS = 15;
export const DISPATCH_SLOTS = 1 << DISPATCH_SLOT_BITS;
/**
 * The multiplier of the dispatch cache's hash (Fibonacci hashing: 2^32 over the golden ratio).
 * Slots taken straight from the PC's low bits made blocks 32 KiB apart share a slot, and an
 * interpreter's hot blocks lie that far apart often enough to evict each other millions of times;
 * even hashed, a thousand hot blocks in a direct-mapped table meet in some thirty slots (the
 * birthday bound), hence two ways per set.
 */
export const DISPATCH_HASH = 0x9e3779b1;

/**
 * The first slot of the dispatch set of a block at a PC whose low 32 bits are `pcLow` (as the
 * dispatcher module computes it): sets are pairs of slots, so it is even.
 */
export function dispatchSlot(pcLow: number): number {
  return (Math.imul(pcLow >>> 2, DISPATCH_HASH) >>> (32 - DISPATCH_SLOT_BITS)) & ~1;
}
export const DISPATCH_TAGS_OFFSET = REGISTER_FILE_BYTES;
export const INSTRUCTION_COUNTER_OFFSET = DISPATCH_TAGS_OFFSET + DISPATCH_SLOTS * 8;

/**
 * Where one CPU's register file and wasm tables lie. CPU 0 (the kernel's thread) has the layout
 * above; CPU k (a worker running guest threads beside it, see cpu-worker/) has its register file
 * `k * CPU_REGISTER_STRIDE` bytes in, and its dispatch tags and instruction counter in an area of
 * its own after CPU 0's (`CPU_AREA_BASE`), so that machines on several host threads share one
 * memory without sharing any of these.
 */
export interface CpuArea {
  readonly registers: number;
  readonly dispatchTags: number;
  readonly instructionCounter: number;
}
export const CPU_REGISTER_STRIDE = 0x1000;
/** CPUs one memory has room for (the kernel's thread and up to three workers). */
export const MAX_CPUS = 4;
const CPU_AREA_BASE = 6 * 0x10000;
const CPU_AREA_STRIDE = DISPATCH_SLOTS * 8 + 0x10000;
/** The bytes at the start of a memory that hold every CPU's area. */
export const CPU_AREAS_END = CPU_AREA_BASE + (MAX_CPUS - 1) * CPU_AREA_STRIDE;

/** The area of the CPU whose register file starts at `registers` (see CpuArea). */
export function cpuArea(registers: number): CpuArea {
  const index = Math.floor(registers / CPU_REGISTER_STRIDE);
  if (index === 0)
    return { registers, dispatchTags: DISPATCH_TAGS_OFFSET, instructionCounter: INSTRUCTION_COUNTER_OFFSET };
  if (index >= MAX_CPUS) throw new RangeError(`no CPU area for a register file at ${registers}`);
  const dispatchTags = CPU_AREA_BASE + (index - 1) * CPU_AREA_STRIDE;
  return { registers, dispatchTags, instructionCounter: dispatchTags + DISPATCH_SLOTS * 8 };
}

/** The fixed layout of a machine's memory as the block compiler needs it. */
export function wasmLayout(cpu: Cpu, sharedMemory = false): WasmLayout {
  if ((cpu.byteOffset % CPU_REGISTER_STRIDE) + cpu.slotCount * 8 > CPU_REGISTER_STRIDE) {
    throw new Error('the register file does not fit in its CPU area');
  }
  return {
    registers: cpu.byteOffset,
    pcSlot: cpu.layout.pc,
    scratchSlot: cpu.scratch,
    pageTable: PAGE_TABLE_OFFSET,
    pageShift: 12,
    protRead: PROT_READ,
    protWrite: PROT_WRITE,
    codeBit: CODE_BIT,
    hostShift: HOST_SHIFT,
    instructionCounter: cpuArea(cpu.byteOffset).instructionCounter,
    sharedMemory,
  };
}

function attributed(error: unknown, pc: bigint): unknown {
  if (error instanceof GuestSignal && error.pc === null) error.pc = pc;
  return error;
}

/** The slow paths: PagedMemory's own accessors, which fault, split and invalidate as usual. */
function slowPaths(cpu: Cpu, memory: PagedMemory, sitePcs: readonly bigint[]): Record<string, unknown> {
  // One wrapper per arity (no rest parameters: these run for every page-crossing access).
  type Load = (lo: number, hi: number) => number;
  type Store = (lo: number, hi: number, v: number) => void;
  const load =
    (f: Load) =>
    (lo: number, hi: number, site: number): number => {
      try {
        return f(lo, hi);
      } catch (error) {
        throw attributed(error, sitePcs[site]);
      }
    };
  const store =
    (f: Store) =>
    (lo: number, hi: number, v: number, site: number): void => {
      try {
        f(lo, hi, v);
      } catch (error) {
        throw attributed(error, sitePcs[site]);
      }
    };
  return {
    memory: memory.wasm,
    ld8: load((lo, hi) => memory.load8(lo, hi)),
    ld16: load((lo, hi) => memory.load16(lo, hi)),
    ld32: load((lo, hi) => memory.load32(lo, hi)),
    // The 64-bit result goes to the scratch slot, where the block reads it (no BigInt).
    ld64: load((lo, hi) => {
      memory.load64Into(lo, hi, cpu.regs32, cpu.scratch * 2);
      return 0;
    }),
    st8: store((lo, hi, v) => memory.store8(lo, hi, v)),
    st16: store((lo, hi, v) => memory.store16(lo, hi, v)),
    st32: store((lo, hi, v) => memory.store32(lo, hi, v)),
    st64(lo: number, hi: number, vlo: number, vhi: number, site: number): void {
      try {
        memory.store64Pair(lo, hi, vlo, vhi);
      } catch (error) {
        throw attributed(error, sitePcs[site]);
      }
    },
  };
}

/** i64 arguments arrive from wasm as signed BigInts; helpers expect [0, 2^64). */
const unsigned = (x: bigint | number): bigint | number =>
  typeof x === 'bigint' && x < 0n ? BigInt.asUintN(64, x) : x;

/** What instantiating needs of a call site: not its IR, which a shared batch outlives. */
interface HelperSite {
  readonly helper: Helper;
  readonly wide: readonly boolean[];
  readonly result: Ty | undefined;
  readonly pc: bigint;
}

function helperSite(site: CallSite): HelperSite {
  return {
    helper: site.inst.helper,
    wide: site.inst.args.map((a) => a.ty === 'i64'),
    result: site.inst.dst?.ty,
    pc: site.pc,
  };
}

/**
 * The import for one call site: the helper with the CPU first, its result in wasm's form, and
 * the calling instruction's PC on a signal it throws. Specialised by shape, because most helpers
 * take no arguments and return nothing, and this runs for every FP and SIMD instruction.
 */
function helperImport(cpu: Cpu, site: HelperSite): AnyFn {
  const { helper, wide, result, pc } = site;
  if (wide.length === 0 && result === undefined) {
    return () => {
      try {
        helper(cpu);
      } catch (error) {
        throw attributed(error, pc);
      }
    };
  }
  const toWasm =
    result === 'i64'
      ? (r: unknown) => (typeof r === 'bigint' ? r : BigInt(r as number))
      : result === 'i32'
        ? (r: unknown) => Number(r) | 0
        : () => undefined;
  if (wide.length === 0) {
    return () => {
      try {
        return toWasm(helper(cpu));
      } catch (error) {
        throw attributed(error, pc);
      }
    };
  }
  return (...args: (bigint | number)[]) => {
    try {
      return toWasm(helper(cpu, ...args.map((x, i) => (wide[i] ? unsigned(x) : x))));
    } catch (error) {
      throw attributed(error, pc);
    }
  };
}

/**
 * The exact path of an FP operation: i64 operands arrive signed; the flags go to the scratch
 * slot, where the module function reads them.
 */
function fpImport(cpu: Cpu, fn: FpFunction): AnyFn {
  const status: FpStatus = { flags: 0 };
  const exact = fn.exact;
  return (control: number, a: bigint, b: bigint, c: bigint): bigint => {
    status.flags = 0;
    const r = exact(status, control, BigInt.asUintN(64, a), BigInt.asUintN(64, b), BigInt.asUintN(64, c));
    cpu.regs32[cpu.scratch * 2] = status.flags;
    return r;
  };
}

type TrapExit = Extract<IrBlock['exit'], { kind: 'trap' }>;

function trapRunner(exit: TrapExit, run: AnyFn): WasmBlockRunner {
  return () => {
    if (run() !== EXIT_TRAP) throw new Error('not a trap block');
    const signal = new GuestSignal(exit.signal, exit.detail);
    signal.pc = exit.pc;
    throw signal;
  };
}

/** Blocks put together as one module: its bytes, and how to turn the compiled module into runners. */
export interface WasmBatch {
  readonly bytes: Uint8Array;
  /** Instantiates the compiled `bytes` over the machine's memory: a runner per block, in order. */
  instantiate(module: object): WasmBlockRunner[];
  /**
   * The same over another machine's CPU and memory (of the same layout): another process reuses
   * a module compiled once.
   */
  instantiateOver(module: object, cpu: Cpu, memory: PagedMemory): WasmBlockRunner[];
  /** For each block, the blocks whose code its function runs, or null (see CompiledModule). */
  readonly regionOf: readonly (readonly number[] | null)[];
}

/**
 * Instantiates a compiled module of `blocks` over any machine's CPU and memory. Made apart from
 * the machine that built it, so that a module kept for other processes does not keep that
 * machine's memory alive.
 */
function instantiator(
  compiled: CompiledModule,
  blocks: readonly IrBlock[],
): (module: object, cpu: Cpu, memory: PagedMemory) => WasmBlockRunner[] {
  const sites = compiled.calls.map(helperSite);
  const fps = compiled.fps; // the exact functions of the float operations (no IR)
  const traps = blocks.map((block) => (block.exit.kind === 'trap' ? block.exit : undefined));
  const { exports, sitePcs } = compiled; // not `calls`, which holds the IR
  return (module, cpu, memory) => {
    const h: Record<string, AnyFn> = {};
    sites.forEach((site, i) => {
      h[`h${i}`] = helperImport(cpu, site);
    });
    fps.forEach((fn, i) => {
      h[`f${i}`] = fpImport(cpu, fn);
    });
    const instance = new W.Instance(module, { env: slowPaths(cpu, memory, sitePcs), h });
    return traps.map((trap, i) => {
      const run = instance.exports[exports[i]];
      return trap ? trapRunner(trap, run) : (run as WasmBlockRunner);
    });
  };
}

/**
 * Puts `blocks` together as one WebAssembly module over the machine's memory, to be compiled
 * here or elsewhere (see module-compiler.ts). `cpu` must live in `memory` (the register file at
 * `cpu.byteOffset`). Holds the blocks' helpers and exits, not their IR.
 */
export function buildWasmBatch(blocks: readonly IrBlock[], cpu: Cpu, memory: PagedMemory): WasmBatch {
  const compiled = compileModule(blocks, wasmLayout(cpu, memory.shared));
  const instantiateOver = instantiator(compiled, blocks);
  return {
    bytes: compiled.bytes,
    instantiate: (module) => instantiateOver(module, cpu, memory),
    instantiateOver,
    regionOf: compiled.regionOf,
  };
}

/**
 * Compiles `blocks` into one WebAssembly module on this thread and returns a runner per block,
 * in order.
 */
export function compileWasmBlocks(
  blocks: readonly IrBlock[],
  cpu: Cpu,
  memory: PagedMemory,
): WasmBlockRunner[] {
  const batch = buildWasmBatch(blocks, cpu, memory);
  return batch.instantiate(new W.Module(batch.bytes));
}

/** One block as its own module (the machine's `wasm` executor and the tests). */
export function compileWasmBlock(block: IrBlock, cpu: Cpu, memory: PagedMemory): WasmBlockRunner {
  return compileWasmBlocks([block], cpu, memory)[0];
}
