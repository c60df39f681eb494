import type { PagedMemory } from '../../memory/paged-memory.js';
import { PROT_READ } from '../../memory/types.js';

const PAGE_SIZE = 4096;

/**
 * Reads guest memory for the trace without touching it as the guest would: no fault, and no
 * host page given to a page the guest has not used yet (it reads as zeros). Returns the bytes of
 * [addr, addr+length) up to the first unreadable page, or null when `addr` itself is unreadable.
 */
export function peekBytes(memory: PagedMemory, addr: number, length: number): Uint8Array | null {
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const a = addr + done;
    if (!Number.isSafeInteger(a) || a < 0 || !memory.isMapped(a, 1, PROT_READ)) break;
    const offset = a % PAGE_SIZE;
    const chunk = Math.min(length - done, PAGE_SIZE - offset);
    const page = memory.pageBytes(a, PROT_READ);
    if (page) out.set(page.subarray(offset, offset + chunk), done); // else never touched: zeros
    done += chunk;
  }
  return done === 0 && length > 0 ? null : out.subarray(0, done);
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
  // Read in small pieces: most strings are short, and the trace reads one for every path.
  const pieces: Uint8Array[] = [];
  let length = 0;
  while (length <= max) {
    const piece = peekBytes(memory, addr + length, Math.min(256, max + 1 - length));
    if (piece === null) return null; // ran into an unreadable page before the NUL
    const end = piece.indexOf(0);
    if (end >= 0) {
      pieces.push(piece.subarray(0, end));
      return { bytes: concat(pieces), complete: true };
    }
    pieces.push(piece);
    length += piece.length;
  }
  return { bytes: concat(pieces).subarray(0, max), complete: false };
}

function concat(pieces: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
