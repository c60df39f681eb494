import type { AccessSize, Value } from '@arm64kit/core';
import type { Fields } from '../decode/table.js';
import { EXCL_ADDR, EXCL_HI, EXCL_LO, EXCL_SIZE, NO_EXCLUSIVE } from '../state.js';
import { checkAlignment } from './alignment.js';
import type { LiftContext } from './context.js';
import { type A64Form, form } from './form.js';

/**
 * Load/store exclusive and load-acquire/store-release.
 *
 * The guest has one thread of execution, so the exclusive monitor is modelled the way QEMU does it
 * for user mode: LDXR remembers the address, size and value it read; STXR succeeds when the
 * address and size match and memory still holds that value, and either way the monitor is cleared.
 * Acquire/release ordering needs nothing extra in program order. Every form checks alignment
 * (alignment.ts) before it touches memory.
 */

function sizeOf(z: number): AccessSize {
  return (1 << z) as AccessSize;
}

/** Writes a loaded value into Wt or Xt depending on the access size. */
function setLoaded(c: LiftContext, t: number, v: Value, _size: number): void {
  // Loads zero-extend, so the value is already what Wt or Xt must hold.
  c.setX(t, v);
}

function loadExclusive(f: Fields, c: LiftContext): void {
  const b = c.b;
  const size = sizeOf(f.z);
  const addr = c.xsp(f.n);
  checkAlignment(c, addr, size);
  const v = b.load(addr, size);
  b.setReg(EXCL_ADDR, addr);
  b.setReg(EXCL_LO, v);
  b.setReg(EXCL_SIZE, BigInt(size));
  setLoaded(c, f.t, v, size);
}

function storeExclusive(f: Fields, c: LiftContext): void {
  const b = c.b;
  const size = sizeOf(f.z);
  const addr = c.xsp(f.n);
  checkAlignment(c, addr, size);
  const value = c.x(f.t);
  const current = b.load(addr, size);
  const ok = b.and(
    b.and(b.eq(b.getReg(EXCL_ADDR), addr), b.eq(b.getReg(EXCL_SIZE), BigInt(size))),
    b.eq(current, b.getReg(EXCL_LO)),
  );
  // On failure memory keeps its value: storing back what was just read is the same thing.
  b.store(addr, b.select(ok, value, current), size);
  b.setReg(EXCL_ADDR, NO_EXCLUSIVE);
  c.setW(f.s, b.xor(ok, 1));
}

/** Pairs encode the register size in bit 30 alone: 4 bytes (z=0) or 8 bytes (z=1). */
function pairSize(z: number): AccessSize {
  return z ? 8 : 4;
}

/** LDXP/LDAXP: two registers of 4 or 8 bytes. */
function loadExclusivePair(f: Fields, c: LiftContext): void {
  const b = c.b;
  const size = pairSize(f.z);
  const addr = c.xsp(f.n);
  checkAlignment(c, addr, 2 * size);
  const v1 = b.load(addr, size);
  const v2 = b.load(b.add(addr, BigInt(size)), size);
  b.setReg(EXCL_ADDR, addr);
  b.setReg(EXCL_LO, v1);
  b.setReg(EXCL_HI, v2);
  b.setReg(EXCL_SIZE, BigInt(2 * size));
  setLoaded(c, f.t, v1, size);
  setLoaded(c, f.a, v2, size);
}

function storeExclusivePair(f: Fields, c: LiftContext): void {
  const b = c.b;
  const size = pairSize(f.z);
  const addr = c.xsp(f.n);
  checkAlignment(c, addr, 2 * size);
  const addr2 = b.add(addr, BigInt(size));
  const v1 = c.x(f.t);
  const v2 = c.x(f.a);
  const cur1 = b.load(addr, size);
  const cur2 = b.load(addr2, size);
  const same = b.and(b.eq(cur1, b.getReg(EXCL_LO)), b.eq(cur2, b.getReg(EXCL_HI)));
  const ok = b.and(b.and(b.eq(b.getReg(EXCL_ADDR), addr), b.eq(b.getReg(EXCL_SIZE), BigInt(2 * size))), same);
  b.store(addr, b.select(ok, v1, cur1), size);
  b.store(addr2, b.select(ok, v2, cur2), size);
  b.setReg(EXCL_ADDR, NO_EXCLUSIVE);
  c.setW(f.s, b.xor(ok, 1));
}

function loadAcquire(f: Fields, c: LiftContext): void {
  const size = sizeOf(f.z);
  const addr = c.xsp(f.n);
  checkAlignment(c, addr, size);
  setLoaded(c, f.t, c.b.load(addr, size), size);
}

function storeRelease(f: Fields, c: LiftContext): void {
  const addr = c.xsp(f.n);
  checkAlignment(c, addr, sizeOf(f.z));
  c.b.store(addr, c.x(f.t), sizeOf(f.z));
}

export const exclusiveForms: readonly A64Form[] = [
  // size 001000 o2 L o1 Rs o0 Rt2 Rn Rt. Fields the form does not use (Rs, Rt2) are ignored, as
  // QEMU ignores them.
  form('STXR', 'zz 001000 0 0 0 sssss 0 ----- nnnnn ttttt', storeExclusive),
  form('STLXR', 'zz 001000 0 0 0 sssss 1 ----- nnnnn ttttt', storeExclusive),
  form('LDXR', 'zz 001000 0 1 0 ----- 0 ----- nnnnn ttttt', loadExclusive),
  form('LDAXR', 'zz 001000 0 1 0 ----- 1 ----- nnnnn ttttt', loadExclusive),
  form('STXP', '1z 001000 0 0 1 sssss 0 aaaaa nnnnn ttttt', storeExclusivePair),
  form('STLXP', '1z 001000 0 0 1 sssss 1 aaaaa nnnnn ttttt', storeExclusivePair),
  form('LDXP', '1z 001000 0 1 1 ----- 0 aaaaa nnnnn ttttt', loadExclusivePair),
  form('LDAXP', '1z 001000 0 1 1 ----- 1 aaaaa nnnnn ttttt', loadExclusivePair),
  form('STLLR', 'zz 001000 1 0 0 ----- 0 ----- nnnnn ttttt', storeRelease),
  form('STLR', 'zz 001000 1 0 0 ----- 1 ----- nnnnn ttttt', storeRelease),
  form('LDLAR', 'zz 001000 1 1 0 ----- 0 ----- nnnnn ttttt', loadAcquire),
  form('LDAR', 'zz 001000 1 1 0 ----- 1 ----- nnnnn ttttt', loadAcquire),
];
