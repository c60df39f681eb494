import type { PagedMemory } from '../../memory/paged-memory.js';
import { PROT_READ } from '../../memory/types.js';

const PAGE_SIZE = 4096;

/**
 * Reads guest memory for the trace without touching it as the guest would: no fault, and no
 * host page given to a page the guest has not used yet (it reads as zeros). Returns the bytes of
 * [addr, addr+length) up to the first unreadable page, or null when `addr` itself is unreadable.
 */
export function peekBytes(memory: PagedMemory, addr: number, length: number): Uint8Array | null {
  const out: number[] = [];
  let a = addr;
  while (out.length < length) {
    if (!Number.isSafeInteger(a) || a < 0 || !memory.isMapped(a, 1, PROT_READ)) break;
    const page = memory.pageBytes(a, PROT_READ);
    const offset = a % PAGE_SIZE;
    const chunk = Math.min(length - out.length, PAGE_SIZE - offset);
    for (let i = 0; i < chunk; i++) out.push(page ? (page[offset + i] as number) : 0);
    a += chunk;
  }
  return out.length === 0 && length > 0 ? null : Uint8Array.from(out);
}

/**
 * The NUL-terminated string at `addr`, at most `max` bytes of it: `bytes` and whether the NUL
 * came within them (`complete`); null when the string starts or runs into unreadable memory.
 */
export function peekCString(
  memory: PagedMemory,
  addr: number,
  max: number,
): { bytes: Uint8Array; complete: boolean } | null {
  const bytes = peekBytes(memory, addr, max + 1);
  if (bytes === null) return null;
  const end = bytes.indexOf(0);
  if (end >= 0 && end <= max) return { bytes: bytes.subarray(0, end), complete: true };
  if (bytes.length <= max) return null; // ran into an unreadable page before the NUL
  return { bytes: bytes.subarray(0, max), complete: false };
}
