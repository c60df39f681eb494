import { GuestFault, GuestSignal } from '../signals.js';
import { HighPageIndex, highPageEntry } from './high-page-index.js';
import { HIGH_END_PAGE, HIGH_FIRST_PAGE, HighRegion } from './high-region.js';
import { RegionNames } from './region-names.js';
import { SharedRanges } from './shared-mappings.js';
import {
  type AccessSize,
  type AtomicOp,
  type GuestMemory,
  PROT_EXEC,
  PROT_READ,
  PROT_WRITE,
} from './types.js';

/**
 * Thrown by a memory attached on a CPU worker (see `PagedMemory.attach`) where only the kernel's
 * thread may act: a page's first touch (host pages are handed out there), an address above
 * 4 GiB, a store to a page holding lifted code. Like a fault it stops the instruction before it
 * changed anything, so the thread goes back to the kernel's thread and runs it again there.
 */
export class KernelNeeded extends GuestSignal {
  constructor(what: string) {
    super('KERNEL', what, 0);
  }
}

/** Thrown when the host cannot provide more memory for the guest. */
export class OutOfMemoryError extends Error {
  readonly code = 'GUEST_OOM';
  constructor(message: string) {
    super(message);
    this.name = 'OutOfMemoryError';
  }
}

const PAGE_SHIFT = 12;
const PAGE_SIZE = 1 << PAGE_SHIFT;
const PAGE_MASK = PAGE_SIZE - 1;
const WASM_PAGE = 65536;
/**
 * Guest pages under the flat page table: [0, 4 GiB), where every executor translates inline.
 * Pages from 4 GiB to the end of the 48-bit user space live in a `HighRegion`, reached only
 * through the accessors' slow paths (an address with a non-zero high half never passes the
 * inline checks).
 */
const GUEST_PAGES = HIGH_FIRST_PAGE;
/** Page-table entry bits: low 3 are PROT_*, then "holds lifted code", then the host page number. */
const CODE = 8;
const HOST_SHIFT = 4;
/** Top-down placement of non-fixed mappings starts below this guest page (the mmap base). */
const MMAP_BASE_PAGE = 0xf7000000 / PAGE_SIZE;

/**
 * The entry of a page mapped with protection `prot` that has no host page yet: host page
 * 1 + prot (the register file's, never behind a guest page) and protection bits 0, so every
 * executor's inline check misses and the slow path here backs the page with a zeroed host page
 * on its first permitted access, as the kernel's demand paging does. A stack, a heap or a Go
 * arena costs host memory (and a fork's copy) only for the pages the program touches.
 */
function unbacked(prot: number): number {
  return (1 + (prot & 7)) << HOST_SHIFT;
}
/** (PROT_NONE reservations are the prot-0 case: Go reserves hundreds of megabytes, uses a little.) */
const LAST_UNBACKED = unbacked(7);

function isUnbacked(entry: number): boolean {
  return entry !== 0 && entry <= LAST_UNBACKED;
}

/** The protection a (non-zero) page-table entry grants, backed or not. */
function protectionOf(entry: number): number {
  return entry <= LAST_UNBACKED ? (entry >>> HOST_SHIFT) - 1 : entry & 7;
}

export { CODE as CODE_BIT, HOST_SHIFT };
/**
 * Bytes at the start of the wasm memory never guest-mapped: the register files (first 64 KiB) and
 * the executors' own tables (the wasm executor's block dispatch cache): the kernel thread's CPU
 * in the first 6 wasm pages, then 5 for each of three more CPUs (see exec/wasm/runtime.ts).
 */
export const RESERVED_BYTES = 21 * WASM_PAGE;
/** The part a fork copies: the kernel thread's CPU (the other CPUs' areas start afresh). */
const FIRST_CPU_BYTES = 6 * WASM_PAGE;
/**
 * The page table lives in the wasm memory right after the register file, so compiled blocks can
 * translate guest addresses without leaving wasm: one int32 entry per guest page.
 */
export const PAGE_TABLE_OFFSET = RESERVED_BYTES;
const PAGE_TABLE_BYTES = GUEST_PAGES * 4;
/** First host page handed out for guest pages. */
const FIRST_HOST_PAGE = (PAGE_TABLE_OFFSET + PAGE_TABLE_BYTES) >>> PAGE_SHIFT;
/** Page-table entries per chunk that `fork` copies or skips: one host page of the table. */
const TABLE_CHUNK_SHIFT = PAGE_SHIFT - 2;
const TABLE_CHUNK = 1 << TABLE_CHUNK_SHIFT;

const TWO32 = 4294967296;

const WIDTH_MASK: Record<AccessSize, bigint> = { 1: 0xffn, 2: 0xffffn, 4: 0xffffffffn, 8: (1n << 64n) - 1n };

/** The int32 word `fence` updates: the last word of the register file's area, which no slot reaches. */
const FENCE_WORD = (WASM_PAGE - 4) >>> 2;
/**
 * The int32 word counting changes to lifted code (a store to, or an unmap or protect of, a page
 * holding some), beside it: CPU workers over the same memory drop their translations when it moves.
 */
export const CODE_EPOCH_WORD = FENCE_WORD - 1;
/** The int32 spin lock that makes 16-byte compare-and-exchanges atomic against each other. */
const PAIR_LOCK_WORD = FENCE_WORD - 2;

function signed(v: bigint, size: AccessSize): bigint {
  return BigInt.asIntN(size * 8, v);
}

/** The value an atomic read-modify-write stores, from the old value and the (masked) operand. */
function applyAtomic(op: AtomicOp, old: bigint, operand: bigint, size: AccessSize): bigint {
  switch (op) {
    case 'add':
      return (old + operand) & WIDTH_MASK[size];
    case 'clr':
      return old & ~operand & WIDTH_MASK[size];
    case 'eor':
      return old ^ operand;
    case 'set':
      return old | operand;
    case 'swp':
      return operand;
    case 'smax':
      return signed(old, size) >= signed(operand, size) ? old : operand;
    case 'smin':
      return signed(old, size) <= signed(operand, size) ? old : operand;
    case 'umax':
      return old >= operand ? old : operand;
    case 'umin':
      return old <= operand ? old : operand;
  }
}

/** The part of `WebAssembly.Memory` used here (typed locally: Node's types omit WebAssembly). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(deltaPages: number): number;
}

const WasmMemoryCtor = (
  globalThis as unknown as {
    WebAssembly: { Memory: new (d: { initial: number; maximum: number; shared?: boolean }) => WasmMemory };
  }
).WebAssembly.Memory;

/** The high half of the address `n` bytes past (lo, hi): an access split at 4 GiB goes on above it. */
function carry(lo: number, n: number, hi: number): number {
  return (lo >>> 0) + n >= TWO32 ? (hi + 1) | 0 : hi;
}

function faultAddress(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

export interface PagedMemoryOptions {
  /** Initial size of the wasm memory in bytes (grown on demand; at least the register file and page table). */
  initialBytes?: number;
  /** Upper bound for the wasm memory in bytes (default 4 GiB). */
  maximumBytes?: number;
  /**
   * A shared `WebAssembly.Memory` (over a SharedArrayBuffer), so that worker threads can run
   * guest threads on it.
   */
  shared?: boolean;
}

/** The part of WebAssembly's API for a shared memory made elsewhere (see `PagedMemory.attach`). */
interface AttachOptions {
  attach: WasmMemory;
}

/**
 * Guest memory as a page table over one `WebAssembly.Memory`. Guest page `p` maps to a host page
 * of the wasm memory (allocated on demand, recycled on unmap); the first `RESERVED_BYTES` of the
 * wasm memory hold the register file. JS reads it through typed-array views that are replaced
 * whenever the memory grows (`onGrow` listeners are told).
 *
 * The int32-pair methods (`load64(lo, hi)`, …) are the interpreter's fast path: a guest address
 * arrives as the two int32 halves of a register-file slot, so no BigInt→Number conversion happens.
 */
export class PagedMemory implements GuestMemory {
  readonly pageSize = PAGE_SIZE;
  readonly wasm: WasmMemory;
  /** Whether `wasm` is a shared memory. */
  readonly shared: boolean;
  /**
   * Guest page number → (host page << 4) | CODE | prot; 0 when unmapped. A view of the wasm
   * memory at PAGE_TABLE_OFFSET, replaced like the other views when the memory grows.
   */
  pageTable!: Int32Array;

  u8!: Uint8Array;
  u16!: Uint16Array;
  u32!: Uint32Array;
  i32!: Int32Array;
  b64!: BigUint64Array;
  dv!: DataView;

  onCodeChange: ((firstPage: number, pageCount: number) => void) | null = null;
  /**
   * Called at an instruction synchronization barrier: a CPU worker's machine drops its
   * translations there if code changed since it lifted them (see CODE_EPOCH_WORD). The kernel's
   * thread needs none: its machine drops blocks as the code changes.
   */
  onInstructionSync: (() => void) | null = null;
  private readonly growListeners: (() => void)[] = [];

  /**
   * Which chunks of the page table a mapping ever reached; the others are zero, as in a new
   * memory, and a fork copies only these (the table is 4 MiB, mostly unmapped).
   */
  private readonly tableChunksUsed = new Uint8Array(GUEST_PAGES >>> TABLE_CHUNK_SHIFT);
  private readonly freeHostPages: number[] = [];
  private nextHostPage = FIRST_HOST_PAGE;
  private readonly maxWasmPages: number;

  /** Where the next top-down search for a non-fixed mapping starts (see findFree). */
  private mmapTopPage = MMAP_BASE_PAGE;
  /** The largest free gap a search skipped above `mmapTopPage` (a smaller request rescans). */
  private skippedHolePages = 0;
  private brkStart = 0;
  private brkCurrent = 0;
  /** Mappings above 4 GiB, backed on first touch. */
  private high = new HighRegion();
  private readonly allocHost = (): number => this.allocHostPage();
  private readonly releaseHost = (host: number): void => {
    this.freeHostPages.push(host);
  };
  /** Where the high region's index for CPU workers lives: in this memory, after the pages handed out. */
  private readonly indexHost = {
    i32: () => this.i32,
    allocate: (bytes: number) => this.allocHostRun(Math.ceil(bytes / PAGE_SIZE)) * PAGE_SIZE,
  };
  /** What /proc/PID/maps calls the mapped files and the program's images. */
  names = new RegionNames();
  /** The MAP_SHARED ranges, whose pages other processes see too. */
  sharedRanges = new SharedRanges();

  /** A view of another thread's memory (see `attach`): it never maps, backs or grows anything. */
  private readonly attached: boolean;

  constructor(options: PagedMemoryOptions | AttachOptions = {}) {
    if ('attach' in options) {
      this.attached = true;
      this.shared = true;
      this.wasm = options.attach;
      this.maxWasmPages = 0;
      this.refreshViews();
      return;
    }
    this.attached = false;
    const initial = Math.max(
      Math.ceil(((FIRST_HOST_PAGE + 1) << PAGE_SHIFT) / WASM_PAGE),
      Math.ceil((options.initialBytes ?? 64 * 1024 * 1024) / WASM_PAGE),
    );
    this.maxWasmPages = Math.max(
      initial,
      Math.min(65536, Math.ceil((options.maximumBytes ?? 4 * 1024 ** 3) / WASM_PAGE)),
    );
    this.shared = options.shared ?? false;
    this.wasm = new WasmMemoryCtor({ initial, maximum: this.maxWasmPages, shared: this.shared });
    this.refreshViews();
    if (this.shared) this.high.index = new HighPageIndex(this.indexHost);
  }

  /**
   * The memory of another thread's `PagedMemory` (a shared one), as a CPU worker runs guest code
   * in it: loads, stores, atomics and code fetches of pages already backed, below 4 GiB; what
   * needs more throws `KernelNeeded`. Mappings, brk and the rest are the kernel thread's.
   */
  static attach(wasm: WasmMemory): PagedMemory {
    return new PagedMemory({ attach: wasm });
  }

  /** Lifted code on these pages is gone or changed: the machine drops it, CPU workers too. */
  private codeChanged(firstPage: number, pageCount: number): void {
    if (this.shared) Atomics.add(this.i32, CODE_EPOCH_WORD, 1);
    this.onCodeChange?.(firstPage, pageCount);
  }

  /** How many times lifted code changed (see CODE_EPOCH_WORD); only counted on a shared memory. */
  get codeEpoch(): number {
    return Atomics.load(this.i32, CODE_EPOCH_WORD);
  }

  /**
   * A CPU worker's views end where the memory ended when they were made; the kernel's thread
   * may have grown it since, and handed out the host page at `hostByte` from the new part.
   */
  private reach(hostByte: number): void {
    if (hostByte >= this.u8.length) this.refreshViews();
  }

  /** Called after the wasm memory grew (views were replaced). */
  onGrow(listener: () => void): void {
    this.growListeners.push(listener);
  }

  get buffer(): ArrayBuffer {
    return this.wasm.buffer;
  }

  private refreshViews(): void {
    const buffer = this.wasm.buffer;
    this.u8 = new Uint8Array(buffer);
    this.u16 = new Uint16Array(buffer);
    this.u32 = new Uint32Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.b64 = new BigUint64Array(buffer);
    this.dv = new DataView(buffer);
    this.pageTable = new Int32Array(buffer, PAGE_TABLE_OFFSET, GUEST_PAGES);
    for (const listener of this.growListeners) listener();
  }

  /**
   * A copy for a forked child: the same mappings and contents in memory of its own (only the
   * host pages handed out so far are copied, so a small program forks cheaply). With `shared`,
   * the copy is a shared memory whatever this one is (a process that starts its second thread).
   */
  fork(shared = this.shared): PagedMemory {
    this.sharedRanges.syncOut(this, true); // the objects hold what both copies start with
    const used = this.nextHostPage * PAGE_SIZE;
    const copy = new PagedMemory({
      initialBytes: used,
      maximumBytes: this.maxWasmPages * WASM_PAGE,
      shared,
    });
    // The register file and the executors' tables, then the host pages handed out so far; of
    // the page table only the chunks in use, so the copy's untouched parts cost no host memory.
    copy.u8.set(this.u8.subarray(0, FIRST_CPU_BYTES));
    copy.u8.set(this.u8.subarray(FIRST_HOST_PAGE * PAGE_SIZE, used), FIRST_HOST_PAGE * PAGE_SIZE);
    for (let chunk = 0; chunk < this.tableChunksUsed.length; chunk++) {
      if (this.tableChunksUsed[chunk] === 0) continue;
      const from = chunk << TABLE_CHUNK_SHIFT;
      copy.pageTable.set(this.pageTable.subarray(from, from + TABLE_CHUNK), from);
      copy.tableChunksUsed[chunk] = 1;
    }
    for (const page of this.freeHostPages) copy.freeHostPages.push(page);
    copy.nextHostPage = this.nextHostPage;
    copy.mmapTopPage = this.mmapTopPage;
    copy.brkStart = this.brkStart;
    copy.brkCurrent = this.brkCurrent;
    copy.high = this.high.clone();
    if (this.high.index) copy.high.index = this.high.index.cloneFor(copy.indexHost);
    else if (copy.shared) copy.high.reindex(new HighPageIndex(copy.indexHost));
    copy.names = this.names.copy();
    copy.sharedRanges = this.sharedRanges.copy();
    return copy;
  }

  // ---- host pages ---------------------------------------------------------------------------

  private allocHostPage(): number {
    if (this.attached) throw new KernelNeeded('a page touched for the first time');
    const recycled = this.freeHostPages.pop();
    if (recycled !== undefined) {
      this.u8.fill(0, recycled << PAGE_SHIFT, (recycled + 1) << PAGE_SHIFT);
      return recycled;
    }
    return this.freshHostPage();
  }

  /** The next host page never handed out, growing the memory when it lies beyond its end. */
  private freshHostPage(): number {
    const page = this.nextHostPage;
    const needBytes = (page + 1) * PAGE_SIZE;
    if (needBytes > this.wasm.buffer.byteLength) {
      const have = this.wasm.buffer.byteLength / WASM_PAGE;
      const want = Math.min(this.maxWasmPages, Math.max(Math.ceil(needBytes / WASM_PAGE), have * 2));
      if (want * WASM_PAGE < needBytes) throw new OutOfMemoryError('guest memory limit reached');
      try {
        this.wasm.grow(want - have);
      } catch {
        throw new OutOfMemoryError('the host could not grow guest memory');
      }
      this.refreshViews();
    }
    this.nextHostPage++;
    return page;
  }

  /** `count` contiguous zeroed host pages, never handed back; returns the first. */
  private allocHostRun(count: number): number {
    // Fresh pages only: they are contiguous (recycled ones are not) and still zero.
    const first = this.nextHostPage;
    for (let i = 0; i < count; i++) this.freshHostPage();
    return first;
  }

  /** Gives the unbacked page `p` (entry `entry`) a zeroed host page; returns its new entry. */
  private backPage(p: number, entry: number): number {
    // Allocating may grow the memory and replace `pageTable`: write the field after it.
    const backed = (this.allocHostPage() << HOST_SHIFT) | protectionOf(entry);
    this.pageTable[p] = backed;
    return backed;
  }

  // ---- mapping ------------------------------------------------------------------------------

  map(addr: number, length: number, prot: number, fixed: boolean): number {
    const pages = Math.ceil(length / PAGE_SIZE);
    if (pages <= 0) throw new RangeError('mapping length must be positive');
    let first: number;
    if (fixed) {
      if (addr % PAGE_SIZE !== 0) throw new RangeError('fixed mapping address must be page aligned');
      first = addr / PAGE_SIZE;
      if (first + pages > HIGH_END_PAGE)
        throw new OutOfMemoryError('fixed mapping beyond the guest address space');
      this.unmap(addr, pages * PAGE_SIZE);
    } else {
      first = this.findFree(addr / PAGE_SIZE, pages);
    }
    if (first + pages > GUEST_PAGES) this.high.map(Math.max(first, GUEST_PAGES), first + pages, prot);
    const end = Math.min(first + pages, GUEST_PAGES);
    this.pageTable.fill(unbacked(prot), first, end);
    if (first < end)
      for (let chunk = first >>> TABLE_CHUNK_SHIFT; chunk <= (end - 1) >>> TABLE_CHUNK_SHIFT; chunk++)
        this.tableChunksUsed[chunk] = 1;
    return first * PAGE_SIZE;
  }

  private isFreeRun(first: number, pages: number): boolean {
    if (first <= 0 || first + pages > HIGH_END_PAGE) return false;
    for (let p = first; p < Math.min(first + pages, GUEST_PAGES); p++)
      if (this.pageTable[p] !== 0) return false;
    return first + pages <= GUEST_PAGES || this.high.isFree(Math.max(first, GUEST_PAGES), first + pages);
  }

  /**
   * A free run of `pages`: at the hint when it is free, else the highest free run below the mmap
   * base, like the kernel's default top-down layout. The search starts at `mmapTopPage`, a cache
   * of where the last one ended, which unmap raises again (so freed ranges are found first); a
   * request that fits in a gap an earlier search skipped above the cache, or that finds no room
   * below it, searches again from the base (the kernel's old free_area_cache/cached_hole_size).
   * Mappings stay below 4 GiB while they fit there, where every access is translated inline; a
   * hint above 4 GiB is honoured only when nothing fits below, and what does not fit below (a
   * 100 GB reservation) goes to the high region, top-down like the kernel's layout.
   */
  private findFree(hintPage: number, pages: number): number {
    const hinted = hintPage > 0 && Number.isInteger(hintPage);
    if (hinted && hintPage + pages <= GUEST_PAGES && this.isFreeRun(hintPage, pages)) return hintPage;
    let found = -1;
    if (pages > this.skippedHolePages) found = this.freeRunBelow(this.mmapTopPage, pages);
    if (found < 0) {
      this.skippedHolePages = 0;
      found = this.freeRunBelow(MMAP_BASE_PAGE, pages);
    }
    if (found >= 0) {
      this.mmapTopPage = found;
      return found;
    }
    if (hinted && hintPage >= GUEST_PAGES && this.isFreeRun(hintPage, pages)) return hintPage;
    found = this.high.findFree(pages);
    if (found < 0) throw new OutOfMemoryError('no free guest address range');
    return found;
  }

  /** The highest free run of `pages` ending at or below page `top`, or -1; notes the gaps it skips. */
  private freeRunBelow(top: number, pages: number): number {
    while (top - pages > 16) {
      let p = top - 1;
      while (p >= top - pages && this.pageTable[p] === 0) p--;
      if (p < top - pages) return top - pages;
      this.skippedHolePages = Math.max(this.skippedHolePages, top - 1 - p);
      top = p;
    }
    return -1;
  }

  /** Gives back the host pages of the high part of [first, end), unmapping it too when told; reports lifted code. */
  private dropHigh(first: number, end: number, unmap: boolean): void {
    if (end <= GUEST_PAGES) return;
    const from = Math.max(first, GUEST_PAGES);
    const code = unmap
      ? this.high.unmap(from, end, this.releaseHost)
      : this.high.discard(from, end, this.releaseHost);
    if (code) this.codeChanged(code[0], code[1] + 1 - code[0]);
  }

  unmap(addr: number, length: number): void {
    const first = Math.floor(addr / PAGE_SIZE);
    const fullEnd = Math.min(HIGH_END_PAGE, Math.ceil((addr + length) / PAGE_SIZE));
    this.sharedRanges.forget(this, first * PAGE_SIZE, fullEnd * PAGE_SIZE);
    this.dropHigh(first, fullEnd, true);
    const end = Math.min(GUEST_PAGES, fullEnd);
    this.names.forget(first * PAGE_SIZE, fullEnd * PAGE_SIZE);
    let codeFrom = -1;
    for (let p = first; p < end; p++) {
      const e = this.pageTable[p];
      if (e === 0) continue;
      if (e & CODE && codeFrom < 0) codeFrom = p;
      if (!isUnbacked(e)) this.freeHostPages.push(e >>> HOST_SHIFT);
      this.pageTable[p] = 0;
      // A freed range below the mmap base is where the next top-down search starts.
      if (p < MMAP_BASE_PAGE && p >= this.mmapTopPage) this.mmapTopPage = p + 1;
    }
    if (codeFrom >= 0) this.codeChanged(codeFrom, end - codeFrom);
  }

  protect(addr: number, length: number, prot: number): boolean {
    const first = Math.floor(addr / PAGE_SIZE);
    const end = Math.ceil((addr + length) / PAGE_SIZE);
    if (!this.isMapped(addr, length, 0)) return false;
    if (end > GUEST_PAGES) this.high.protect(Math.max(first, GUEST_PAGES), end, prot);
    for (let p = first; p < Math.min(end, GUEST_PAGES); p++) {
      const e = this.pageTable[p];
      this.pageTable[p] = isUnbacked(e) ? unbacked(prot) : (e & ~7) | (prot & 7);
    }
    return true;
  }

  /** Whether some page of [addr, addr + length) is mapped writable (backed or not). */
  hasWritablePage(addr: number, length: number): boolean {
    const first = Math.floor(addr / PAGE_SIZE);
    const end = Math.ceil((addr + length) / PAGE_SIZE);
    for (let p = first; p < Math.min(end, GUEST_PAGES); p++) {
      const e = this.pageTable[p];
      if (e !== 0 && protectionOf(e) & PROT_WRITE) return true;
    }
    if (end <= GUEST_PAGES) return false;
    const from = Math.max(first, GUEST_PAGES);
    return this.high.mappedRanges().some((r) => r.start < end && r.end > from && (r.prot & PROT_WRITE) !== 0);
  }

  isMapped(addr: number, length: number, prot = 0): boolean {
    const first = Math.floor(addr / PAGE_SIZE);
    const end = Math.ceil((addr + Math.max(length, 1)) / PAGE_SIZE);
    if (first < 0 || end > HIGH_END_PAGE) return false;
    if (end > GUEST_PAGES && !this.high.isMapped(Math.max(first, GUEST_PAGES), end, prot)) return false;
    for (let p = first; p < Math.min(end, GUEST_PAGES); p++) {
      const e = this.pageTable[p];
      if (e === 0 || (protectionOf(e) & prot) !== prot) return false;
    }
    return true;
  }

  /** True when no page of [addr, addr+length) is mapped (and the range lies in the user space). */
  isFree(addr: number, length: number): boolean {
    const first = Math.floor(addr / PAGE_SIZE);
    return this.isFreeRun(first, Math.ceil((addr + length) / PAGE_SIZE) - first);
  }

  /** Protection of the page holding `addr`, or -1 when unmapped. */
  protectionAt(addr: number): number {
    const p = Math.floor(addr / PAGE_SIZE);
    if (p >= GUEST_PAGES) return this.high.protectionAt(p);
    if (p < 0 || this.pageTable[p] === 0) return -1;
    return protectionOf(this.pageTable[p]);
  }

  /** True when the page holding `addr` has a host page (a high page the guest has touched). */
  isBacked(addr: number): boolean {
    const p = Math.floor(addr / PAGE_SIZE);
    if (p >= GUEST_PAGES) return this.high.touchedEntry(p) !== undefined;
    return p >= 0 && this.pageTable[p] !== 0 && !isUnbacked(this.pageTable[p]);
  }

  /** The host bytes of the page holding `addr` when it has a host page with protection `prot`, else null. */
  pageBytes(addr: number, prot: number): Uint8Array | null {
    const p = Math.floor(addr / PAGE_SIZE);
    const e = p >= GUEST_PAGES ? (this.high.touchedEntry(p) ?? 0) : p >= 0 ? this.pageTable[p] : 0;
    if (e === 0 || isUnbacked(e) || (e & prot) !== prot) return null;
    const host = (e >>> HOST_SHIFT) * PAGE_SIZE;
    return this.u8.subarray(host, host + PAGE_SIZE);
  }

  /** Host pages currently given to guest pages or waiting for reuse (what the guest costs the host). */
  get hostPagesInUse(): number {
    return this.nextHostPage - FIRST_HOST_PAGE - this.freeHostPages.length;
  }

  /**
   * MADV_DONTNEED on private anonymous memory: [addr, addr+length) reads as zero afterwards.
   * The pages give their host pages back (the next touch takes a fresh zeroed one).
   */
  discard(addr: number, length: number): void {
    const first = Math.floor(addr / PAGE_SIZE);
    const end = Math.min(HIGH_END_PAGE, Math.ceil((addr + length) / PAGE_SIZE));
    this.dropHigh(first, end, false);
    for (let p = first; p < Math.min(end, GUEST_PAGES); p++) {
      const e = this.pageTable[p];
      if (e === 0 || isUnbacked(e)) continue;
      this.freeHostPages.push(e >>> HOST_SHIFT);
      this.pageTable[p] = unbacked(e & 7);
      if (e & CODE) this.codeChanged(p, 1);
    }
  }

  /**
   * The mapped ranges in address order, each a run of pages with one protection (PROT_NONE
   * reservations included): what /proc/PID/maps lists before it splits them by name.
   */
  regions(): { start: number; end: number; prot: number }[] {
    const out: { start: number; end: number; prot: number }[] = [];
    const table = this.pageTable;
    for (let p = 1; p < GUEST_PAGES; p++) {
      const e = table[p];
      if (e === 0) continue;
      const prot = protectionOf(e);
      const last = out[out.length - 1];
      if (last && last.end === p * PAGE_SIZE && last.prot === prot) last.end += PAGE_SIZE;
      else out.push({ start: p * PAGE_SIZE, end: (p + 1) * PAGE_SIZE, prot });
    }
    for (const r of this.high.mappedRanges())
      out.push({ start: r.start * PAGE_SIZE, end: r.end * PAGE_SIZE, prot: r.prot });
    return out;
  }

  /** The program break: where the heap starts and where it ends now. */
  get brkRange(): { start: number; end: number } {
    return { start: this.brkStart, end: this.brkCurrent };
  }

  // ---- brk ----------------------------------------------------------------------------------

  /** Sets the program break's start (page aligned up), done by the loader after the last segment. */
  setBrkBase(addr: number): void {
    this.brkStart = this.brkCurrent = addr;
  }

  /** The brk(2) semantics: returns the new break, or the old one when `addr` is refused. */
  brk(addr: number): number {
    if (addr === 0 || addr < this.brkStart) return this.brkCurrent;
    const oldEnd = Math.ceil(this.brkCurrent / PAGE_SIZE) * PAGE_SIZE;
    const newEnd = Math.ceil(addr / PAGE_SIZE) * PAGE_SIZE;
    if (newEnd > oldEnd) {
      if (!this.isFreeRun(oldEnd / PAGE_SIZE, (newEnd - oldEnd) / PAGE_SIZE)) return this.brkCurrent;
      this.map(oldEnd, newEnd - oldEnd, PROT_READ | PROT_WRITE, true);
    } else if (newEnd < oldEnd) {
      this.unmap(newEnd, oldEnd - newEnd);
    }
    this.brkCurrent = addr;
    return addr;
  }

  // ---- code pages ---------------------------------------------------------------------------

  /** The word at `pc` for the lifter; marks the page as holding code. Faults unless executable. */
  fetch32(pc: bigint): number {
    if (pc >= 0x100000000n) return this.fetchHigh(pc);
    if ((pc & 3n) !== 0n) throw new GuestFault(pc, 'execute');
    const a = Number(pc);
    const p = a >>> PAGE_SHIFT;
    let e = this.pageTable[p];
    if ((e & PROT_EXEC) === 0) {
      if (!isUnbacked(e) || (protectionOf(e) & PROT_EXEC) === 0) throw new GuestFault(pc, 'execute');
      e = this.backPage(p, e);
    }
    if ((e & CODE) === 0) this.markCode(p, e);
    const host = e >>> HOST_SHIFT;
    if (this.attached) this.reach(host << PAGE_SHIFT);
    return this.u32[(host << (PAGE_SHIFT - 2)) + ((a & PAGE_MASK) >>> 2)];
  }

  /**
   * Marks page `p` (entry `e`) as holding lifted code. A CPU worker does it only if the entry is
   * still `e`: the kernel's thread may have unmapped or changed the page meanwhile.
   */
  private markCode(p: number, e: number): void {
    if (this.attached) Atomics.compareExchange(this.pageTable, p, e, e | CODE);
    else this.pageTable[p] = e | CODE;
  }

  /**
   * `fetch32` for an aligned address below 4 GiB given as a number, without BigInts (checking a
   * cached translation against memory reads thousands of words): -1 where it would fault.
   */
  fetch32Low(address: number): number {
    const p = address >>> PAGE_SHIFT;
    let e = this.pageTable[p];
    if ((e & PROT_EXEC) === 0) {
      if (!isUnbacked(e) || (protectionOf(e) & PROT_EXEC) === 0) return -1;
      e = this.backPage(p, e);
    }
    if ((e & CODE) === 0) this.markCode(p, e);
    return this.u32[((e >>> HOST_SHIFT) << (PAGE_SHIFT - 2)) + ((address & PAGE_MASK) >>> 2)];
  }

  canFetch(pc: bigint): boolean {
    if ((pc & 3n) !== 0n || pc >= 1n << 48n) return false;
    if (pc >= 0x100000000n && this.attached) throw new KernelNeeded('code above 4 GiB');
    if (pc >= 0x100000000n) return this.high.isMapped(Number(pc >> 12n), Number(pc >> 12n) + 1, PROT_EXEC);
    const e = this.pageTable[Number(pc) >>> PAGE_SHIFT];
    return e !== 0 && (protectionOf(e) & PROT_EXEC) !== 0;
  }

  private fetchHigh(pc: bigint): number {
    if (this.attached) throw new KernelNeeded('code above 4 GiB');
    if ((pc & 3n) !== 0n || pc >= 1n << 48n) throw new GuestFault(pc, 'execute');
    const a = Number(pc);
    const p = Math.floor(a / PAGE_SIZE);
    const e = this.high.entry(p, PROT_EXEC, this.allocHost);
    if (e === 0) throw new GuestFault(pc, 'execute');
    this.high.setEntry(p, e | CODE);
    return this.u32[((e >>> HOST_SHIFT) << (PAGE_SHIFT - 2)) + ((a % PAGE_SIZE) >>> 2)];
  }

  // ---- translation --------------------------------------------------------------------------

  /**
   * Host byte offset of guest address (lo, hi) for an access of `size` bytes that stays within
   * one page, or -1 when it crosses a page (callers then go byte by byte). Faults otherwise.
   */
  private hostRead(lo: number, hi: number, size: number): number {
    let e = hi === 0 ? this.pageTable[lo >>> PAGE_SHIFT] : this.highEntry(lo, hi, PROT_READ);
    if ((e & PROT_READ) === 0) {
      if (hi !== 0 || !isUnbacked(e) || (protectionOf(e) & PROT_READ) === 0)
        throw new GuestFault(faultAddress(lo, hi), 'read');
      e = this.backPage(lo >>> PAGE_SHIFT, e);
    }
    const off = lo & PAGE_MASK;
    if (off + size > PAGE_SIZE) return -1;
    const h = (e >>> HOST_SHIFT) * PAGE_SIZE + off;
    if (this.attached) this.reach(h);
    return h;
  }

  private hostWrite(lo: number, hi: number, size: number): number {
    const page = lo >>> PAGE_SHIFT;
    let e = hi === 0 ? this.pageTable[page] : this.highEntry(lo, hi, PROT_WRITE);
    if (hi === 0 && isUnbacked(e) && protectionOf(e) & PROT_WRITE) e = this.backPage(page, e);
    if ((e & (PROT_WRITE | CODE)) !== PROT_WRITE) {
      if ((e & PROT_WRITE) === 0) throw new GuestFault(faultAddress(lo, hi), 'write');
      if (this.attached) throw new KernelNeeded('a store to a page holding lifted code');
      // A page with lifted code is being written: drop its blocks, then write normally.
      if (hi === 0) {
        this.pageTable[page] = e & ~CODE;
        this.codeChanged(page, 1);
      } else {
        this.high.setEntry(hi * GUEST_PAGES + page, e & ~CODE);
        this.codeChanged(hi * GUEST_PAGES + page, 1);
      }
    }
    const off = lo & PAGE_MASK;
    if (off + size > PAGE_SIZE) return -1;
    const h = (e >>> HOST_SHIFT) * PAGE_SIZE + off;
    if (this.attached) this.reach(h);
    return h;
  }

  /** The entry of the high page holding (lo, hi), backed on first touch when `need` is allowed; 0 to fault. */
  private highEntry(lo: number, hi: number, need: number): number {
    if (hi < 0 || hi >= 1 << 16) return 0; // beyond the 48-bit user space
    const page = hi * GUEST_PAGES + (lo >>> PAGE_SHIFT);
    if (this.attached) return this.indexedHighEntry(page, need);
    return this.high.entry(page, need, this.allocHost);
  }

  /**
   * A CPU worker's `highEntry`: the entry the kernel's thread published for a touched page (see
   * high-page-index.ts). A page not touched yet, or an access its protection refuses, is the
   * kernel thread's to decide (it backs the page, or the fault is delivered there).
   */
  private indexedHighEntry(page: number, need: number): number {
    let e = highPageEntry(this.i32, page);
    if (e < 0) {
      this.refreshViews();
      e = highPageEntry(this.i32, page);
    }
    if (e <= 0 || (e & need) !== need) throw new KernelNeeded('a page above 4 GiB not touched yet');
    return e;
  }

  load8(lo: number, hi: number): number {
    // Translate first: backing a page on first touch may grow the memory and replace `u8`.
    const h = this.hostRead(lo, hi, 1);
    return this.u8[h];
  }

  load16(lo: number, hi: number): number {
    const h = this.hostRead(lo, hi, 2);
    if (h < 0) return this.load8(lo, hi) | (this.load8((lo + 1) | 0, carry(lo, 1, hi)) << 8);
    return h & 1 ? this.dv.getUint16(h, true) : this.u16[h >>> 1];
  }

  /** Unsigned 32-bit load. */
  load32(lo: number, hi: number): number {
    const h = this.hostRead(lo, hi, 4);
    if (h < 0) return (this.load16(lo, hi) | (this.load16((lo + 2) | 0, carry(lo, 2, hi)) << 16)) >>> 0;
    return h & 3 ? this.dv.getUint32(h, true) : this.u32[h >>> 2];
  }

  load64(lo: number, hi: number): bigint {
    const h = this.hostRead(lo, hi, 8);
    if (h < 0) {
      const hi32 = this.load32((lo + 4) | 0, carry(lo, 4, hi));
      return (BigInt(hi32) << 32n) | BigInt(this.load32(lo, hi));
    }
    return h & 7 ? this.dv.getBigUint64(h, true) : this.b64[h >>> 3];
  }

  /** 64-bit load as two int32 halves into out[at] (low) and out[at + 1] (high): no BigInt. */
  load64Into(lo: number, hi: number, out: Int32Array, at: number): void {
    const h = this.hostRead(lo, hi, 8);
    if (h >= 0 && (h & 3) === 0) {
      out[at] = this.i32[h >>> 2];
      out[at + 1] = this.i32[(h >>> 2) + 1];
      return;
    }
    out[at] = this.load32(lo, hi);
    out[at + 1] = this.load32((lo + 4) | 0, carry(lo, 4, hi));
  }

  /** 64-bit store of the int32 halves (vlo, vhi): no BigInt. */
  store64Pair(lo: number, hi: number, vlo: number, vhi: number): void {
    const h = this.hostWrite(lo, hi, 8);
    if (h >= 0 && (h & 3) === 0) {
      this.i32[h >>> 2] = vlo;
      this.i32[(h >>> 2) + 1] = vhi;
      return;
    }
    this.store32(lo, hi, vlo);
    this.store32((lo + 4) | 0, carry(lo, 4, hi), vhi);
  }

  store8(lo: number, hi: number, value: number): void {
    const h = this.hostWrite(lo, hi, 1); // before reading `u8`, which a first touch may replace
    this.u8[h] = value;
  }

  store16(lo: number, hi: number, value: number): void {
    const h = this.hostWrite(lo, hi, 2);
    if (h < 0) {
      this.store8(lo, hi, value);
      this.store8((lo + 1) | 0, carry(lo, 1, hi), value >>> 8);
    } else if (h & 1) this.dv.setUint16(h, value, true);
    else this.u16[h >>> 1] = value;
  }

  store32(lo: number, hi: number, value: number): void {
    const h = this.hostWrite(lo, hi, 4);
    if (h < 0) {
      this.store16(lo, hi, value);
      this.store16((lo + 2) | 0, carry(lo, 2, hi), value >>> 16);
    } else if (h & 3) this.dv.setUint32(h, value >>> 0, true);
    else this.u32[h >>> 2] = value;
  }

  store64(lo: number, hi: number, value: bigint): void {
    const h = this.hostWrite(lo, hi, 8);
    if (h < 0) {
      this.store32(lo, hi, Number(value & 0xffffffffn));
      this.store32((lo + 4) | 0, carry(lo, 4, hi), Number(value >> 32n));
    } else if (h & 7) this.dv.setBigUint64(h, value, true);
    else this.b64[h >>> 3] = value;
  }

  // ---- atomics ------------------------------------------------------------------------------

  /**
   * Compare-and-exchange of `size` bytes at guest address `addr`: stores `desired` when memory
   * holds `expected` (both taken modulo the access width) and returns what memory held. Aligned
   * accesses are one `Atomics.compareExchange`, atomic against every thread sharing the memory;
   * the architectures fault or split misaligned ones before they get here, and what still
   * arrives misaligned is done as a load and a store.
   */
  compareExchange(addr: bigint, expected: bigint, desired: bigint, size: AccessSize): bigint {
    const lo = Number(addr & 0xffffffffn) | 0;
    const hi = Number(addr >> 32n) | 0;
    const mask = WIDTH_MASK[size];
    if ((lo & (size - 1)) !== 0) {
      const old = this.loadSized(lo, hi, size);
      this.storeSized(lo, hi, old === (expected & mask) ? desired : old, size);
      return old;
    }
    const h = this.hostWrite(lo, hi, size);
    if (size === 8) return BigInt.asUintN(64, Atomics.compareExchange(this.b64, h >>> 3, expected, desired));
    const view = this.atomicView(size);
    const e = Number(expected & mask);
    const old = Atomics.compareExchange(view, h / size, e, Number(desired & mask));
    return BigInt(old >>> 0);
  }

  compareExchangePair(
    addr: bigint,
    expectedLo: bigint,
    expectedHi: bigint,
    desiredLo: bigint,
    desiredHi: bigint,
  ): [bigint, bigint] {
    const lo = Number(addr & 0xffffffffn) | 0;
    const hi = Number(addr >> 32n) | 0;
    // Both halves lie in one page (the architectures fault misaligned pairs): one translation,
    // which faults before anything is written.
    const at = this.hostWrite(lo, hi, 16);
    if (at < 0) throw new RangeError('a 16-byte exchange must not cross a page');
    const h = at >>> 3;
    const lock = this.i32;
    // The critical section is a few reads and writes: spinning beats sleeping.
    while (Atomics.compareExchange(lock, PAIR_LOCK_WORD, 0, 1) !== 0);
    const b64 = this.b64;
    const oldLo = Atomics.load(b64, h);
    const oldHi = Atomics.load(b64, h + 1);
    if (oldLo === BigInt.asUintN(64, expectedLo) && oldHi === BigInt.asUintN(64, expectedHi)) {
      Atomics.store(b64, h, desiredLo);
      Atomics.store(b64, h + 1, desiredHi);
    }
    Atomics.store(lock, PAIR_LOCK_WORD, 0);
    return [oldLo, oldHi];
  }

  /**
   * An atomic read-modify-write of `size` bytes at `addr` (`op` as the LSE instructions name
   * them); returns the old value. add, clr, eor, set and swp are single `Atomics` operations;
   * the min/max family is a compare-and-exchange loop.
   */
  atomicUpdate(op: AtomicOp, addr: bigint, operand: bigint, size: AccessSize): bigint {
    const lo = Number(addr & 0xffffffffn) | 0;
    const hi = Number(addr >> 32n) | 0;
    const mask = WIDTH_MASK[size];
    operand &= mask;
    if ((lo & (size - 1)) !== 0) {
      const old = this.loadSized(lo, hi, size);
      this.storeSized(lo, hi, applyAtomic(op, old, operand, size), size);
      return old;
    }
    const h = this.hostWrite(lo, hi, size);
    if (size === 8) {
      const v = this.b64;
      const i = h >>> 3;
      switch (op) {
        case 'add':
          return Atomics.add(v, i, operand);
        case 'clr':
          return Atomics.and(v, i, ~operand & mask);
        case 'eor':
          return Atomics.xor(v, i, operand);
        case 'set':
          return Atomics.or(v, i, operand);
        case 'swp':
          return Atomics.exchange(v, i, operand);
      }
      for (;;) {
        const old = Atomics.load(v, i);
        if (Atomics.compareExchange(v, i, old, applyAtomic(op, old, operand, 8)) === old) return old;
      }
    }
    const v = this.atomicView(size);
    const i = h / size;
    const n = Number(operand);
    switch (op) {
      case 'add':
        return BigInt(Atomics.add(v, i, n) >>> 0);
      case 'clr':
        return BigInt(Atomics.and(v, i, ~n) >>> 0);
      case 'eor':
        return BigInt(Atomics.xor(v, i, n) >>> 0);
      case 'set':
        return BigInt(Atomics.or(v, i, n) >>> 0);
      case 'swp':
        return BigInt(Atomics.exchange(v, i, n) >>> 0);
    }
    for (;;) {
      const old = Atomics.load(v, i) >>> 0;
      const next = Number(applyAtomic(op, BigInt(old), operand, size));
      if (Atomics.compareExchange(v, i, old, next) >>> 0 === old) return BigInt(old);
    }
  }

  /**
   * A full memory barrier between this thread's earlier and later accesses (a locked
   * read-modify-write of a word no guest can see), for the architectures' fences.
   */
  fence(): void {
    Atomics.add(this.i32, FENCE_WORD, 0);
  }

  codeWritten(address: bigint): void {
    const page = Number(address >> BigInt(PAGE_SHIFT));
    if (page >= GUEST_PAGES) {
      // Rare (code above 4 GiB is lifted on the kernel's thread only): the page's blocks go
      // without a look at its mark, which is in the high region's entry.
      if (this.attached) throw new KernelNeeded('code rewritten above 4 GiB');
      if (page < HIGH_END_PAGE) this.codeChanged(page, 1);
      return;
    }
    const e = this.pageTable[page];
    if ((e & CODE) === 0) return;
    // The kernel's thread drops its blocks and raises the code epoch the workers watch.
    if (this.attached) throw new KernelNeeded('code rewritten on a page holding lifted code');
    this.pageTable[page] = e & ~CODE;
    this.codeChanged(page, 1);
  }

  syncInstructions(): void {
    this.onInstructionSync?.();
  }

  private atomicView(size: 1 | 2 | 4): Uint8Array | Uint16Array | Uint32Array {
    return size === 1 ? this.u8 : size === 2 ? this.u16 : this.u32;
  }

  private loadSized(lo: number, hi: number, size: AccessSize): bigint {
    if (size === 8) return this.load64(lo, hi);
    return BigInt(size === 1 ? this.load8(lo, hi) : size === 2 ? this.load16(lo, hi) : this.load32(lo, hi));
  }

  private storeSized(lo: number, hi: number, value: bigint, size: AccessSize): void {
    if (size === 8) this.store64(lo, hi, BigInt.asUintN(64, value));
    else if (size === 4) this.store32(lo, hi, Number(value & 0xffffffffn));
    else if (size === 2) this.store16(lo, hi, Number(value & 0xffffn));
    else this.store8(lo, hi, Number(value & 0xffn));
  }

  // ---- GuestMemory (number addresses) -------------------------------------------------------

  read8(addr: number): number {
    return this.load8(addr | 0, Math.floor(addr / TWO32));
  }
  read16(addr: number): number {
    return this.load16(addr | 0, Math.floor(addr / TWO32));
  }
  read32(addr: number): number {
    return this.load32(addr | 0, Math.floor(addr / TWO32));
  }
  read64(addr: number): bigint {
    return this.load64(addr | 0, Math.floor(addr / TWO32));
  }
  write8(addr: number, value: number): void {
    this.store8(addr | 0, Math.floor(addr / TWO32), value);
  }
  write16(addr: number, value: number): void {
    this.store16(addr | 0, Math.floor(addr / TWO32), value);
  }
  write32(addr: number, value: number): void {
    this.store32(addr | 0, Math.floor(addr / TWO32), value);
  }
  write64(addr: number, value: bigint): void {
    this.store64(addr | 0, Math.floor(addr / TWO32), value);
  }

  readBytes(addr: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const a = addr + done;
      const chunk = Math.min(length - done, PAGE_SIZE - (a % PAGE_SIZE));
      const h = this.hostRead(a | 0, Math.floor(a / TWO32), 1);
      out.set(this.u8.subarray(h, h + chunk), done);
      done += chunk;
    }
    return out;
  }

  writeBytes(addr: number, bytes: Uint8Array): void {
    let done = 0;
    while (done < bytes.length) {
      const a = addr + done;
      const chunk = Math.min(bytes.length - done, PAGE_SIZE - (a % PAGE_SIZE));
      const h = this.hostWrite(a | 0, Math.floor(a / TWO32), 1);
      this.u8.set(bytes.subarray(done, done + chunk), h);
      done += chunk;
    }
  }

  /**
   * Writes bytes regardless of page protection (the loader filling read-only segments, another
   * process's writes to a shared page); code lifted from the pages is dropped.
   */
  poke(addr: number, bytes: Uint8Array): void {
    let done = 0;
    while (done < bytes.length) {
      const a = addr + done;
      const page = Math.floor(a / PAGE_SIZE);
      if (page < GUEST_PAGES && isUnbacked(this.pageTable[page])) this.backPage(page, this.pageTable[page]);
      let e = page < GUEST_PAGES ? this.pageTable[page] : this.high.entry(page, 0, this.allocHost);
      if (e === 0) throw new GuestFault(BigInt(a), 'write');
      if (e & CODE) {
        e &= ~CODE;
        if (page < GUEST_PAGES) this.pageTable[page] = e;
        else this.high.setEntry(page, e);
        this.codeChanged(page, 1);
      }
      const chunk = Math.min(bytes.length - done, PAGE_SIZE - (a % PAGE_SIZE));
      this.u8.set(bytes.subarray(done, done + chunk), (e >>> HOST_SHIFT) * PAGE_SIZE + (a % PAGE_SIZE));
      done += chunk;
    }
  }

  readCString(addr: number, max = 1 << 20): string {
    const bytes: number[] = [];
    for (let i = 0; i < max; i++) {
      const b = this.read8(addr + i);
      if (b === 0) break;
      bytes.push(b);
    }
    return Buffer.from(bytes).toString('utf8');
  }

  /** Length of the NUL-terminated string at `addr` (not counting the NUL), at most `max`. */
  strlen(addr: number, max = 1 << 20): number {
    for (let i = 0; i < max; i++) if (this.read8(addr + i) === 0) return i;
    return max;
  }
}
