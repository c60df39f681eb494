import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileBlock,
  compileWasmBlock,
  FP_ARITY,
  type FpFunction,
  type FpKind,
  type FpStatus,
  type IrBlock,
  IrBuilder,
  interpretBlock,
  optimizeBlock,
  threadBlock,
} from '../src/index.js';
import { oracle32, rational, toBits32, toBits64, toF64 } from './fp32-oracle.js';
import { freshCpu, toyLayout } from './helpers.js';

/**
 * The `float` operation on every executor against its exact function. The exact functions here are
 * an oracle for IEEE 754 default arithmetic (results from JS doubles, Inexact decided with exact
 * rational arithmetic) that answers a poison value with an odd flag for everything the native
 * path must leave to it: a non-zero control word, NaN or infinite operands, overflow, subnormal
 * or underflowed results. So any native result that differs from the exact one, or any case the
 * native path takes that it should not, shows as a mismatch.
 */

const INEXACT = 1 << 4;
const POISON = 0x7ff0_dead_beef_0001n;
const POISON_FLAGS = 0x100;
const ORDER: [bigint, bigint, bigint] = [0x8n, 0x6n, 0x2n];

/** Compares u * 2^ue with v * 2^ve. */
function same(u: bigint, ue: number, v: bigint, ve: number): boolean {
  const e = Math.min(ue, ve);
  return u << BigInt(ue - e) === v << BigInt(ve - e);
}

const finite = (x: number) => Number.isFinite(x);
const normalOrZero = (r: number) => r === 0 || (Math.abs(r) >= 2 ** -1022 && finite(r));

/** Round m * 2^e to the nearest double (ties to even), or undefined unless it is normal. */
function roundNormal(m: bigint, e: number): { value: number; exact: boolean } | undefined {
  if (m === 0n) return undefined;
  const negative = m < 0n;
  let q = negative ? -m : m;
  let exp = e;
  let exact = true;
  const shift = q.toString(2).length - 53;
  if (shift > 0) {
    const rest = q & ((1n << BigInt(shift)) - 1n);
    const half = 1n << BigInt(shift - 1);
    q >>= BigInt(shift);
    exp += shift;
    exact = rest === 0n;
    if (rest > half || (rest === half && (q & 1n) === 1n)) q += 1n;
    if (q === 1n << 53n) {
      q >>= 1n;
      exp += 1;
    }
  }
  const top = q.toString(2).length + exp; // the value is in [2^(top-1), 2^top)
  if (top - 1 < -1022 || top > 1024) return undefined;
  const value = Number(q) * 2 ** exp;
  return { value: negative ? -value : value, exact };
}

function poison(status: FpStatus): bigint {
  status.flags |= POISON_FLAGS;
  return POISON;
}

function result(status: FpStatus, r: number, exact: boolean): bigint {
  if (!exact) status.flags |= INEXACT;
  return toBits64(r);
}

function oracle(kind: FpKind): FpFunction['exact'] {
  return (status, control, a, b, c) => {
    if (control !== 0) return poison(status);
    const x = toF64(a);
    const y = toF64(b);
    switch (kind) {
      case 'add64':
      case 'sub64':
      case 'mul64':
      case 'div64': {
        const yy = kind === 'sub64' ? -y : y;
        const r = kind === 'mul64' ? x * y : kind === 'div64' ? x / y : x + yy;
        if (!finite(x) || !finite(y) || !normalOrZero(r)) return poison(status);
        const rx = rational(x);
        const ry = rational(yy);
        const rr = rational(r);
        if (kind === 'mul64') {
          if (r === 0 && x !== 0 && y !== 0) return poison(status);
          return result(status, r, same(rx.m * ry.m, rx.e + ry.e, rr.m, rr.e));
        }
        if (kind === 'div64') {
          if (y === 0) return poison(status);
          if (r === 0 && x !== 0) return poison(status);
          return result(status, r, same(rr.m * ry.m, rr.e + ry.e, rx.m, rx.e));
        }
        const e = Math.min(rx.e, ry.e);
        const sum = (rx.m << BigInt(rx.e - e)) + (ry.m << BigInt(ry.e - e));
        return result(status, r, same(sum, e, rr.m, rr.e));
      }
      case 'sqrt64': {
        const r = Math.sqrt(x);
        if (!finite(x) || !normalOrZero(r) || (x !== 0 && x < 0)) return poison(status);
        const rx = rational(x);
        const rr = rational(r);
        return result(status, r, same(rr.m * rr.m, 2 * rr.e, rx.m, rx.e));
      }
      case 'fma64': {
        const z = toF64(c);
        if (!finite(x) || !finite(y) || !finite(z)) return poison(status);
        if (y === 0 || z === 0) return result(status, x + y * z, true);
        const rx = rational(x);
        const ry = rational(y);
        const rz = rational(z);
        const e = Math.min(rx.e, ry.e + rz.e);
        const v = (rx.m << BigInt(rx.e - e)) + ((ry.m * rz.m) << BigInt(ry.e + rz.e - e));
        if (v === 0n) return result(status, 0, true);
        const rounded = roundNormal(v, e);
        if (!rounded) return poison(status);
        return result(status, rounded.value, rounded.exact);
      }
      case 'cmp64':
        if (Number.isNaN(x) || Number.isNaN(y)) return poison(status);
        return x < y ? ORDER[0] : x === y ? ORDER[1] : ORDER[2];
      case 'fromS64':
      case 'fromU64': {
        const i = kind === 'fromS64' ? BigInt.asIntN(64, a) : a;
        const r = Number(i);
        return result(status, r, BigInt(r) === i);
      }
      default: {
        const signed = kind === 'toS64' || kind === 'toS32';
        const width = kind === 'toS64' || kind === 'toU64' ? 64 : 32;
        if (!finite(x)) return poison(status);
        const t = BigInt(Math.trunc(x));
        const lo = signed ? -(1n << BigInt(width - 1)) : 0n;
        const hi = signed ? (1n << BigInt(width - 1)) - 1n : (1n << BigInt(width)) - 1n;
        if (t < lo || t > hi) return poison(status);
        if (!(Math.trunc(x) === x)) status.flags |= INEXACT;
        return BigInt.asUintN(width, t);
      }
    }
  };
}

const KINDS: FpKind[] = [
  'add64',
  'sub64',
  'mul64',
  'div64',
  'sqrt64',
  'fma64',
  'cmp64',
  'fromS64',
  'fromU64',
  'toS64',
  'toS32',
  'toU64',
  'toU32',
];
const SINGLE_KINDS: FpKind[] = [
  'add32',
  'sub32',
  'mul32',
  'div32',
  'sqrt32',
  'fma32',
  'cmp32',
  'fromS64To32',
  'fromU64To32',
  'toS64From32',
  'toS32From32',
  'toU64From32',
  'toU32From32',
  'cvt32To64',
  'cvt64To32',
];

/** Slots 0-2 operands, 3 the control word; 4 gets the result, 5 the flags. */
function fpBlock(fn: FpFunction, loop = false): IrBlock {
  const b = new IrBuilder(0x1000n);
  b.insn(0x1000n, 0);
  const args = [0, 1, 2].slice(0, FP_ARITY[fn.kind]).map((s) => b.getReg(s));
  const { value, flags } = b.fp(fn, b.wrap(b.getReg(3)), args);
  b.setReg(4, value);
  b.setReg(5, b.extendU(flags));
  if (loop) b.jump(0x1000n);
  else b.jump(0x2000n);
  return optimizeBlock(b.finish());
}

const shared = freshCpu();

function runners(block: IrBlock): (() => unknown)[] {
  const { cpu, memory } = shared;
  const compiled = compileBlock(block, toyLayout, cpu.scratch);
  const threaded = threadBlock(block, cpu, memory);
  const wasm = compileWasmBlock(block, cpu, memory);
  return [
    () => interpretBlock(block, cpu, memory),
    () => compiled(cpu, memory),
    () => threaded(cpu, memory),
    () => wasm(),
  ];
}

function fnOf(kind: FpKind, counter: { calls: number }): FpFunction {
  const exact = SINGLE_KINDS.includes(kind) ? oracle32(kind, INEXACT, poison, ORDER) : oracle(kind);
  return {
    kind,
    inexact: INEXACT,
    order: kind === 'cmp64' || kind === 'cmp32' ? ORDER : undefined,
    exact: (status, control, a, b, c) => {
      counter.calls++;
      return exact(status, control, a, b, c);
    },
  };
}

const interesting = fc.constantFrom(
  0,
  -0,
  1,
  -1,
  0.1,
  3,
  2 ** 52,
  2 ** 53 + 2,
  2 ** 63,
  -(2 ** 63),
  2 ** 64,
  2 ** 31,
  -(2 ** 31) - 0.5,
  2 ** 32 - 0.5,
  -0.75,
  1.5,
  2 ** -1022,
  2 ** -1074,
  2 ** -1022 * 1.5,
  2 ** 1023,
  1.7976931348623157e308,
  2 ** -968,
  2 ** 995,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  Number.NaN,
);
const double = fc.oneof(
  interesting.map(toBits64),
  fc.double().map(toBits64),
  fc.double({ min: -1e6, max: 1e6 }).map(toBits64),
  fc.integer({ min: -(2 ** 20), max: 2 ** 20 }).map((i) => toBits64(i / 64)),
  fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  fc.constant(toBits64(Number.NaN) | 1n),
);
const integer = fc.oneof(
  fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  fc.bigInt({ min: -(1n << 54n), max: 1n << 54n }).map((i) => BigInt.asUintN(64, i)),
  fc.constantFrom(0n, 1n, (1n << 53n) - 1n, 1n << 53n, (1n << 53n) + 1n, 1n << 63n, (1n << 64n) - 1n),
);
const interestingSingle = fc.constantFrom(
  0,
  -0,
  1,
  -1,
  0.1,
  3,
  1.5,
  -0.75,
  2 ** 23,
  2 ** 24 + 2,
  2 ** 31,
  -(2 ** 31),
  2 ** 32 - 256,
  2 ** 63,
  2 ** 64,
  2 ** -126,
  2 ** -149,
  2 ** -126 * 1.5,
  2 ** -63,
  2 ** 127,
  (2 - 2 ** -23) * 2 ** 127,
  2 ** 64 * 1.5,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  Number.NaN,
);
/** A single in the low 32 bits; sometimes other bits above it, which must be ignored. */
const single = fc
  .tuple(
    fc.oneof(
      interestingSingle.map(toBits32),
      fc.float().map(toBits32),
      fc.float({ min: -1e4, max: 1e4 }).map(toBits32),
      fc.integer({ min: -(2 ** 20), max: 2 ** 20 }).map((i) => toBits32(i / 64)),
      fc.bigInt({ min: 0n, max: 0xffffffffn }),
      fc.constant(0x7fc00001n),
    ),
    fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: 0xffffffffn })),
  )
  .map(([lo, hi]) => (hi << 32n) | lo);
/** Doubles near and beyond the range of singles, for cvt64To32. */
const doubleForSingle = fc.oneof(
  single.map((b) => toBits64(Math.fround(toF32Bits(b)))),
  fc.double({ min: -1e39, max: 1e39 }).map(toBits64),
  fc.double({ min: -1e-36, max: 1e-36 }).map(toBits64),
  fc.constantFrom(2 ** -126, 2 ** -126 * (1 - 2 ** -30), 2 ** 128, (2 - 2 ** -24) * 2 ** 127).map(toBits64),
);
function toF32Bits(b: bigint): number {
  return new Float32Array(new Uint32Array([Number(b & 0xffffffffn)]).buffer)[0];
}
const control = fc.oneof(
  fc.constant(0),
  fc.constant(0),
  fc.constant(0),
  fc.integer({ min: 1, max: 3 << 22 }),
);

describe('the float IR operation', () => {
  for (const kind of [...KINDS, ...SINGLE_KINDS]) {
    it(`${kind}: every executor gives the exact function's bits and flags`, () => {
      const counter = { calls: 0 };
      const fn = fnOf(kind, counter);
      const run = runners(fpBlock(fn));
      const { cpu } = shared;
      const operand = ['fromS64', 'fromU64', 'fromS64To32', 'fromU64To32'].includes(kind)
        ? integer
        : kind === 'cvt64To32'
          ? doubleForSingle
          : SINGLE_KINDS.includes(kind)
            ? single
            : double;
      fc.assert(
        fc.property(fc.tuple(operand, operand, operand), control, (ops, ctl) => {
          const status: FpStatus = { flags: 0 };
          const want = fn.exact(status, ctl, ...ops);
          for (const r of run) {
            cpu.regs.fill(0n);
            ops.forEach((v, i) => {
              cpu.regs[i] = v;
            });
            cpu.regs[3] = BigInt(ctl);
            r();
            expect([cpu.regs[4], Number(cpu.regs[5])]).toEqual([want, status.flags]);
          }
        }),
        { numRuns: kind === 'fma64' || kind === 'fma32' ? 20000 : 3000 },
      );
    });
  }

  it('runs native code in wasm for ordinary operands under the default control word', () => {
    const counter = { calls: 0 };
    const fn = fnOf('add64', counter);
    const wasm = runners(fpBlock(fn))[3];
    const { cpu } = shared;
    cpu.regs.fill(0n);
    cpu.regs[0] = toBits64(0.1);
    cpu.regs[1] = toBits64(0.2);
    wasm();
    expect(toF64(cpu.regs[4])).toBe(0.1 + 0.2);
    expect(Number(cpu.regs[5])).toBe(INEXACT);
    expect(counter.calls).toBe(0);
    cpu.regs[3] = 1n; // any other control word: the exact function decides
    wasm();
    expect(counter.calls).toBe(1);
    expect(cpu.regs[4]).toBe(POISON);
  });

  it('fma64 agrees where the addend nearly cancels the product', () => {
    const counter = { calls: 0 };
    const fn = fnOf('fma64', counter);
    const run = runners(fpBlock(fn));
    const { cpu } = shared;
    const near = fc
      .tuple(
        fc.double({ min: -1e200, max: 1e200 }),
        fc.double({ min: -1e100, max: 1e100 }),
        fc.integer({ min: -4, max: 4 }),
      )
      .map(
        ([x, y, k]) =>
          [BigInt.asUintN(64, toBits64(-(x * y)) + BigInt(k)), toBits64(x), toBits64(y)] as const,
      );
    fc.assert(
      fc.property(near, (ops) => {
        const status: FpStatus = { flags: 0 };
        const want = fn.exact(status, 0, ...ops);
        for (const r of run) {
          cpu.regs.fill(0n);
          ops.forEach((v, i) => {
            cpu.regs[i] = v;
          });
          r();
          expect([cpu.regs[4], Number(cpu.regs[5])]).toEqual([want, status.flags]);
        }
      }),
      { numRuns: 20000 },
    );
  });

  it('runs fma64 natively in wasm for ordinary operands', () => {
    const counter = { calls: 0 };
    const fn = fnOf('fma64', counter);
    const wasm = runners(fpBlock(fn))[3];
    const { cpu } = shared;
    cpu.regs.fill(0n);
    cpu.regs[0] = toBits64(1.5);
    cpu.regs[1] = toBits64(3);
    cpu.regs[2] = toBits64(0.1);
    wasm();
    expect(Number(cpu.regs[5])).toBe(INEXACT);
    expect(counter.calls).toBe(0);
    expect(toF64(cpu.regs[4])).toBe(1.8);
    // An exact cancellation: +0.
    cpu.regs[0] = toBits64(-0.75);
    cpu.regs[1] = toBits64(1.5);
    cpu.regs[2] = toBits64(0.5);
    wasm();
    expect([cpu.regs[4], Number(cpu.regs[5])]).toEqual([0n, 0]);
    expect(counter.calls).toBe(0);
    // Ordinary random operands stay native (all but the rare near-ties).
    const values = fc.sample(
      fc.integer({ min: -1e9, max: 1e9 }).map((i) => i / 977.3),
      3000,
    );
    for (let i = 0; i + 2 < values.length; i += 3) {
      values.slice(i, i + 3).forEach((v, k) => {
        cpu.regs[k] = toBits64(v);
      });
      wasm();
    }
    expect(counter.calls).toBeLessThan(20);
  });

  it('runs binary32 arithmetic natively in wasm for ordinary operands', () => {
    const { cpu } = shared;
    const values = fc.sample(
      fc.integer({ min: -1e7, max: 1e7 }).map((i) => toBits32(Math.fround(i / 97.3))),
      3000,
    );
    for (const kind of ['add32', 'sub32', 'mul32', 'div32', 'sqrt32', 'fma32', 'cvt32To64'] as const) {
      const counter = { calls: 0 };
      const fn = fnOf(kind, counter);
      const wasm = runners(fpBlock(fn))[3];
      for (let i = 0; i + 2 < values.length; i += 3) {
        values.slice(i, i + 3).forEach((v, k) => {
          // sqrt32 of a negative number is Invalid Operation: exact path
          cpu.regs[k] = kind === 'sqrt32' ? v & 0x7fffffffn : v;
        });
        cpu.regs[3] = 0n;
        wasm();
      }
      // All but the rare midpoints (and zero divisors) stay native.
      expect(counter.calls, kind).toBeLessThan(20);
    }
  });

  it('fma32 agrees where the addend nearly cancels the product', () => {
    const counter = { calls: 0 };
    const fn = fnOf('fma32', counter);
    const run = runners(fpBlock(fn));
    const { cpu } = shared;
    const near = fc
      .tuple(
        fc.float({ min: Math.fround(-1e18), max: Math.fround(1e18), noNaN: true }),
        fc.float({ min: Math.fround(-1e18), max: Math.fround(1e18), noNaN: true }),
        fc.integer({ min: -4, max: 4 }),
      )
      .map(
        ([x, y, k]) =>
          [
            BigInt.asUintN(32, toBits32(Math.fround(-(x * y))) + BigInt(k)),
            toBits32(x),
            toBits32(y),
          ] as const,
      );
    fc.assert(
      fc.property(near, (ops) => {
        const status: FpStatus = { flags: 0 };
        const want = fn.exact(status, 0, ...ops);
        for (const r of run) {
          cpu.regs.fill(0n);
          ops.forEach((v, i) => {
            cpu.regs[i] = v;
          });
          r();
          expect([cpu.regs[4], Number(cpu.regs[5])]).toEqual([want, status.flags]);
        }
      }),
      { numRuns: 20000 },
    );
  });

  it('keeps a block that loops on itself with a float operation correct', () => {
    const counter = { calls: 0 };
    const fn = fnOf('mul64', counter);
    const block = fpBlock(fn, true);
    const { cpu, memory } = shared;
    const wasm = compileWasmBlock(block, cpu, memory);
    cpu.regs.fill(0n);
    cpu.regs[0] = toBits64(3);
    cpu.regs[1] = toBits64(0.5);
    wasm();
    expect(toF64(cpu.regs[4])).toBe(1.5);
    expect(cpu.regs[toyLayout.pc]).toBe(0x1000n);
  });
});
