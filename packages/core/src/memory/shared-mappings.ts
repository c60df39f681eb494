const PAGE_SIZE = 4096;
const ZERO_PAGE = new Uint8Array(PAGE_SIZE);

function samePage(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, PAGE_SIZE).equals(b);
}

/** Where a shared file mapping's bytes come from and go back to (a host file). */
export interface SharedBacking {
  /** Fills `into` from the file at `offset` (bytes past the end of the file read as zero). */
  read(offset: number, into: Uint8Array): void;
  /** Writes `bytes` back at `offset`, only as far as the file reaches (a mapping never extends it). */
  write(offset: number, bytes: Uint8Array): void;
  /** The object has no mapping left. */
  close(): void;
}

/**
 * What the processes mapping one object with MAP_SHARED all see: shared anonymous memory, or a
 * file's pages (the kernel's page cache for it), page by page. Every process has its own guest
 * memory, so each keeps a copy of the pages it maps; since guest threads run one at a time,
 * the copies are made coherent when the scheduler switches between processes: a process's
 * writes are copied here (and to the file) when its turn ends, and copied into the others'
 * memory when their turn starts (`generation` says whether there is anything new).
 */
export class SharedObject {
  private readonly pages = new Map<number, Uint8Array>();
  /** Bumped whenever a process's writes reach the object. */
  generation = 0;
  /** Live mapped ranges of it, in every process. */
  users = 0;

  constructor(
    readonly backing: SharedBacking | null,
    private readonly onUnused: () => void = () => {},
    /** Called whenever a mapped range of it goes (System V segments keep the time). */
    private readonly onDetach: () => void = () => {},
  ) {}

  /**
   * Page `index` of the object: read from the file the first time; a page of shared anonymous
   * memory nobody wrote is the zero page (and takes no room).
   */
  page(index: number): Uint8Array {
    let page = this.pages.get(index);
    if (!page) {
      if (this.backing === null) return ZERO_PAGE;
      page = new Uint8Array(PAGE_SIZE);
      this.backing.read(index * PAGE_SIZE, page);
      this.pages.set(index, page);
    }
    return page;
  }

  /** A process wrote page `index`: the object (and the file) take its bytes. */
  store(index: number, bytes: Uint8Array): void {
    const page = this.pages.get(index);
    if (page) page.set(bytes);
    else this.pages.set(index, bytes.slice(0, PAGE_SIZE));
    this.backing?.write(index * PAGE_SIZE, bytes);
  }

  /**
   * Bytes [start, end) of the file changed behind the mappings: their pages are read again.
   * Returns whether any changed.
   */
  reload(start = 0, end = Number.POSITIVE_INFINITY): boolean {
    if (this.backing === null) return false;
    let changed = false;
    const fresh = new Uint8Array(PAGE_SIZE);
    for (const [index, page] of this.pages) {
      if ((index + 1) * PAGE_SIZE <= start || index * PAGE_SIZE >= end) continue;
      this.backing.read(index * PAGE_SIZE, fresh.fill(0));
      if (samePage(fresh, page)) continue;
      page.set(fresh);
      changed = true;
    }
    if (changed) this.generation++;
    return changed;
  }

  /** Pages that hold bytes (written by some process, or read from the file). */
  get residentPages(): number {
    return this.pages.size;
  }

  retain(): void {
    this.users++;
  }

  release(): void {
    this.onDetach();
    if (--this.users > 0) return;
    this.backing?.close();
    this.onUnused();
  }
}

/** The guest memory a process's shared ranges live in, as the ranges need it. */
export interface SharedMemoryPages {
  /** The host bytes of the page at `addr` when it has a host page with (at least) protection `prot`, else null. */
  pageBytes(addr: number, prot: number): Uint8Array | null;
  /** Writes bytes whatever the protection (lifted code on the page is dropped). */
  poke(addr: number, bytes: Uint8Array): void;
}

interface SharedRange {
  start: number;
  end: number;
  readonly object: SharedObject;
  /** The object's page at `start`. */
  firstPage: number;
  /** The object's generation this process's copy holds. */
  generation: number;
}

const PROT_WRITE = 2;

/**
 * The MAP_SHARED ranges of one guest memory, kept beside its page table (unmapped or mapped
 * over with the pages, copied by fork, which shares the objects as the kernel does).
 */
export class SharedRanges {
  private ranges: SharedRange[] = [];

  get size(): number {
    return this.ranges.length;
  }

  /** [start, end) of `memory` maps `object` from its page `firstPage`; the pages get its bytes. */
  add(memory: SharedMemoryPages, start: number, end: number, object: SharedObject, firstPage: number): void {
    if (this.ranges.some((r) => r.object === object)) this.syncOut(memory, true); // what it holds is the latest
    object.retain();
    const range: SharedRange = { start, end, object, firstPage, generation: object.generation };
    this.ranges.push(range);
    this.load(memory, range);
  }

  /**
   * Whether this process may write some page of its shared ranges (then the switches on the
   * kernel's thread copy its writes out, and others' in, page by page). A read-only mapping of a
   * file, as glibc's gconv-modules.cache, changes nothing anyone else sees.
   */
  writableIn(memory: { hasWritablePage(addr: number, length: number): boolean }): boolean {
    return this.ranges.some((r) => memory.hasWritablePage(r.start, r.end - r.start));
  }

  /** The object and byte offset in it that `addr` maps (a shared futex's key), if it is shared. */
  locate(addr: number): { object: SharedObject; offset: number } | null {
    for (const r of this.ranges) {
      if (addr >= r.start && addr < r.end)
        return { object: r.object, offset: r.firstPage * PAGE_SIZE + addr - r.start };
    }
    return null;
  }

  /** Before its process runs: pages other processes changed since it last ran are copied in. */
  syncIn(memory: SharedMemoryPages): void {
    for (const r of this.ranges) if (r.generation !== r.object.generation) this.load(memory, r);
  }

  /**
   * After its process ran (or before its memory changes hands): the pages it wrote reach the
   * object. Shared anonymous memory with one user has no one to tell, unless `force`d.
   */
  syncOut(memory: SharedMemoryPages, force = false): void {
    for (const r of this.ranges) {
      const object = r.object;
      if (!force && object.users <= 1 && object.backing === null) continue;
      let changed = false;
      for (let addr = r.start; addr < r.end; addr += PAGE_SIZE) {
        const bytes = memory.pageBytes(addr, PROT_WRITE);
        if (bytes === null) continue;
        const index = r.firstPage + (addr - r.start) / PAGE_SIZE;
        if (samePage(bytes, object.page(index))) continue;
        object.store(index, bytes);
        this.copyToAliases(memory, r, index);
        changed = true;
      }
      if (changed) object.generation++;
    }
    // This memory's copies are what the objects now hold.
    for (const r of this.ranges) r.generation = r.object.generation;
  }

  /** [start, end) is unmapped: what this process wrote there is kept, then the ranges let go of it. */
  forget(memory: SharedMemoryPages, start: number, end: number): void {
    if (!this.overlaps(start, end)) return;
    this.syncOut(memory, true);
    const kept: SharedRange[] = [];
    for (const r of this.ranges) {
      if (r.end <= start || r.start >= end) {
        kept.push(r);
        continue;
      }
      if (r.start < start) {
        r.object.retain();
        kept.push({ ...r, end: start });
      }
      if (r.end > end) {
        r.object.retain();
        kept.push({ ...r, start: end, firstPage: r.firstPage + (end - r.start) / PAGE_SIZE });
      }
      r.object.release();
    }
    this.ranges = kept;
  }

  /** The ranges of a forked copy of this memory (the same objects). */
  copy(): SharedRanges {
    const copy = new SharedRanges();
    for (const r of this.ranges) {
      r.object.retain();
      copy.ranges.push({ ...r });
    }
    return copy;
  }

  /** Whether any of [start, end) is shared. */
  overlaps(start: number, end: number): boolean {
    return this.ranges.some((r) => r.start < end && r.end > start);
  }

  /**
   * Page `index` of `from`'s object changed through `from`: other ranges of this memory that map
   * the same page get its bytes at once (else they would look written, with the old bytes).
   */
  private copyToAliases(memory: SharedMemoryPages, from: SharedRange, index: number): void {
    for (const r of this.ranges) {
      if (r === from || r.object !== from.object) continue;
      const at = r.start + (index - r.firstPage) * PAGE_SIZE;
      if (at >= r.start && at < r.end) memory.poke(at, r.object.page(index));
    }
  }

  private load(memory: SharedMemoryPages, r: SharedRange): void {
    for (let addr = r.start; addr < r.end; addr += PAGE_SIZE) {
      const page = r.object.page(r.firstPage + (addr - r.start) / PAGE_SIZE);
      const bytes = memory.pageBytes(addr, 0);
      // A page not backed yet reads as zero: it needs bytes only where the object has some.
      if (bytes === null ? page === ZERO_PAGE : samePage(bytes, page)) continue;
      memory.poke(addr, page);
    }
    r.generation = r.object.generation;
  }
}
