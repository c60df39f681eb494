/**
 * The guest address space above 4 GiB: [2^20, 2^36) in 4 KiB pages (up to the kernel's 48-bit
 * user space). Below 4 GiB a flat page table in the wasm memory serves the executors' inline
 * translation; above it a flat table cannot exist, so mappings are kept as ranges and a host page
 * is given to a guest page only when the guest first touches it. A 100 GB `MAP_NORESERVE`
 * reservation is one range here and costs host memory only for the pages used.
 *
 * Touched pages keep an entry in the page table's format ((host page << 4) | CODE | prot), so
 * the accessors treat both regions alike once the entry is found.
 */

import type { HighPageIndex } from './high-page-index.js';

/** First guest page of this region (4 GiB) and the end of the 48-bit user space. */
export const HIGH_FIRST_PAGE = 2 ** 20;
export const HIGH_END_PAGE = 2 ** 36;
/** Non-fixed mappings that go high are placed top-down below this page, like the kernel's mmap base. */
const HIGH_MMAP_BASE_PAGE = 0xfff000000000 / 4096;

const PROT_BITS = 7;
const HOST_SHIFT = 4;

/** A mapped run of pages [start, end) with one protection. */
interface Range {
  start: number;
  end: number;
  prot: number;
}

export class HighRegion {
  /** Mapped ranges, sorted by start, never overlapping; neighbours with one protection are merged. */
  private ranges: Range[] = [];
  /** Touched guest page → entry. Only these hold host pages. */
  private touched = new Map<number, number>();
  /** The same entries where CPU workers read them (a shared memory's), or null. */
  index: HighPageIndex | null = null;

  /** Starts keeping `index` (of a memory that became shared), with every page touched so far. */
  reindex(index: HighPageIndex): void {
    this.index = index;
    for (const [page, e] of this.touched) index.set(page, e);
  }

  private touch(page: number, e: number): void {
    this.touched.set(page, e);
    this.index?.set(page, e);
  }

  private untouch(page: number): void {
    this.touched.delete(page);
    this.index?.remove(page);
  }

  /**
   * A copy for a forked child (host page numbers stay valid: the child copies the host pages);
   * its `index` is for the caller to set (the child's memory holds a copy of this one's).
   */
  clone(): HighRegion {
    const copy = new HighRegion();
    copy.ranges = this.ranges.map((r) => ({ ...r }));
    copy.touched = new Map(this.touched);
    return copy;
  }

  /** The mapped ranges in page numbers, in address order (what /proc/PID/maps lists up here). */
  mappedRanges(): readonly Readonly<Range>[] {
    return this.ranges;
  }

  /** Host pages held by touched pages. */
  get touchedPages(): number {
    return this.touched.size;
  }

  /** Index of the first range whose end lies above `page`. */
  private indexAfter(page: number): number {
    let lo = 0;
    let hi = this.ranges.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ranges[mid].end <= page) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private rangeAt(page: number): Range | undefined {
    const r = this.ranges[this.indexAfter(page)];
    return r !== undefined && r.start <= page ? r : undefined;
  }

  /** Protection of `page`, or -1 when unmapped. */
  protectionAt(page: number): number {
    return this.rangeAt(page)?.prot ?? -1;
  }

  /** True when every page of [first, end) is mapped with at least `prot`. */
  isMapped(first: number, end: number, prot: number): boolean {
    let i = this.indexAfter(first);
    let at = first;
    while (at < end) {
      const r = this.ranges[i++];
      if (r === undefined || r.start > at || (r.prot & prot) !== prot) return false;
      at = r.end;
    }
    return true;
  }

  /** True when no page of [first, end) is mapped. */
  isFree(first: number, end: number): boolean {
    if (first < HIGH_FIRST_PAGE || end > HIGH_END_PAGE) return false;
    const r = this.ranges[this.indexAfter(first)];
    return r === undefined || r.start >= end;
  }

  /** The highest free run of `pages` below the high mmap base, or -1. */
  findFree(pages: number): number {
    let i = this.indexAfter(HIGH_MMAP_BASE_PAGE);
    let top = HIGH_MMAP_BASE_PAGE;
    const straddling = this.ranges[i];
    if (straddling !== undefined && straddling.start < top) top = straddling.start;
    for (i--; ; i--) {
      const r = this.ranges[i];
      const floor = r === undefined ? HIGH_FIRST_PAGE : r.end;
      if (top - floor >= pages) return top - pages;
      if (r === undefined) return -1;
      top = r.start;
    }
  }

  /** Records the mapping [first, end) with `prot`; the range must be free (the caller unmaps first). */
  map(first: number, end: number, prot: number): void {
    const i = this.indexAfter(first);
    this.ranges.splice(i, 0, { start: first, end, prot: prot & PROT_BITS });
    this.merge(i);
  }

  /**
   * Removes [first, end): each touched page's host page goes to `release`. Returns the first and
   * last page that held lifted code, or null.
   */
  unmap(first: number, end: number, release: (host: number) => void): [number, number] | null {
    this.cut(first, end);
    const i = this.indexAfter(first);
    let n = 0;
    while (i + n < this.ranges.length && this.ranges[i + n].start < end) n++;
    this.ranges.splice(i, n);
    return this.dropTouched(first, end, release);
  }

  /** Gives back the host pages of [first, end) (they read as zero when touched again). */
  discard(first: number, end: number, release: (host: number) => void): [number, number] | null {
    return this.dropTouched(first, end, release);
  }

  /** Sets the protection of [first, end); false (and nothing changed) when part is unmapped. */
  protect(first: number, end: number, prot: number): boolean {
    if (!this.isMapped(first, end, 0)) return false;
    this.cut(first, end);
    const i0 = this.indexAfter(first);
    let i = i0;
    for (; i < this.ranges.length && this.ranges[i].start < end; i++) this.ranges[i].prot = prot & PROT_BITS;
    this.forTouched(first, end, (page, e) => this.touch(page, (e & ~PROT_BITS) | (prot & PROT_BITS)));
    for (let j = Math.min(i, this.ranges.length - 1); j >= Math.max(i0 - 1, 0); j--) this.merge(j);
    return true;
  }

  /**
   * The entry of `page`, giving it a host page from `alloc` on first touch when its protection
   * has the bits of `need` (a zero `need` backs any mapped page: the loader writing through
   * protections). 0 when the page is unmapped or the access is not allowed.
   */
  entry(page: number, need: number, alloc: () => number): number {
    const e = this.touched.get(page);
    if (e !== undefined) return e;
    const prot = this.protectionAt(page);
    if (prot < 0 || (prot & need) !== need) return 0;
    const fresh = (alloc() << HOST_SHIFT) | prot;
    this.touch(page, fresh);
    return fresh;
  }

  /** The entry of a touched page, or undefined (nothing is allocated). */
  touchedEntry(page: number): number | undefined {
    return this.touched.get(page);
  }

  setEntry(page: number, e: number): void {
    this.touch(page, e);
  }

  private dropTouched(first: number, end: number, release: (host: number) => void): [number, number] | null {
    let codeFirst = -1;
    let codeLast = -1;
    this.forTouched(first, end, (page, e) => {
      this.untouch(page);
      release(e >>> HOST_SHIFT);
      if (e & 8) {
        if (codeFirst < 0 || page < codeFirst) codeFirst = page;
        codeLast = Math.max(codeLast, page);
      }
    });
    return codeFirst < 0 ? null : [codeFirst, codeLast];
  }

  /** Visits the touched pages of [first, end), walking whichever is smaller: the range or the set. */
  private forTouched(first: number, end: number, visit: (page: number, entry: number) => void): void {
    if (end - first <= this.touched.size) {
      for (let p = first; p < end; p++) {
        const e = this.touched.get(p);
        if (e !== undefined) visit(p, e);
      }
      return;
    }
    const inside: [number, number][] = [];
    for (const [p, e] of this.touched) if (p >= first && p < end) inside.push([p, e]);
    for (const [p, e] of inside) visit(p, e);
  }

  /** Splits ranges so that `first` and `end` fall on range boundaries. */
  private cut(first: number, end: number): void {
    for (const at of [first, end]) {
      const i = this.indexAfter(at);
      const r = this.ranges[i];
      if (r !== undefined && r.start < at) {
        this.ranges.splice(i + 1, 0, { start: at, end: r.end, prot: r.prot });
        r.end = at;
      }
    }
  }

  /** Joins range `i` with its neighbours when they touch and share a protection. */
  private merge(i: number): void {
    const r = this.ranges[i];
    if (r === undefined) return;
    const next = this.ranges[i + 1];
    if (next !== undefined && next.start === r.end && next.prot === r.prot) {
      r.end = next.end;
      this.ranges.splice(i + 1, 1);
    }
    const prev = this.ranges[i - 1];
    if (prev !== undefined && prev.end === r.start && prev.prot === r.prot) {
      prev.end = r.end;
      this.ranges.splice(i, 1);
    }
  }
}
