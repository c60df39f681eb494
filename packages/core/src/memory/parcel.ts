import { GuestFault } from '../signals.js';
import type { PagedMemory } from './paged-memory.js';

/**
 * The 16-bit instruction parcel at `pc` (2-aligned), read through the aligned word that holds it so
 * that the page checks and code-page marking are `fetch32`'s. A fault reports `pc` itself.
 */
export function fetchParcel(memory: PagedMemory, pc: bigint): number {
  if ((pc & 1n) !== 0n) throw new GuestFault(pc, 'execute');
  let word: number;
  try {
    word = memory.fetch32(pc & ~3n);
  } catch (e) {
    if (e instanceof GuestFault) throw new GuestFault(pc, 'execute');
    throw e;
  }
  return (pc & 2n) === 0n ? word & 0xffff : word >>> 16;
}
