import type { AccessSize, AtomicOp, Cpu, Value } from '@arm64kit/core';
import type { Fields } from '../decode/table.js';
import { checkAlignment } from './alignment.js';
import type { LiftContext } from './context.js';
import { type A64Form, form } from './form.js';

/**
 * Armv8.1 LSE atomics (CAS, CASP, SWP, LDADD/LDCLR/LDEOR/LDSET/LD{S,U}{MAX,MIN} and their ST*
 * aliases) and Armv8.3 LDAPR. HWCAP_ATOMICS is advertised by the neoverse-n1 profile only (glibc
 * then chooses them); under v8.0 code built for a newer architecture may still use them. With one guest thread an atomic
 * read-modify-write is simply a load, the operation and a store.
 */

function sizeOf(z: number): AccessSize {
  return (1 << z) as AccessSize;
}

function widthMask(size: number): bigint {
  return size === 8 ? (1n << 64n) - 1n : (1n << BigInt(size * 8)) - 1n;
}

/** Sign-extends the low `size` bytes of an i64. */
function signExtend(c: LiftContext, v: Value, size: number): Value {
  const b = c.b;
  if (size === 1) return b.extend8S(v);
  if (size === 2) return b.extend16S(v);
  if (size === 4) return b.extend32S(v);
  return v;
}

/** Writes a value read from memory (zero-extended) to Wt or Xt. */
function setOld(c: LiftContext, t: number, old: Value, _size: number): void {
  // Loads zero-extend, so the value is already what Wt or Xt must hold.
  c.setX(t, old);
}

/** The operation as a load, the arithmetic and a store (one host thread runs every guest thread). */
function inlineUpdate(op: AtomicOp, f: Fields, c: LiftContext): void {
  const b = c.b;
  const size = sizeOf(f.z);
  const addr = c.xsp(f.n);
  const operand = size === 8 ? c.x(f.s) : b.and(c.x(f.s), widthMask(size));
  const old = b.load(addr, size);
  let result: Value;
  switch (op) {
    case 'add':
      result = b.add(old, operand);
      break;
    case 'clr':
      result = b.and(old, b.not(operand));
      break;
    case 'eor':
      result = b.xor(old, operand);
      break;
    case 'set':
      result = b.or(old, operand);
      break;
    case 'swp':
      result = operand;
      break;
    case 'smax':
    case 'smin': {
      const gt = b.gtS(signExtend(c, old, size), signExtend(c, operand, size));
      result = op === 'smax' ? b.select(gt, old, operand) : b.select(gt, operand, old);
      break;
    }
    case 'umax':
    case 'umin': {
      const gt = b.gtU(old, operand);
      result = op === 'umax' ? b.select(gt, old, operand) : b.select(gt, operand, old);
      break;
    }
  }
  b.store(addr, result, size);
  setOld(c, f.t, old, size);
}

/** The helper of each (operation, size): one atomic operation on the guest memory. */
const updateHelpers = new Map<string, (cpu: Cpu, addr: bigint, operand: bigint) => bigint>();

function atomicOp(op: AtomicOp) {
  return (f: Fields, c: LiftContext) => {
    const size = sizeOf(f.z);
    checkAlignment(c, c.xsp(f.n), size);
    if (!c.shared) {
      inlineUpdate(op, f, c);
      return;
    }
    const key = `${op}${size}`;
    let helper = updateHelpers.get(key);
    if (!helper) {
      helper = (cpu: Cpu, addr: bigint, operand: bigint) => cpu.memory.atomicUpdate(op, addr, operand, size);
      updateHelpers.set(key, helper);
    }
    setOld(c, f.t, c.b.callHelper(helper, [c.xsp(f.n), c.x(f.s)], 'i64'), size);
  };
}

const casHelpers = ([1, 2, 4, 8] as const).map(
  (size) => (cpu: Cpu, addr: bigint, expected: bigint, desired: bigint) =>
    cpu.memory.compareExchange(addr, expected, desired, size),
);

/** CAS: if memory equals Rs, store Rt; Rs receives the old value either way. */
function compareAndSwap(f: Fields, c: LiftContext): void {
  if (!c.shared) {
    inlineCompareAndSwap(f, c);
    return;
  }
  checkAlignment(c, c.xsp(f.n), sizeOf(f.z));
  const old = c.b.callHelper(casHelpers[f.z], [c.xsp(f.n), c.x(f.s), c.x(f.t)], 'i64');
  setOld(c, f.s, old, sizeOf(f.z));
}

/**
 * CASP of two 4-byte registers: one 8-byte compare-and-exchange. Returns the old pair as one
 * i64 (first register in the low half).
 */
function casPair32(cpu: Cpu, addr: bigint, expected: bigint, desired: bigint): bigint {
  return cpu.memory.compareExchange(addr, expected, desired, 8);
}

/**
 * CASP of two 8-byte registers: one 16-byte compare-and-exchange (see `compareExchangePair`).
 * Reads Rs, Rs+1, Rt, Rt+1 and writes Rs, Rs+1.
 */
function casPair64Helper(s: number, t: number) {
  return (cpu: Cpu, addr: bigint): void => {
    const r = cpu.regs;
    // Register 31 is XZR here (slot 31 holds SP).
    const x = (n: number) => (n === 31 ? 0n : r[n]);
    const e1 = x(s);
    const e2 = x(s + 1);
    const [old1, old2] = cpu.memory.compareExchangePair(addr, e1, e2, x(t), x(t + 1));
    // The exchange may have grown the memory (a first touch), which replaces the register view.
    const after = cpu.regs;
    after[s] = old1;
    if (s + 1 !== 31) after[s + 1] = old2;
  };
}

/** CASP: the same on a pair of consecutive registers (Rs, Rs+1) against (Rt, Rt+1). */
function compareAndSwapPair(f: Fields, c: LiftContext) {
  if (f.s & 1 || f.t & 1) return false;
  if (!c.shared) {
    inlineCompareAndSwapPair(f, c);
    return;
  }
  const b = c.b;
  const addr = c.xsp(f.n);
  checkAlignment(c, addr, f.z ? 16 : 8);
  if (f.z) {
    b.callHelper(casPair64Helper(f.s, f.t), [addr]);
    return;
  }
  const pair = (n: number) => b.or(b.shl(c.x(n + 1), 32n), b.and(c.x(n), 0xffffffffn));
  const old = b.callHelper(casPair32, [addr, pair(f.s), pair(f.t)], 'i64');
  setOld(c, f.s, b.and(old, 0xffffffffn), 4);
  setOld(c, f.s + 1, b.shrU(old, 32n), 4);
}

/** CAS as a load, a compare and a store. */
function inlineCompareAndSwap(f: Fields, c: LiftContext): void {
  const b = c.b;
  const size = sizeOf(f.z);
  const addr = c.xsp(f.n);
  checkAlignment(c, addr, size);
  const expected = size === 8 ? c.x(f.s) : b.and(c.x(f.s), widthMask(size));
  const old = b.load(addr, size);
  b.store(addr, b.select(b.eq(old, expected), c.x(f.t), old), size);
  setOld(c, f.s, old, size);
}

/** CASP as loads, compares and stores. */
function inlineCompareAndSwapPair(f: Fields, c: LiftContext): void {
  const b = c.b;
  const size: AccessSize = f.z ? 8 : 4;
  const addr = c.xsp(f.n);
  checkAlignment(c, addr, 2 * size);
  const addr2 = b.add(addr, BigInt(size));
  const mask = widthMask(size);
  const e1 = size === 8 ? c.x(f.s) : b.and(c.x(f.s), mask);
  const e2 = size === 8 ? c.x(f.s + 1) : b.and(c.x(f.s + 1), mask);
  const old1 = b.load(addr, size);
  const old2 = b.load(addr2, size);
  const same = b.and(b.eq(old1, e1), b.eq(old2, e2));
  b.store(addr, b.select(same, c.x(f.t), old1), size);
  b.store(addr2, b.select(same, c.x(f.t + 1), old2), size);
  setOld(c, f.s, old1, size);
  setOld(c, f.s + 1, old2, size);
}

const OPS: readonly [AtomicOp, string, string][] = [
  ['add', 'LDADD', '0 000'],
  ['clr', 'LDCLR', '0 001'],
  ['eor', 'LDEOR', '0 010'],
  ['set', 'LDSET', '0 011'],
  ['smax', 'LDSMAX', '0 100'],
  ['smin', 'LDSMIN', '0 101'],
  ['umax', 'LDUMAX', '0 110'],
  ['umin', 'LDUMIN', '0 111'],
  ['swp', 'SWP', '1 000'],
];

export const atomicForms: readonly A64Form[] = [
  // size 111 0 00 A R 1 Rs o3 opc 00 Rn Rt; A and R only add ordering.
  ...OPS.map(([op, name, bits]) =>
    form(name, `zz 111 0 00 - - 1 sssss ${bits} 00 nnnnn ttttt`, atomicOp(op)),
  ),
  form('LDAPR', 'zz 111 0 00 1 0 1 11111 1 100 00 nnnnn ttttt', (f, c) => {
    const size = sizeOf(f.z);
    const addr = c.xsp(f.n);
    checkAlignment(c, addr, size);
    setOld(c, f.t, c.b.load(addr, size), size);
  }),
  // size 001000 1 L 1 Rs o0 11111 Rn Rt (L acquire, o0 release).
  form('CAS', 'zz 001000 1 - 1 sssss - 11111 nnnnn ttttt', compareAndSwap),
  form('CASP', '0z 001000 0 - 1 sssss - 11111 nnnnn ttttt', compareAndSwapPair),
];
