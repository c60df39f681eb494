import type { AtomicOp, Cpu, Value } from '@arm64kit/core';
import type { LiftContext, Lifter } from '../lift/context.js';
import { NO_RESERVATION, RES_ADDR, RES_VALUE } from '../state.js';
import { row } from './row.js';

/**
 * The A extension. As for AArch64's exclusives (and QEMU in user mode), LR remembers the address
 * and value it read; SC succeeds when the address matches and memory still holds that value, and
 * either way the reservation ends. An AMO is a load, the operation and a store. The aq/rl bits
 * (letter q) order nothing more in program order.
 *
 * That is when one host thread runs every guest thread of the memory. When other host threads
 * share it (`c.shared`), SC's compare and store are one compare-and-exchange and an AMO is one
 * atomic read-modify-write of the memory (both sequentially consistent, which covers aq/rl).
 */

type Size = 4 | 8;

/** A loaded word as the register sees it: W forms sign-extend. */
function loaded(c: LiftContext, v: Value, size: Size): Value {
  return size === 4 ? c.b.extend32S(v) : v;
}

const lr =
  (size: Size): Lifter =>
  (f, c) => {
    const addr = c.x(f.s);
    const v = c.b.load(addr, size);
    c.b.setReg(RES_ADDR, addr);
    c.b.setReg(RES_VALUE, v);
    c.setX(f.d, loaded(c, v, size));
  };

const WIDTH = { 4: 0xffffffffn, 8: 0xffffffffffffffffn } as const;

/** SC on shared memory: 0 when the store happened, 1 when it did not. */
const storeConditional = {
  4: scHelper(4),
  8: scHelper(8),
};

function scHelper(size: Size) {
  return (cpu: Cpu, addr: bigint, value: bigint, reserved: bigint, expected: bigint): bigint => {
    if (reserved !== addr) return 1n;
    const want = expected & WIDTH[size];
    return cpu.memory.compareExchange(addr, want, value, size) === want ? 0n : 1n;
  };
}

const sc =
  (size: Size): Lifter =>
  (f, c) => {
    const b = c.b;
    if (c.shared) {
      const addr = c.x(f.s);
      const failed = b.callHelper(
        storeConditional[size],
        [addr, c.x(f.t), b.getReg(RES_ADDR), b.getReg(RES_VALUE)],
        'i64',
      );
      b.setReg(RES_ADDR, NO_RESERVATION);
      c.setX(f.d, failed);
      return;
    }
    const addr = c.x(f.s);
    const current = b.load(addr, size);
    const ok = b.and(b.eq(b.getReg(RES_ADDR), addr), b.eq(current, b.getReg(RES_VALUE)));
    // On failure memory keeps its value: storing back what was just read is the same thing.
    b.store(addr, b.select(ok, c.x(f.t), current), size);
    b.setReg(RES_ADDR, NO_RESERVATION);
    c.setX(f.d, b.extendU(b.eqz(ok)));
  };

type AmoOp = (c: LiftContext, old: Value, operand: Value, size: Size) => Value;

/**
 * The memory's atomic operation for each AMO on shared memory, and what it does to the operand
 * first: memory has no plain atomic AND, but AND-NOT (`clr`) of the inverted operand is one.
 */
const SHARED_OPS: Record<string, [AtomicOp, invert: boolean]> = {
  AMOSWAP: ['swp', false],
  AMOADD: ['add', false],
  AMOXOR: ['eor', false],
  AMOAND: ['clr', true],
  AMOOR: ['set', false],
  AMOMIN: ['smin', false],
  AMOMAX: ['smax', false],
  AMOMINU: ['umin', false],
  AMOMAXU: ['umax', false],
};

const amoHelpers = new Map<string, (cpu: Cpu, addr: bigint, operand: bigint) => bigint>();

/** The helper of one (AMO, size): the memory's atomic update, returning the old value. */
function amoHelper(name: string, size: Size) {
  const key = `${name}${size}`;
  let helper = amoHelpers.get(key);
  if (!helper) {
    const [op, invert] = SHARED_OPS[name];
    helper = (cpu, addr, operand) =>
      cpu.memory.atomicUpdate(op, addr, invert ? ~operand & WIDTH[size] : operand, size);
    amoHelpers.set(key, helper);
  }
  return helper;
}

const amo =
  (op: AmoOp, name: string) =>
  (size: Size): Lifter =>
  (f, c) => {
    const addr = c.x(f.s);
    if (c.shared) {
      const old = c.b.callHelper(amoHelper(name, size), [addr, c.x(f.t)], 'i64');
      c.setX(f.d, loaded(c, old, size));
      return;
    }
    const old = loaded(c, c.b.load(addr, size), size);
    const operand = size === 4 ? c.b.extend32S(c.x(f.t)) : c.x(f.t);
    c.b.store(addr, op(c, old, operand, size), size);
    c.setX(f.d, old);
  };

const pick = (less: (c: LiftContext, a: Value, b: Value) => Value, min: boolean): AmoOp => {
  return (c, a, b) => {
    const lt = less(c, a, b);
    return min ? c.b.select(lt, a, b) : c.b.select(lt, b, a);
  };
};

const ops: Record<string, [string, AmoOp]> = {
  AMOSWAP: ['00001', (_c, _a, b) => b],
  AMOADD: ['00000', (c, a, b) => c.b.add(a, b)],
  AMOXOR: ['00100', (c, a, b) => c.b.xor(a, b)],
  AMOAND: ['01100', (c, a, b) => c.b.and(a, b)],
  AMOOR: ['01000', (c, a, b) => c.b.or(a, b)],
  AMOMIN: ['10000', pick((c, a, b) => c.b.ltS(a, b), true)],
  AMOMAX: ['10100', pick((c, a, b) => c.b.ltS(a, b), false)],
  // Unsigned comparisons of W forms compare the 32-bit values: both are sign-extended alike.
  AMOMINU: ['11000', pick((c, a, b) => c.b.ltU(a, b), true)],
  AMOMAXU: ['11100', pick((c, a, b) => c.b.ltU(a, b), false)],
};

const widths: [string, string, Size][] = [
  ['W', '010', 4],
  ['D', '011', 8],
];

export const atomicRows = widths.flatMap(([suffix, funct3, size]) => [
  row(`LR_${suffix}`, `00010 qq 00000 sssss ${funct3} ddddd 0101111`, lr(size)),
  row(`SC_${suffix}`, `00011 qq ttttt sssss ${funct3} ddddd 0101111`, sc(size)),
  ...Object.entries(ops).map(([name, [funct5, op]]) =>
    row(`${name}_${suffix}`, `${funct5} qq ttttt sssss ${funct3} ddddd 0101111`, amo(op, name)(size)),
  ),
]);
