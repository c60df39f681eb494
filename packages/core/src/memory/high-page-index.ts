/**
 * The touched pages of the high region (above 4 GiB) as a table in the guest's own wasm memory,
 * so that CPU workers, which cannot see the kernel thread's `HighRegion`, find the host page of a
 * high address without going back to it (Go's heap lives at 0xc000000000). Only the kernel's
 * thread writes it; workers read it.
 *
 * Open addressing with linear probing over slots of four int32: the page number's low 32 bits,
 * its high bits plus one (0: a free slot), the page-table entry (0: not touched now — unmapped
 * or given back — and then the worker asks the kernel's thread), and padding. An entry is written
 * before its key, so a reader that finds the key finds the entry. A full enough table is copied
 * into one twice its size, whose place is then published in `HIGH_INDEX_WORD`; the old one is
 * never reused (a worker may still be reading it).
 */

/** The int32 word holding the byte offset of the current table (0: none yet), in the reserved area. */
export const HIGH_INDEX_WORD = (0x10000 - 16) >>> 2;

const SLOT_WORDS = 4;
const HEADER_WORDS = 4;
const FIRST_SLOTS = 1024;
const TWO32 = 4294967296;

function slotOf(page: number, mask: number): number {
  const lo = (page % TWO32) | 0;
  const hi = Math.floor(page / TWO32);
  return (Math.imul(lo ^ Math.imul(hi, 0x27d4eb2d), 0x9e3779b1) >>> 8) & mask;
}

/**
 * The int32 index of the slot of the table at int32 index `base` that holds `page`, or of the free
 * slot where it would go (its key word then reads 0).
 */
function slotFor(i32: Int32Array, base: number, page: number): number {
  const mask = i32[base] - 1;
  const lo = (page % TWO32) | 0;
  const hi = Math.floor(page / TWO32) + 1;
  for (let slot = slotOf(page, mask); ; slot = (slot + 1) & mask) {
    const at = base + HEADER_WORDS + slot * SLOT_WORDS;
    const key = Atomics.load(i32, at + 1);
    if (key === 0 || (key === hi && i32[at] === lo)) return at;
  }
}

/**
 * The entry of high page `page` in the table `i32` holds (0 when it has none), or -1 when the
 * table lies beyond the end of `i32` (a view made before the memory grew).
 */
export function highPageEntry(i32: Int32Array, page: number): number {
  const base = Atomics.load(i32, HIGH_INDEX_WORD) >>> 2;
  if (base === 0) return 0;
  if (base >= i32.length || base + HEADER_WORDS + i32[base] * SLOT_WORDS > i32.length) return -1;
  const at = slotFor(i32, base, page);
  return i32[at + 1] === 0 ? 0 : Atomics.load(i32, at + 2);
}

/** Where a table's words lie: the memory's int32 view (replaced when it grows) and room for a new table. */
export interface IndexHost {
  i32(): Int32Array;
  /** `bytes` of zeroed, contiguous host memory (page aligned); returns its byte offset. */
  allocate(bytes: number): number;
}

export class HighPageIndex {
  private slots = 0;
  private used = 0;
  /** Int32 index of the current table's first word (0: none yet). */
  private base = 0;

  constructor(private readonly host: IndexHost) {}

  /** The same table in a forked copy of the memory (which holds a copy of it at the same place). */
  cloneFor(host: IndexHost): HighPageIndex {
    const copy = new HighPageIndex(host);
    copy.slots = this.slots;
    copy.used = this.used;
    copy.base = this.base;
    return copy;
  }

  set(page: number, entry: number): void {
    if (this.base === 0 || (this.used + 1) * 2 > this.slots) this.grow();
    if (this.put(this.host.i32(), this.base, page, entry)) this.used++;
  }

  /** The page has no host page any more (its entry reads 0 until it is touched again). */
  remove(page: number): void {
    if (this.base === 0) return;
    const i32 = this.host.i32();
    const at = slotFor(i32, this.base, page);
    if (i32[at + 1] !== 0) Atomics.store(i32, at + 2, 0);
  }

  /** Puts `entry` for `page` in the table at `base`; returns whether it took a free slot. */
  private put(i32: Int32Array, base: number, page: number, entry: number): boolean {
    const at = slotFor(i32, base, page);
    if (i32[at + 1] !== 0) {
      Atomics.store(i32, at + 2, entry);
      return false;
    }
    // The entry before the key: a reader that finds the key finds the entry.
    i32[at] = (page % TWO32) | 0;
    Atomics.store(i32, at + 2, entry);
    Atomics.store(i32, at + 1, Math.floor(page / TWO32) + 1);
    return true;
  }

  /** Copies the live entries into a table twice the size (or makes the first) and publishes it. */
  private grow(): void {
    const slots = this.slots === 0 ? FIRST_SLOTS : this.slots * 2;
    const offset = this.host.allocate((HEADER_WORDS + slots * SLOT_WORDS) * 4);
    const i32 = this.host.i32();
    const base = offset >>> 2;
    i32[base] = slots;
    let used = 0;
    for (let slot = 0; slot < this.slots; slot++) {
      const at = this.base + HEADER_WORDS + slot * SLOT_WORDS;
      const entry = i32[at + 2];
      if (i32[at + 1] === 0 || entry === 0) continue;
      const page = (i32[at + 1] - 1) * TWO32 + (i32[at] >>> 0);
      this.put(i32, base, page, entry);
      used++;
    }
    this.base = base;
    this.slots = slots;
    this.used = used;
    Atomics.store(i32, HIGH_INDEX_WORD, offset);
  }
}
