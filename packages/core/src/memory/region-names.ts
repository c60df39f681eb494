/** What /proc/PID/maps names a range of guest memory by: a mapped file and where in it, or "[heap]". */
export interface RegionName {
  readonly start: number;
  readonly end: number;
  /** The guest path of the mapped file (a byte string), or a bracketed name. */
  readonly name: string;
  /** Offset in the file of `start`. */
  readonly offset: number;
  /** The file's device (major, minor) and inode, as /proc/PID/maps shows them. */
  readonly device: readonly [number, number];
  readonly inode: bigint;
}

/**
 * The names of guest memory ranges, kept beside the page table: a range loses its name where it
 * is unmapped or mapped over, as a VMA does. Few ranges are named (the program, its libraries,
 * file mappings), so a sorted list is enough.
 */
export class RegionNames {
  private ranges: RegionName[] = [];

  /** Names [start, end), replacing any name it had. */
  set(region: RegionName): void {
    this.forget(region.start, region.end);
    this.ranges.push(region);
    this.ranges.sort((a, b) => a.start - b.start);
  }

  /** [start, end) has no name any more; ranges that overlap it keep what lies outside. */
  forget(start: number, end: number): void {
    if (!this.ranges.some((r) => r.start < end && r.end > start)) return;
    const kept: RegionName[] = [];
    for (const r of this.ranges) {
      if (r.end <= start || r.start >= end) {
        kept.push(r);
        continue;
      }
      if (r.start < start) kept.push({ ...r, end: start });
      if (r.end > end) kept.push({ ...r, start: end, offset: r.offset + (end - r.start) });
    }
    this.ranges = kept;
  }

  /** The named range holding `addr`, or undefined. */
  at(addr: number): RegionName | undefined {
    return this.ranges.find((r) => r.start <= addr && addr < r.end);
  }

  /** Where the next named range at or above `addr` starts (Infinity when none). */
  nextStart(addr: number): number {
    for (const r of this.ranges) if (r.start > addr) return r.start;
    return Number.POSITIVE_INFINITY;
  }

  copy(): RegionNames {
    const copy = new RegionNames();
    copy.ranges = [...this.ranges];
    return copy;
  }
}
