import type { Architecture, CodeReader } from './arch.js';
import { Cpu } from './cpu/cpu.js';
import { EXIT_SYSCALL } from './exec/exit-kind.js';
import { compileBlock } from './exec/js-compiler.js';
import { interpretBlock } from './exec/reference-interpreter.js';
import { regionCompanions } from './exec/region-companions.js';
import { threadBlock } from './exec/threaded.js';
import { TierUpQueue, type TierUpStats } from './exec/tier-up.js';
import {
  RecordingReader,
  type ReplayReader,
  type Translation,
  type TranslationCache,
} from './exec/translation-cache.js';
import {
  type AdoptedBatch,
  type SharedWasmBatch,
  type WasmBlock,
  WasmDispatcher,
} from './exec/wasm/dispatcher.js';
import { type ModuleCompiler, processCompiler } from './exec/wasm/module-compiler.js';
import { hasComputedTarget } from './exec/wasm/regions.js';
import { CPU_REGISTER_STRIDE } from './exec/wasm/runtime.js';
import { optimizeBlock } from './ir/optimize.js';
import type { IrBlock } from './ir/types.js';
import type { LinuxKernel } from './linux/kernel.js';
import { GuestDeadlockError } from './linux/pipe.js';
import { GuestExit, Reschedule } from './linux/scheduling.js';
import { defaultAction } from './linux/signal-state.js';
import { PagedMemory, type PagedMemoryOptions } from './memory/paged-memory.js';
import { fetchParcel } from './memory/parcel.js';
import { GuestFault, GuestSignal } from './signals.js';

/**
 * Which IR backend runs blocks: the plain reference interpreter, closures (threaded), blocks
 * compiled to JS (compiled), every block compiled to WebAssembly (wasm), or threaded first and
 * WebAssembly for hot blocks (tiered, the default).
 */
export type Executor = 'reference' | 'threaded' | 'compiled' | 'tiered' | 'wasm';

export const EXECUTORS: readonly Executor[] = ['reference', 'threaded', 'compiled', 'tiered', 'wasm'];

/**
 * Executions after which the tiered executor queues a threaded block for WebAssembly: cold code
 * (start-up, error paths) is not worth compiling. Compiles happen in batches off the run loop
 * (see exec/tier-up.ts), so this can be low: measured on `python3 -c pass` (33k blocks), 50
 * takes a fifth less main-thread time than 200; 25 gains nothing more.
 */
export const TIER_UP_AFTER = 50;

/**
 * Executions the tiered executor leaves to the reference interpreter before threading a block:
 * most start-up code runs only a few times, and building closures for it costs more than
 * interpreting it (measured: a short program starts about 15% faster).
 */
export const INTERPRETED_RUNS = 8;

/**
 * The executor when none is given: ARM64KIT_EXECUTOR if set (so whole test suites, benchmarks
 * and the CLI can be run on another backend without changing them), else tiered.
 */
function defaultExecutor(): Executor {
  const named = globalThis.process?.env?.ARM64KIT_EXECUTOR;
  if (named === undefined || named === '') return 'tiered';
  if (!(EXECUTORS as readonly string[]).includes(named)) throw new UnknownExecutorError(named);
  return named as Executor;
}

/** ARM64KIT_EXECUTOR names no executor. */
export class UnknownExecutorError extends Error {
  readonly code = 'UNKNOWN_EXECUTOR';
  readonly exitCode = 125;
  constructor(readonly executor: string) {
    super(`ARM64KIT_EXECUTOR must be one of ${EXECUTORS.join(', ')} (got ${executor})`);
    this.name = 'UnknownExecutorError';
  }
}

/** The emulator itself failed (a lifter or backend bug), as opposed to the guest misbehaving. */
export class EmulatorError extends Error {
  readonly code = 'EMULATOR_BUG';
  readonly exitCode = 125;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EmulatorError';
  }
}

/** The guest ran longer than the caller allowed. */
export class GuestTimeoutError extends Error {
  readonly code = 'GUEST_TIMEOUT';
  readonly exitCode = 124;
  constructor(ms: number) {
    super(`the guest did not finish within ${ms} ms`);
    this.name = 'GuestTimeoutError';
  }
}

export interface MachineOptions extends PagedMemoryOptions {
  readonly executor?: Executor;
  /** Memory to run in (a fork's copy of its parent's); default a new, empty one. */
  readonly memory?: PagedMemory;
  /** Run `optimizeBlock` on every lifted block (default true). */
  readonly optimize?: boolean;
  /** Where the tiered executor compiles its modules (default: the process's compile worker). */
  readonly compiler?: ModuleCompiler;
  /** Translations shared with the other machines of the run (see exec/translation-cache.ts). */
  readonly translations?: TranslationCache | null;
  /**
   * Which of the memory's CPU areas this machine's register file and wasm tables use (default 0,
   * the kernel's thread; a CPU worker's machine over the same shared memory uses its own).
   */
  readonly cpuIndex?: number;
}

/**
 * What `runSlice` hands the guest's system calls and faults to: a process's kernel on the
 * kernel's thread, or a CPU worker's stand-in that sends the thread back there.
 */
export interface SliceHost {
  syscall(cpu: Cpu): void;
  deliverFault(cpu: Cpu, signal: GuestSignal): GuestSignal | null;
  /** Before the first block (signals that arrived while the thread waited for the CPU). */
  beforeSlice?(cpu: Cpu): void;
  /** Now and then between blocks (expired timers). */
  tick?(cpu: Cpu): void;
}

/** Where this machine's blocks came from (`Machine.translationStats`). */
export interface MachineTranslationStats {
  /** Blocks lifted here. */
  lifted: number;
  /** Blocks taken from the run's translation cache (made by another machine, or earlier here). */
  reused: number;
  /** Of those, blocks that ran as wasm from the start. */
  reusedWasm: number;
}

export interface MachineExit {
  /** Exit status as a shell reports it: the guest's status, or 128 + signal number. */
  readonly exitCode: number;
  /** Signal that ended the guest, if any (e.g. "SIGSEGV"). */
  readonly signal?: string;
  /** One line describing a fatal signal: what happened, the fault address or encoding, and the PC. */
  readonly report?: string;
  /**
   * The signal is one whose default action dumps core (SIGSEGV, SIGBUS, SIGILL, SIGABRT…): a
   * crash worth a line on stderr, as qemu prints one. A SIGPIPE, SIGTERM or SIGKILL ends a
   * program quietly, as under qemu and the kernel (`prog | head` is not an error).
   */
  readonly dumpsCore?: boolean;
}

interface CachedBlock {
  /** Its key in the block cache (the guest PC). */
  readonly key: number;
  run: (cpu: Cpu, memory: PagedMemory) => number;
  /** Executions left before the tiered executor compiles it to wasm (-1: never). */
  untilTierUp: number;
  /**
   * The block's IR. The tiered executor interprets and threads a block straight from the lifter
   * and optimizes it only when it goes to wasm (most start-up code never runs that often). Dropped
   * (null) once the block runs as wasm.
   */
  ir: IrBlock | null;
  /** Whether `ir` still has to go through `optimizeBlock` before a faster backend gets it. */
  unoptimized: boolean;
  /** The block compiled to WebAssembly (wasm executor; tiered once hot). */
  wasm?: WasmBlock;
  readonly instructionCount: number;
  readonly firstPage: number;
  readonly lastPage: number;
  /** Its entry in the run's translation cache, told how far the block got here. */
  translation: Translation | null;
  /** Whether `run` is the reference interpreter (tiered: not threaded yet). */
  interpreted: boolean;
  /**
   * For a block ending in a jump to a computed address, on the tiered executor: where it went
   * while it ran before wasm (see IrBlock.targetsSeen), up to TARGETS_SEEN of them.
   */
  targetsSeen?: bigint[];
  /** Whether it was lifted again to go with a batch (see exec/region-companions.ts): once is enough. */
  liftedAgain?: boolean;
}

/** A block cache entry (one shape for every way a block is made). */
function cachedBlock(
  pc: bigint,
  end: bigint,
  run: CachedBlock['run'],
  untilTierUp: number,
  ir: IrBlock | null,
  unoptimized: boolean,
  wasm: WasmBlock | undefined,
  instructionCount: number,
): CachedBlock {
  return {
    key: Number(pc),
    run,
    untilTierUp,
    ir,
    unoptimized,
    wasm,
    instructionCount,
    firstPage: Number(pc >> BigInt(PAGE_SHIFT)),
    lastPage: Number((end > pc ? end - 1n : pc) >> BigInt(PAGE_SHIFT)),
    translation: null,
    interpreted: ir !== null && wasm === undefined && untilTierUp > 0,
    targetsSeen: ir !== null && untilTierUp > 0 && hasComputedTarget(ir) ? [] : undefined,
  };
}

/** Computed jump targets a block remembers for the compiler. */
const TARGETS_SEEN = 4;

function noteTarget(seen: bigint[], pc: bigint): void {
  if (seen.length < TARGETS_SEEN && !seen.includes(pc)) seen.push(pc);
}

const PAGE_SHIFT = 12;
/** Slots of the direct-mapped block cache in front of `blocks` (a power of two). */
const FAST_SLOTS = 1 << 14;
const FAST_MASK = FAST_SLOTS - 1;
/** Blocks one entry into wasm may run, chaining from block to block, before JS looks again. */
const WASM_CHAIN = 64;
/** Blocks run between looks at the tiered executor's compiles while some are outstanding. */
const COMPILE_POLL_EVERY = 256;

/**
 * One emulated CPU with its memory and translated-block cache. Blocks are lifted once per guest
 * PC and cached; writing to or unmapping a page that holds lifted code drops its blocks.
 */
export class Machine {
  readonly memory: PagedMemory;
  readonly cpu: Cpu;
  readonly executor: Executor;
  readonly optimize: boolean;
  /** Guest instructions executed so far (counted per block entered). */
  instructions = 0;
  private readonly blocks = new Map<number, CachedBlock>();
  private readonly blocksByPage = new Map<number, number[]>();
  /**
   * Direct-mapped cache over `blocks`, indexed by PC bits [2, 16): one array read and one compare
   * per dispatch instead of a Map lookup. A slot holds a block only while `blocks` does too.
   */
  private readonly fastPc = new Uint32Array(FAST_SLOTS);
  private readonly fastBlock: (CachedBlock | undefined)[] = new Array(FAST_SLOTS).fill(undefined);
  private readonly code: CodeReader;
  /** Runs and chains the blocks compiled to wasm (the wasm and tiered executors). */
  private readonly dispatcher: WasmDispatcher | null;
  /** Hot blocks on their way to wasm (the tiered executor). */
  private readonly tierUp: TierUpQueue<CachedBlock> | null;
  /** Blocks to run before the next look at the compiles (kept across slices: signals end them). */
  private pollIn = COMPILE_POLL_EVERY;
  readonly translationStats: MachineTranslationStats = { lifted: 0, reused: 0, reusedWasm: 0 };
  private readonly translations: TranslationCache | null;
  /** This machine's shelf of the cache: its architecture, optimizing and executor. */
  private readonly shelf;
  private readonly replay: ReplayReader;
  /** Modules compiled elsewhere, instantiated over this machine's memory (once each). */
  private readonly adopted = new WeakMap<SharedWasmBatch, AdoptedBatch>();

  constructor(
    readonly arch: Architecture,
    options: MachineOptions = {},
  ) {
    this.memory = options.memory ?? new PagedMemory(options);
    this.executor = options.executor ?? defaultExecutor();
    this.optimize = options.optimize ?? true;
    this.cpu = new Cpu(
      arch.registers,
      this.memory,
      () => this.memory.buffer,
      (options.cpuIndex ?? 0) * CPU_REGISTER_STRIDE,
    );
    this.memory.onGrow(() => this.cpu.refreshViews());
    this.memory.onCodeChange = (first, count) => this.invalidate(first, count);
    this.dispatcher =
      this.executor === 'wasm' || this.executor === 'tiered'
        ? new WasmDispatcher(this.cpu, this.memory)
        : null;
    this.tierUp =
      this.executor === 'tiered' && this.dispatcher
        ? new TierUpQueue<CachedBlock>(
            this.dispatcher,
            options.compiler ?? processCompiler(),
            (block) => this.blocks.get(block.key) === block,
            (block, wasm) => {
              // A block that ran alone and now joins a region: the dispatcher must not keep the old.
              if (block.wasm !== undefined) this.dispatcher?.forget(BigInt(block.key));
              if (wasm.covers) this.coverPages(block.key, wasm.covers);
              const coverReads = this.readsOf(wasm.covers ?? []);
              if (block.translation && wasm.batch && wasm.index !== undefined && coverReads)
                this.translations?.compiled(block.translation, wasm.batch, wasm.index, coverReads);
              block.wasm = wasm;
              // The IR and the threaded closures are garbage from now on.
              block.ir = null;
              block.run = wasm.run;
            },
            (hot) =>
              regionCompanions(
                hot,
                (pc) => this.runsAlone(pc),
                (pc) => this.liftAgain(pc),
              ),
          )
        : null;
    this.code = {
      fetch32: (pc) => this.memory.fetch32(pc),
      canFetch: (pc) => this.memory.canFetch(pc),
      shared: this.memory.shared,
      fetch16: (pc) => fetchParcel(this.memory, pc),
      canFetch16: (pc) => (pc & 1n) === 0n && this.memory.canFetch(pc & ~3n),
    };
    // Compiled modules hold their CPU's offsets: only machines of CPU 0 share them.
    this.translations = (options.cpuIndex ?? 0) === 0 ? (options.translations ?? null) : null;
    this.replay = { code: this.code, fetch32Low: (address) => this.memory.fetch32Low(address) };
    // Memories of both kinds share a shelf: most blocks are lifted alike for both (see find).
    this.shelf = this.translations?.shelf(arch, `${this.optimize}/${this.executor}`) ?? null;
  }

  /** Lifts the block at `pc` without running it (for tests and tools). */
  lift(pc: bigint): IrBlock {
    return this.arch.lift(this.code, pc);
  }

  private translate(pc: bigint): CachedBlock {
    if (this.translations && this.shelf) {
      const found = this.translations.find(this.shelf, pc, this.replay, this.memory.shared);
      if (found) {
        const block = this.reuse(pc, found);
        if (block) return block;
      }
    }
    let block: IrBlock;
    // Tiered: the optimizer waits until the block gets hot enough for wasm (see `runSlice`).
    const deferOptimize = this.optimize && this.executor === 'tiered';
    const recorder = this.translations ? new RecordingReader(this.code) : null;
    try {
      block = this.arch.lift(recorder ?? this.code, pc);
      if (this.optimize && !deferOptimize) block = optimizeBlock(block);
    } catch (error) {
      if (error instanceof GuestSignal) {
        error.pc ??= pc;
        throw error;
      }
      throw liftingFailed(pc, error);
    }
    this.translationStats.lifted++;
    const untilTierUp = this.executor === 'tiered' ? TIER_UP_AFTER : -1;
    const translation =
      recorder && this.shelf
        ? this.translations?.add(
            this.shelf,
            block,
            deferOptimize,
            recorder.reads,
            untilTierUp,
            recorder.askedShared ? this.memory.shared : null,
          )
        : null;
    const wasm = this.executor === 'wasm' ? this.dispatcher?.compile(block) : undefined;
    if (translation && wasm?.batch && wasm.index !== undefined)
      this.translations?.compiled(translation, wasm.batch, wasm.index);
    const run = wasm !== undefined ? wasm.run : this.runnerFor(block);
    return this.cache(
      cachedBlock(pc, block.end, run, untilTierUp, block, deferOptimize, wasm, block.instructionCount),
      translation ?? null,
    );
  }

  /** How this machine's executor runs `block` before (or without) wasm. */
  private runnerFor(block: IrBlock): CachedBlock['run'] {
    return this.executor === 'reference' || this.executor === 'tiered'
      ? (cpu: Cpu, memory: PagedMemory) => interpretBlock(block, cpu, memory)
      : this.executor === 'compiled'
        ? compileBlock(block, this.arch.registers, this.cpu.scratch)
        : threadBlock(block, this.cpu, this.memory);
  }

  /**
   * A block from the run's translation cache, on the tier it reached there: as wasm (its module
   * instantiated over this memory) or threaded once it ran often enough. Null when this machine
   * cannot run it as kept (it has only wasm, and this executor has none).
   */
  private reuse(pc: bigint, t: Translation): CachedBlock | null {
    let wasm: WasmBlock | undefined;
    if (t.wasm !== null && this.dispatcher) {
      let adopted = this.adopted.get(t.wasm.batch);
      if (adopted === undefined) {
        adopted = this.dispatcher.adopt(t.wasm.batch);
        this.adopted.set(t.wasm.batch, adopted);
      }
      wasm = adopted.block(t.wasm.index);
    } else if (t.ir === null) return null;
    let ir = t.ir;
    let unoptimized = t.unoptimized;
    let untilTierUp = -1;
    let run: CachedBlock['run'];
    if (wasm !== undefined) {
      run = wasm.run;
      ir = null;
      if (this.executor === 'tiered') untilTierUp = 0;
    } else {
      let block = ir as IrBlock;
      if (unoptimized && this.optimize && this.executor !== 'tiered') {
        block = optimizeBlock(block);
        ir = block;
        unoptimized = false;
      }
      run = this.runnerFor(block);
      // Tiered: the runs of earlier processes count towards wasm (code each process runs a few
      // times gets compiled once for all), but not towards threading, which every process would
      // pay for again: a block past that point is interpreted until it goes to wasm.
      if (this.executor === 'tiered') untilTierUp = Math.max(t.untilTierUp, 1);
    }
    this.translationStats.reused++;
    if (wasm !== undefined) this.translationStats.reusedWasm++;
    return this.cache(cachedBlock(pc, t.end, run, untilTierUp, ir, unoptimized, wasm, t.instructionCount), t);
  }

  /** Enters `cached` in the block cache and the pages it spans. */
  private cache(cached: CachedBlock, translation: Translation | null): CachedBlock {
    cached.translation = translation;
    const { key, firstPage, lastPage } = cached;
    this.blocks.set(key, cached);
    for (let p = firstPage; p <= lastPage; p++) {
      const list = this.blocksByPage.get(p);
      if (list) list.push(key);
      else this.blocksByPage.set(p, [key]);
    }
    if (cached.wasm?.covers) this.coverPages(key, cached.wasm.covers);
    return cached;
  }

  /** The block at `pc` if it runs as wasm of its own, in no region. */
  private runsAlone(pc: bigint): CachedBlock | undefined {
    if (pc > 0xffff_ffffn) return undefined;
    const block = this.blocks.get(Number(pc));
    if (block?.wasm === undefined || block.wasm.covers !== undefined || block.liftedAgain) return undefined;
    return block;
  }

  /** The block at `pc` lifted again from its code (unchanged: the block is live), or null. */
  private liftAgain(pc: bigint): IrBlock | null {
    try {
      const lifted = this.arch.lift(this.code, pc);
      const ir = this.optimize ? optimizeBlock(lifted) : lifted;
      const block = this.blocks.get(Number(pc));
      if (block) block.liftedAgain = true;
      const targetsSeen = block?.targetsSeen;
      return targetsSeen?.length ? { ...ir, targetsSeen } : ir;
    } catch {
      return null;
    }
  }

  /**
   * Lists the block at `key` under the pages of `covers` too: its function runs their code (a
   * region), so rewriting or unmapping them must drop it as well.
   */
  private coverPages(key: number, covers: readonly (readonly [bigint, bigint])[]): void {
    for (const [pc, end] of covers) {
      const last = Number((end > pc ? end - 1n : pc) >> BigInt(PAGE_SHIFT));
      for (let p = Number(pc >> BigInt(PAGE_SHIFT)); p <= last; p++) {
        const list = this.blocksByPage.get(p);
        if (list === undefined) this.blocksByPage.set(p, [key]);
        else if (!list.includes(key)) list.push(key);
      }
    }
  }

  /**
   * What the lifter read for the blocks at these PCs, for the translation cache; null when one of
   * them has no translation there (then a function running their code is not shared).
   */
  private readsOf(covers: readonly (readonly [bigint, bigint])[]): number[] | null {
    const reads: number[] = [];
    for (const [pc] of covers) {
      const t = this.blocks.get(Number(pc))?.translation;
      if (!t) return null;
      for (const r of t.reads) reads.push(r);
    }
    return reads;
  }

  private invalidate(firstPage: number, count: number): void {
    if (count > this.blocksByPage.size) {
      // A range wider than the pages holding code (an image torn down, a big unmap): walk
      // those pages rather than every page of the range.
      for (const p of [...this.blocksByPage.keys()]) {
        if (p >= firstPage && p < firstPage + count) this.dropPage(p);
      }
      return;
    }
    for (let p = firstPage; p < firstPage + count; p++) this.dropPage(p);
  }

  /** Drops the cached blocks that start on, or reach into, page `p`. */
  private dropPage(p: number): void {
    const keys = this.blocksByPage.get(p);
    if (!keys) return;
    this.blocksByPage.delete(p);
    for (const key of keys) {
      this.blocks.delete(key);
      const slot = (key >>> 2) & FAST_MASK;
      if (this.fastPc[slot] === key) this.fastBlock[slot] = undefined;
      this.dispatcher?.forget(BigInt(key));
    }
  }

  /** Optimizes a block that got hot; its cache entry keeps the result for the machines after. */
  private wentHot(block: CachedBlock): void {
    const t = block.translation;
    const wasOptimized = !block.unoptimized;
    const ir = optimized(block);
    // This machine's compile gets the hint; the translation cache keeps the IR without it.
    if (block.targetsSeen?.length) block.ir = { ...ir, targetsSeen: block.targetsSeen };
    // Still interpreted (it got hot in earlier processes): threaded while its module compiles.
    if (block.interpreted) {
      block.run = threadBlock(ir, this.cpu, this.memory);
      block.interpreted = false;
    }
    if (t === null || this.translations === null) return;
    t.untilTierUp = 0;
    if (!wasOptimized && t.ir !== null && t.unoptimized) this.translations.optimized(t, ir);
  }

  /**
   * Tells the translation cache how close each block came to being compiled, so that code every
   * process runs a few times (a shell's start-up, the dynamic loader) gets hot across processes.
   * For a machine no process runs any more.
   */
  retire(): void {
    if (this.translations === null) return;
    for (const block of this.blocks.values()) {
      const t = block.translation;
      if (t !== null && block.untilTierUp >= 0 && block.untilTierUp < t.untilTierUp)
        t.untilTierUp = block.untilTierUp;
    }
  }

  /** Drops every cached block (code changed somewhere this machine cannot tell). */
  forgetAllCode(): void {
    this.invalidate(0, Number.POSITIVE_INFINITY);
  }

  /** Number of blocks currently cached. */
  get cachedBlocks(): number {
    return this.blocks.size;
  }

  /** How the tiered executor's compiles went (null on the other executors). */
  get tierUpStats(): Readonly<TierUpStats> | null {
    return this.tierUp?.stats ?? null;
  }

  /**
   * Runs from the current PC until the guest exits or dies. System calls go to `kernel`.
   * Guest deaths are results; emulator failures throw EmulatorError.
   */
  run(kernel: LinuxKernel, options: { timeoutMs?: number } = {}): MachineExit {
    // A process of a system: its scheduler runs it (and whatever it forks).
    if (kernel.system) return kernel.system.run(options);
    const deadline = options.timeoutMs ? Date.now() + options.timeoutMs : Number.POSITIVE_INFINITY;
    for (;;) {
      const exit = this.runSlice(kernel, Number.POSITIVE_INFINITY, deadline, options.timeoutMs ?? 0);
      if (exit) return exit;
    }
  }

  /**
   * Like `run`, but gives the event loop a turn every `sliceMs` milliseconds, so a host process
   * (a server, a test runner) stays responsive while the guest computes.
   */
  async runAsync(
    kernel: LinuxKernel,
    options: { timeoutMs?: number; sliceMs?: number } = {},
  ): Promise<MachineExit> {
    if (kernel.system) return kernel.system.runAsync(options);
    const deadline = options.timeoutMs ? Date.now() + options.timeoutMs : Number.POSITIVE_INFINITY;
    const slice = options.sliceMs ?? 50;
    for (;;) {
      const exit = this.runSlice(kernel, Date.now() + slice, deadline, options.timeoutMs ?? 0);
      if (exit) return exit;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /**
   * Runs blocks until the guest ends (returns how), `sliceEnd` passes, or the current thread
   * cannot go on (it blocked, exited or changed its image: the scheduler's business); then null.
   */
  runSlice(kernel: SliceHost, sliceEnd: number, deadline: number, timeoutMs: number): MachineExit | null {
    const cpu = this.cpu;
    const memory = this.memory;
    const pcSlot = this.arch.registers.pc;
    const fastPc = this.fastPc;
    const fastBlock = this.fastBlock;
    const tierUp = this.tierUp;
    let budget = 0;
    try {
      kernel.beforeSlice?.(cpu); // signals that arrived while this thread waited for the CPU
      for (;;) {
        const r32 = cpu.regs32;
        const lo = r32[pcSlot * 2] >>> 0;
        const slot = (lo >>> 2) & FAST_MASK;
        let block = fastBlock[slot];
        if (block === undefined || fastPc[slot] !== lo || r32[pcSlot * 2 + 1] !== 0) {
          if (r32[pcSlot * 2 + 1] === 0) {
            block = this.blocks.get(lo) ?? this.translate(cpu.regs[pcSlot]);
            fastPc[slot] = lo;
            fastBlock[slot] = block;
          } else {
            // Code above 4 GiB: the fast slots hold 32-bit PCs, the block cache any PC.
            const pc = cpu.regs[pcSlot];
            block = this.blocks.get(Number(pc)) ?? this.translate(pc);
          }
        }
        // Tiered: interpreted first, then threaded, then hot blocks become wasm with native i64.
        if (block.untilTierUp > 0) {
          const left = --block.untilTierUp;
          if (left === TIER_UP_AFTER - INTERPRETED_RUNS) {
            // As lifted: a block that gets hot is optimized once, for wasm; most never get there.
            block.run = threadBlock(block.ir as IrBlock, cpu, memory);
            block.interpreted = false;
          } else if (left === 0 && tierUp) {
            this.wentHot(block);
            tierUp.add(block);
          }
        }
        if (tierUp?.busy && --this.pollIn <= 0) {
          this.pollIn = COMPILE_POLL_EVERY;
          tierUp.pump();
        }
        if (block.wasm !== undefined && this.dispatcher) {
          // Wasm blocks count their own instructions and run on into other wasm blocks.
          const exit = this.dispatcher.enter(block.wasm, WASM_CHAIN);
          this.instructions += this.dispatcher.take();
          budget += WASM_CHAIN >>> 2;
          if (exit === EXIT_SYSCALL) kernel.syscall(cpu);
        } else {
          this.instructions += block.instructionCount;
          if (block.run(cpu, memory) === EXIT_SYSCALL) kernel.syscall(cpu);
          else if (block.targetsSeen !== undefined) noteTarget(block.targetsSeen, cpu.regs[pcSlot]);
        }
        if (++budget >= 4096) {
          budget = 0;
          kernel.tick?.(cpu); // timers that expired while the guest computed send their signals
          const now = Date.now();
          if (now > deadline) throw new GuestTimeoutError(timeoutMs);
          if (now > sliceEnd) return null;
        }
      }
    } catch (error) {
      if (this.dispatcher) this.instructions += this.dispatcher.take();
      if (error instanceof Reschedule) return null;
      if (error instanceof GuestExit) return { exitCode: error.status };
      if (error instanceof GuestSignal) {
        // The guest's handler may take it; then the next slice runs from the handler.
        const fatal = kernel.deliverFault(cpu, error);
        return fatal ? deathBy(fatal) : null;
      }
      if (error instanceof EmulatorError || error instanceof GuestTimeoutError) throw error;
      if (error instanceof GuestDeadlockError) throw error;
      const pc = cpu.regs[pcSlot];
      throw new EmulatorError(`internal error near pc 0x${pc.toString(16)}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
}

/** The block's IR after `optimizeBlock`, which runs on the block's first tier-up. */
function optimized(block: CachedBlock): IrBlock {
  if (block.ir === null) throw new Error('a block running as wasm has no IR');
  if (block.unoptimized) {
    try {
      block.ir = optimizeBlock(block.ir);
    } catch (error) {
      throw liftingFailed(block.ir.pc, error);
    }
    block.unoptimized = false;
  }
  return block.ir;
}

function liftingFailed(pc: bigint, error: unknown): EmulatorError {
  return new EmulatorError(`lifting the block at 0x${pc.toString(16)} failed: ${(error as Error).message}`, {
    cause: error,
  });
}

function deathBy(signal: GuestSignal): MachineExit {
  const at = signal.pc === null ? '' : ` at pc 0x${signal.pc.toString(16)}`;
  const what =
    signal instanceof GuestFault
      ? `fault address 0x${signal.address.toString(16)} (${signal.access})`
      : signal.detail;
  return {
    exitCode: 128 + signal.signo,
    signal: signal.signal,
    report: `guest terminated by ${signal.signal}: ${what}${at}`,
    dumpsCore: defaultAction(signal.signo) === 'core',
  };
}
