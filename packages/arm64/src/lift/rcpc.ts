import type { AccessSize } from '@arm64kit/core';
import type { Fields } from '../decode/table.js';
import { checkAlignment } from './alignment.js';
import type { LiftContext } from './context.js';
import { type A64Form, form } from './form.js';

/**
 * FEAT_LRCPC2: LDAPUR* (load-acquire RCpc, unscaled signed offset, zero- or sign-extending) and
 * STLUR* (store-release). One guest thread sees program order, so they are plain accesses, with
 * the alignment rule of ordered accesses (alignment.ts).
 */
function liftUnscaledOrdered(f: Fields, c: LiftContext): boolean {
  const size = (1 << f.z) as AccessSize;
  const b = c.b;
  const offset = BigInt.asUintN(64, BigInt((f.i << 23) >> 23));
  const addr = b.add(c.xsp(f.n), offset);
  // LDAPURS of a size its destination cannot hold is unallocated, checked before alignment
  if ((f.o === 0b10 && size === 8) || (f.o === 0b11 && size >= 4)) return false;
  checkAlignment(c, addr, size);
  switch (f.o) {
    case 0b00: // STLUR
      b.store(addr, c.x(f.t), size);
      return true;
    case 0b01: // LDAPUR: zero-extended
      c.setX(f.t, b.load(addr, size));
      return true;
    case 0b10: // LDAPURS to X (bytes, halves, words)
      c.setX(f.t, b.load(addr, size, true));
      return true;
    default: // LDAPURS to W (bytes, halves)
      c.setW(f.t, b.wrap(b.load(addr, size, true)));
      return true;
  }
}

export const rcpcForms: readonly A64Form[] = [
  form('LDAPUR_STLUR', 'zz 011001 oo 0 iiiiiiiii 00 nnnnn ttttt', liftUnscaledOrdered),
];
