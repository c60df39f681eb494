import type { AccessSize, Cpu, Value } from '@arm64kit/core';
import type { Fields } from '../decode/table.js';
import { EXCL_ADDR, EXCL_HI, EXCL_LO, EXCL_SIZE, NO_EXCLUSIVE } from '../state.js';
import { checkAlignment } from './alignment.js';
import type { LiftContext } from './context.js';
import { type A64Form, form } from './form.js';

/**
 * Load/store exclusive and load-acquire/store-release.
 *
 * The exclusive monitor is modelled the way QEMU does it for user mode: LDXR remembers the
 * address, size and value it read; STXR succeeds when the address and size match and memory
 * still holds that value, and either way the monitor is cleared. When one host thread runs every
 * thread of the memory, that is a load, a compare and a store in the block; when other host
 * threads share the memory (`c.shared`), the compare and store are one compare-and-exchange, so
 * the store is atomic against them. A 16-byte STXP then has no host compare-and-exchange: it is
 * two 8-byte ones, the first undone when the second fails. Acquire/release ordering needs nothing
 * extra on a host with x86's ordering. Every form checks alignment (alignment.ts) before it
 * touches memory.
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

/** Whether the monitor holds `addr` for an access of `size` bytes; either way it is cleared. */
function takeMonitor(cpu: Cpu, addr: bigint, size: number): boolean {
  const r = cpu.regs;
  const held = r[EXCL_ADDR] === addr && r[EXCL_SIZE] === BigInt(size);
  r[EXCL_ADDR] = NO_EXCLUSIVE;
  return held;
}

/** STXR's helper per size: 0 when the store happened, 1 when it did not. */
const storeExclusiveHelpers = ([1, 2, 4, 8] as const).map(
  (size) =>
    (cpu: Cpu, addr: bigint, value: bigint): number => {
      if (!takeMonitor(cpu, addr, size)) return 1;
      const expected = cpu.regs[EXCL_LO];
      return cpu.memory.compareExchange(addr, expected, value, size) === expected ? 0 : 1;
    },
);

function storeExclusive(f: Fields, c: LiftContext): void {
  const b = c.b;
  const addr = c.xsp(f.n);
  const size = sizeOf(f.z);
  checkAlignment(c, addr, size);
  if (c.shared) {
    c.setW(f.s, b.callHelper(storeExclusiveHelpers[f.z], [addr, c.x(f.t)], 'i32'));
    return;
  }
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

/** STXP's helper: a pair of 4-byte registers is one 8-byte exchange, a pair of 8-byte ones a 16-byte one. */
function storePairHelper(size: 4 | 8) {
  return (cpu: Cpu, addr: bigint, v1: bigint, v2: bigint): number => {
    if (!takeMonitor(cpu, addr, 2 * size)) return 1;
    const memory = cpu.memory;
    const lo = cpu.regs[EXCL_LO];
    const hi = cpu.regs[EXCL_HI];
    if (size === 4) {
      const expected = (hi << 32n) | lo;
      const desired = ((v2 & 0xffffffffn) << 32n) | (v1 & 0xffffffffn);
      return memory.compareExchange(addr, expected, desired, 8) === expected ? 0 : 1;
    }
    const [oldLo, oldHi] = memory.compareExchangePair(addr, lo, hi, v1, v2);
    return oldLo === lo && oldHi === hi ? 0 : 1;
  };
}
const storePairHelpers = { 4: storePairHelper(4), 8: storePairHelper(8) };

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
  const v1 = c.x(f.t);
  const v2 = c.x(f.a);
  if (c.shared) {
    c.setW(f.s, b.callHelper(storePairHelpers[size as 4 | 8], [addr, v1, v2], 'i32'));
    return;
  }
  const addr2 = b.add(addr, BigInt(size));
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
