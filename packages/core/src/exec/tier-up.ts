/**
 * The tiered executor's way to WebAssembly: blocks that get hot wait here, go to the compiler
 * many to a module (one module per block cost V8 about a millisecond each, and memory), and are
 * installed when their module comes back — unless their code changed in the meantime.
 */
import type { IrBlock } from '../ir/types.js';
import type { Companion } from './region-companions.js';
import type { WasmBlock, WasmDispatcher } from './wasm/dispatcher.js';
import type { ModuleCompiler } from './wasm/module-compiler.js';

/** What the queue needs of a machine's cached block. */
export interface HotBlock {
  /** The block's optimized IR; null once it runs as wasm (nothing needs it then). */
  ir: IrBlock | null;
  wasm?: WasmBlock;
}

/**
 * Most blocks one module takes: bigger batches amortise more, but the last block of a batch
 * waits for the whole compile.
 */
export const MAX_BATCH = 512;

/**
 * A batch goes when this many blocks wait, or when the oldest has waited `MAX_WAIT_PUMPS` pumps:
 * sending every block as it gets hot would pay a module's fixed costs for each again.
 */
export const MIN_BATCH = 24;
export const MAX_WAIT_PUMPS = 8;

/** What the queue has done so far (for tests and `--stats`). */
export interface TierUpStats {
  /** Modules sent to the compiler. */
  modules: number;
  /** Blocks that came back compiled and now run as wasm. */
  installed: number;
  /** Blocks that came back compiled after their code had changed, and were thrown away. */
  discarded: number;
}

export class TierUpQueue<B extends HotBlock> {
  readonly stats: TierUpStats = { modules: 0, installed: 0, discarded: 0 };
  private waiting: B[] = [];
  private inFlight = 0;
  /** Pumps since the oldest waiting block was queued. */
  private waited = 0;

  constructor(
    private readonly dispatcher: WasmDispatcher,
    private readonly compiler: ModuleCompiler,
    /**
     * Whether the machine still runs this block: false once its code was written or unmapped.
     * A block that is not live is never compiled, nor installed when its module arrives.
     */
    private readonly isLive: (block: B) => boolean,
    private readonly install: (block: B, wasm: WasmBlock) => void,
    /** Blocks compiled before that go with a batch (see region-companions.ts). */
    private readonly companions: (hot: readonly IrBlock[]) => Companion<B>[] = () => [],
  ) {}

  /** Whether blocks wait to be sent or compiles are outstanding (`pump` has work). */
  get busy(): boolean {
    return this.waiting.length > 0 || this.inFlight > 0;
  }

  /** Queues a block that got hot (with its IR). */
  add(block: B): void {
    this.waiting.push(block);
  }

  /**
   * Installs the blocks of every module that came back, then, when no compile of this queue is
   * outstanding, sends what waits as the next batch. Throws if a module failed to compile.
   */
  pump(): void {
    if (this.inFlight > 0) this.compiler.poll();
    if (this.inFlight > 0 || this.waiting.length === 0) return;
    if (this.waiting.length < MIN_BATCH && ++this.waited < MAX_WAIT_PUMPS) return;
    this.waited = 0;
    const blocks: B[] = [];
    const irs: IrBlock[] = [];
    let taken = 0;
    for (; taken < this.waiting.length && blocks.length < MAX_BATCH; taken++) {
      const block = this.waiting[taken];
      if (block.ir === null || block.wasm !== undefined || !this.isLive(block)) continue;
      blocks.push(block);
      irs.push(block.ir);
    }
    this.waiting = this.waiting.slice(taken);
    if (blocks.length === 0) return;
    for (const { block, ir } of this.companions(irs)) {
      blocks.push(block);
      irs.push(ir);
    }
    const pending = this.dispatcher.batch(irs);
    this.inFlight++;
    this.stats.modules++;
    this.compiler.submit(pending.bytes, (result) => {
      this.inFlight--;
      if (result instanceof Error) {
        throw new Error(
          `compiling a batch of ${blocks.length} hot blocks (the first at 0x${irs[0].pc.toString(16)}) to WebAssembly failed: ${result.message}`,
          { cause: result },
        );
      }
      const wasm = pending.finish(result);
      const live = blocks.map((block) => this.isLive(block));
      blocks.forEach((block, i) => {
        // A function that runs other blocks' code too is stale when any of them is.
        if ((pending.regionOf[i] ?? [i]).every((j) => live[j])) {
          this.install(block, wasm[i]);
          this.stats.installed++;
        } else this.stats.discarded++;
      });
    });
  }
}
