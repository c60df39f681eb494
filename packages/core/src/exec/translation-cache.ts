/**
 * Translations shared by every machine of a run. A shell loop or a build execs the same programs
 * (the shell, the dynamic loader, libc) again and again, and every fork and exec starts a new
 * machine whose block cache is empty; without this, each one lifts and compiles the same code
 * again. A translation is kept with the code words the lifter read to make it, and another
 * machine takes it only if reading those words in its own memory gives the same values: code at
 * the same address with other contents (another program, a relocated library, code the program
 * wrote) is lifted anew.
 */
import type { Architecture, CodeReader } from '../arch.js';
import type { IrBlock } from '../ir/types.js';
import { RecencyList } from './recency-list.js';
import type { SharedWasmBatch } from './wasm/dispatcher.js';

/** How the lifter read a word, as recorded for replay. */
const FETCH32 = 0;
const CAN_FETCH32 = 1;
const FETCH16 = 2;
const CAN_FETCH16 = 3;

/** Versions kept per guest PC: code at one address differs between programs, not without end. */
export const VERSIONS_PER_PC = 4;
/** The default byte cap (ARM64KIT_TRANSLATION_CACHE_MB overrides it; 0 turns the cache off). */
export const DEFAULT_CACHE_MB = 96;
/** Bytes counted per IR instruction and per recorded read (estimates: V8 has no sizeof). */
const IR_INST_BYTES = 160;
const READ_BYTES = 24;
const ENTRY_BYTES = 200;

/** A lifted block as another machine may take it. */
export interface Translation {
  readonly pc: bigint;
  /** What the lifter read: [kind, address, value] triples, in order. */
  readonly reads: readonly number[];
  /**
   * Once it runs as wasm that runs other blocks' code too (a region), what their lifters read:
   * the wasm is only for a machine where that reads the same as well.
   */
  coverReads: readonly number[];
  /** The block's IR (null once it runs as wasm: the machines that take it then need none). */
  ir: IrBlock | null;
  /**
   * The kind of memory (shared or not) its IR is for, when the lifter asked (exclusives and
   * atomics are lifted differently for each); null when it serves both.
   */
  readonly sharedMemory: boolean | null;
  /** Whether `ir` has yet to go through `optimizeBlock`. */
  unoptimized: boolean;
  readonly instructionCount: number;
  readonly end: bigint;
  /** The compiled module that holds the block, once some machine compiled it. */
  wasm: { readonly batch: SharedWasmBatch; readonly index: number } | null;
  /** Executions left before the tiered executor compiles it, as far as any machine got. */
  untilTierUp: number;
  /** Bytes it counts for against the cap. */
  bytes: number;
  /** Its shelf (gone when evicted). */
  shelf: Shelf | null;
  /** Its neighbours in the cache's order of use. */
  older: Translation | null;
  newer: Translation | null;
}

/** What the cache did in a run (`RunResult.translations`, `arm64kit run --stats`). */
export interface TranslationCacheStats {
  /** Blocks that were lifted (found in no machine and not in the cache). */
  lifted: number;
  /** Blocks a machine took from the cache instead of lifting them. */
  reused: number;
  /** Of those, blocks that ran as wasm at once, from a module another machine compiled. */
  reusedWasm: number;
  /** Cached versions passed over because the code in memory now reads differently. */
  mismatched: number;
  /** Translations dropped to stay under the byte cap, or for a newer version at their PC. */
  evicted: number;
  /** Translations held now, and their estimated bytes. */
  entries: number;
  bytes: number;
}

/** Translations made under the same conditions (architecture, optimizing, executor). */
interface Shelf {
  /** Versions by PC (as a number: exact below 2^53, where every recorded translation is). */
  readonly byPc: Map<number, Translation[]>;
}

/**
 * How the cache reads guest code to check a translation: the lifter's reader, and the same
 * 32-bit fetch for an aligned address below 4 GiB without BigInts (-1 where it faults).
 */
export interface ReplayReader {
  readonly code: CodeReader;
  fetch32Low(address: number): number;
}

/**
 * The run-wide cache: one per run (a GuestSystem), passed to every machine it makes. Least
 * recently used translations go first when the estimated bytes pass the cap.
 */
export class TranslationCache {
  readonly stats: TranslationCacheStats = {
    lifted: 0,
    reused: 0,
    reusedWasm: 0,
    mismatched: 0,
    evicted: 0,
    entries: 0,
    bytes: 0,
  };
  private readonly shelves = new Map<Architecture, Map<string, Shelf>>();
  /** Every translation held, least recently used first. */
  private readonly lru = new RecencyList<Translation>();

  constructor(readonly capBytes: number) {}

  /** The cache a run gets: sized by ARM64KIT_TRANSLATION_CACHE_MB, null when that is 0. */
  static fromEnvironment(): TranslationCache | null {
    const named = globalThis.process?.env?.ARM64KIT_TRANSLATION_CACHE_MB;
    const mb = named === undefined || named === '' ? DEFAULT_CACHE_MB : Number(named);
    if (!Number.isFinite(mb) || mb < 0)
      throw new Error(`ARM64KIT_TRANSLATION_CACHE_MB must be a number of MiB, 0 for none (got ${named})`);
    return mb === 0 ? null : new TranslationCache(mb * 1024 * 1024);
  }

  /** The shelf for one set of conditions: translations on another shelf are never taken. */
  shelf(arch: Architecture, conditions: string): Shelf {
    let byArch = this.shelves.get(arch);
    if (byArch === undefined) {
      byArch = new Map();
      this.shelves.set(arch, byArch);
    }
    let shelf = byArch.get(conditions);
    if (shelf === undefined) {
      shelf = { byPc: new Map() };
      byArch.set(conditions, shelf);
    }
    return shelf;
  }

  /**
   * A translation of the code at `pc` as `code` reads now, for a memory that is `shared` or not,
   * or null. Replaying its reads goes through `code`, so the pages are marked as holding code, as
   * lifting would have marked them.
   */
  find(shelf: Shelf, pc: bigint, code: ReplayReader, shared: boolean): Translation | null {
    const versions = shelf.byPc.get(Number(pc));
    if (versions === undefined) return null;
    // Most recently used last: a PC whose code keeps changing finds its latest version first.
    for (let i = versions.length - 1; i >= 0; i--) {
      const t = versions[i];
      // A module runs over memories of the kind it was compiled for only (its memory import).
      const kind = t.wasm !== null ? t.wasm.batch.sharedMemory : t.sharedMemory;
      if (kind !== null && kind !== shared) continue;
      if (!readsMatch(t.reads, code) || !readsMatch(t.coverReads, code)) {
        this.stats.mismatched++;
        continue;
      }
      if (i !== versions.length - 1) {
        versions.splice(i, 1);
        versions.push(t);
      }
      this.lru.touch(t);
      this.stats.reused++;
      if (t.wasm !== null) this.stats.reusedWasm++;
      return t;
    }
    return null;
  }

  /**
   * Keeps a block just lifted from `reads` (for memories of kind `sharedMemory`, or null: any);
   * null when it cannot be replayed (very high code).
   */
  add(
    shelf: Shelf,
    ir: IrBlock,
    unoptimized: boolean,
    reads: readonly number[] | null,
    untilTierUp: number,
    sharedMemory: boolean | null,
  ) {
    this.stats.lifted++;
    if (reads === null) return null;
    const t: Translation = {
      pc: ir.pc,
      reads,
      coverReads: [],
      ir,
      sharedMemory,
      unoptimized,
      instructionCount: ir.instructionCount,
      end: ir.end,
      wasm: null,
      untilTierUp,
      bytes: ENTRY_BYTES + reads.length * (READ_BYTES / 3) + ir.insts.length * IR_INST_BYTES,
      shelf,
      older: null,
      newer: null,
    };
    // The least recently used version at this PC makes room (each PC's list is in use order).
    const key = Number(t.pc);
    const full = shelf.byPc.get(key);
    if (full !== undefined && full.length >= VERSIONS_PER_PC) this.evict(full[0]);
    const versions = shelf.byPc.get(key);
    if (versions === undefined) shelf.byPc.set(key, [t]);
    else versions.push(t);
    this.lru.touch(t);
    this.stats.entries++;
    this.grow(t.bytes);
    return t;
  }

  /** Records that `t` went through the optimizer (machines that take it next skip that). */
  optimized(t: Translation, ir: IrBlock): void {
    if (t.shelf === null || t.ir === null) return;
    const before = t.bytes;
    t.ir = ir;
    t.unoptimized = false;
    t.bytes = ENTRY_BYTES + t.reads.length * (READ_BYTES / 3) + ir.insts.length * IR_INST_BYTES;
    this.grow(t.bytes - before);
  }

  /**
   * Records that `t` runs as block `index` of `batch`; its IR is not needed any more. `coverReads`
   * are the reads of the other blocks whose code that function runs: a machine takes it only
   * where all of that code reads the same.
   */
  compiled(t: Translation, batch: SharedWasmBatch, index: number, coverReads: readonly number[] = []): void {
    if (t.shelf === null || t.wasm !== null) return;
    const before = t.bytes;
    t.coverReads = coverReads;
    t.wasm = { batch, index };
    t.ir = null;
    t.untilTierUp = 0;
    // Each block carries its share of the module (the module lives while any of them does).
    t.bytes =
      ENTRY_BYTES +
      (t.reads.length + coverReads.length) * (READ_BYTES / 3) +
      Math.ceil(batch.byteLength / batch.shapes.length);
    this.grow(t.bytes - before);
  }

  private grow(delta: number): void {
    this.stats.bytes += delta;
    for (
      let oldest = this.lru.oldest;
      oldest !== null && this.stats.bytes > this.capBytes;
      oldest = this.lru.oldest
    )
      this.evict(oldest);
  }

  private evict(t: Translation): void {
    const shelf = t.shelf;
    if (shelf === null) return;
    t.shelf = null;
    this.lru.remove(t);
    const versions = shelf.byPc.get(Number(t.pc));
    if (versions !== undefined) {
      const i = versions.indexOf(t);
      if (i >= 0) versions.splice(i, 1);
      if (versions.length === 0) shelf.byPc.delete(Number(t.pc));
    }
    this.stats.entries--;
    this.stats.bytes -= t.bytes;
    this.stats.evicted++;
  }
}

/** Addresses above this are not recorded: a read is kept as numbers (see `Translation.reads`). */
const MAX_RECORDED_ADDRESS = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * A CodeReader that records what the lifter reads through it, for `TranslationCache.add`.
 * `reads` is null when an address could not be recorded exactly (above 2^53).
 */
export class RecordingReader implements CodeReader {
  reads: number[] | null = [];
  /** Whether the lifter asked if the memory is shared (then its block is for that kind only). */
  askedShared = false;

  constructor(private readonly code: CodeReader) {}

  get shared(): boolean | undefined {
    this.askedShared = true;
    return this.code.shared;
  }

  private note(kind: number, pc: bigint, value: number): void {
    if (this.reads === null) return;
    if (pc > MAX_RECORDED_ADDRESS) this.reads = null;
    else this.reads.push(kind, Number(pc), value);
  }

  fetch32(pc: bigint): number {
    const value = this.code.fetch32(pc);
    this.note(FETCH32, pc, value);
    return value;
  }

  canFetch(pc: bigint): boolean {
    const ok = this.code.canFetch(pc);
    this.note(CAN_FETCH32, pc, ok ? 1 : 0);
    return ok;
  }

  fetch16(pc: bigint): number {
    const value = this.code.fetch16(pc);
    this.note(FETCH16, pc, value);
    return value;
  }

  canFetch16(pc: bigint): boolean {
    const ok = this.code.canFetch16(pc);
    this.note(CAN_FETCH16, pc, ok ? 1 : 0);
    return ok;
  }
}

/** Whether reading `reads`' addresses through `code` now gives what the lifter got. */
function readsMatch(reads: readonly number[], reader: ReplayReader): boolean {
  const code = reader.code;
  for (let i = 0; i < reads.length; i += 3) {
    const kind = reads[i];
    const address = reads[i + 1];
    const value = reads[i + 2];
    if (kind === FETCH32 && address < 0x100000000) {
      if (reader.fetch32Low(address) !== value) return false;
      continue;
    }
    const pc = BigInt(address);
    switch (kind) {
      case FETCH32:
        if (!code.canFetch(pc) || code.fetch32(pc) !== value) return false;
        break;
      case CAN_FETCH32:
        if ((code.canFetch(pc) ? 1 : 0) !== value) return false;
        break;
      case FETCH16:
        if (!code.canFetch16(pc) || code.fetch16(pc) !== value) return false;
        break;
      default:
        if ((code.canFetch16(pc) ? 1 : 0) !== value) return false;
    }
  }
  return true;
}
