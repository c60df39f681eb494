/**
 * Guest memory as seen by core, frontends and helpers. Addresses are guest virtual addresses as
 * JS numbers; every access checks the page's protection and throws `GuestFault` (SIGSEGV, with
 * the faulting address) when the page is unmapped or lacks the permission.
 */

/** Page protection bits, with Linux's values (PROT_READ, PROT_WRITE, PROT_EXEC). */
export const PROT_NONE = 0;
export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const PROT_EXEC = 4;

/** Access sizes in bytes. */
export type AccessSize = 1 | 2 | 4 | 8;

/** Atomic read-modify-write operations, named as Arm's LSE instructions name them. */
export type AtomicOp = 'add' | 'clr' | 'eor' | 'set' | 'swp' | 'smax' | 'smin' | 'umax' | 'umin';

export interface GuestMemory {
  /** Guest page size in bytes (4096). */
  readonly pageSize: number;

  read8(addr: number): number;
  read16(addr: number): number;
  /** Unsigned 32-bit value. */
  read32(addr: number): number;
  read64(addr: number): bigint;
  write8(addr: number, value: number): void;
  write16(addr: number, value: number): void;
  write32(addr: number, value: number): void;
  write64(addr: number, value: bigint): void;

  /** A copy of `length` bytes at `addr`. */
  readBytes(addr: number, length: number): Uint8Array;
  writeBytes(addr: number, bytes: Uint8Array): void;
  /** A NUL-terminated string at `addr` (UTF-8), at most `max` bytes. */
  readCString(addr: number, max?: number): string;

  /**
   * Maps `length` bytes (rounded up to pages) with `prot`, zero-filled. With `fixed` the mapping
   * is placed exactly at `addr` (replacing what was there); otherwise `addr` is a hint and a free
   * range is chosen. Returns the address.
   */
  map(addr: number, length: number, prot: number, fixed: boolean): number;
  /** Unmaps whole pages in [addr, addr+length); unmapped parts are ignored. */
  unmap(addr: number, length: number): void;
  /** Changes protection of mapped pages; returns false if part of the range is not mapped. */
  protect(addr: number, length: number, prot: number): boolean;
  /** True when every page in [addr, addr+length) is mapped with at least `prot`. */
  isMapped(addr: number, length: number, prot?: number): boolean;

  /**
   * Atomic compare-and-exchange of `size` bytes at `addr` (aligned): stores `desired` when memory
   * holds `expected`; returns the old value. Atomic against every thread sharing the memory.
   */
  compareExchange(addr: bigint, expected: bigint, desired: bigint, size: AccessSize): bigint;
  /**
   * Compare-and-exchange of the 16 bytes at `addr` (16-byte aligned) as two 8-byte halves: stores
   * (desiredLo, desiredHi) when memory holds (expectedLo, expectedHi); returns what it held. The
   * host has no 16-byte atomic, so these are atomic against each other (one lock per memory),
   * not against plain stores to the same bytes.
   */
  compareExchangePair(
    addr: bigint,
    expectedLo: bigint,
    expectedHi: bigint,
    desiredLo: bigint,
    desiredHi: bigint,
  ): [bigint, bigint];
  /** Atomic read-modify-write (`op` applied to the old value and `operand`); returns the old value. */
  atomicUpdate(op: AtomicOp, addr: bigint, operand: bigint, size: AccessSize): bigint;
  /** A full barrier: this thread's earlier accesses are visible before its later ones. */
  fence(): void;
  /**
   * Code at `address` may have been rewritten, by this thread or another (AArch64's IC IVAU after
   * a JIT wrote code): what was lifted from its page goes. A store to a page holding lifted code
   * already does that; this catches the store another host thread made while the page was being
   * lifted, before it was marked.
   */
  codeWritten(address: bigint): void;
  /**
   * An instruction synchronization barrier (ISB, FENCE.I): code other host threads rewrote is
   * seen from the next block on.
   */
  syncInstructions(): void;

  /** Called with (firstPage, pageCount) whenever pages holding lifted code are written or unmapped. */
  onCodeChange: ((firstPage: number, pageCount: number) => void) | null;
}
