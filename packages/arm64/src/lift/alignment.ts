import { type Cpu, GuestSignal, type Value } from '@arm64kit/core';
import { HWCAP } from '../cpu/hwcap.js';
import type { LiftContext } from './context.js';

/**
 * The alignment rule of ordered (LDAR STLR LDAPR LDAPUR STLUR), exclusive (LDXR STXR and pairs)
 * and atomic (CAS CASP LD<op> ST<op> SWP) accesses. Their address must be a multiple of the
 * access size, else the access faults (SIGBUS, BUS_ADRALN), as on an Armv8.0-8.3 core and under
 * qemu. With FEAT_LSE2 (advertised as USCAT) a misaligned access that stays inside one aligned
 * 16-byte block is allowed and single-copy atomic; one that crosses a 16-byte boundary still
 * faults. Plain loads and stores never need alignment (Linux leaves SCTLR_EL1.A clear).
 */

function misaligned(size: number, uscat: boolean): (cpu: Cpu, low: number) => void {
  const mask = size - 1;
  return (_cpu, low) => {
    if ((low & mask) === 0 || (uscat && low + size <= 16)) return;
    throw new GuestSignal('SIGBUS', `misaligned ${size}-byte atomic or ordered access`);
  };
}

/** Emits the check for an access of `size` bytes (a pair counts as one access of both) at `addr`. */
export function checkAlignment(c: LiftContext, addr: Value, size: number): void {
  if (size === 1) return;
  const b = c.b;
  const uscat = (c.cpu.hwcap & HWCAP.USCAT) !== 0n;
  // the low four address bits decide both rules
  b.callHelper(misaligned(size, uscat), [b.and(b.wrap(addr), 15)]);
}
