import type { Cpu } from '../cpu/cpu.js';
import { type FpStatus, runExact } from '../ir/fp.js';
import type { IrBlock, IrInst, Value } from '../ir/types.js';
import type { PagedMemory } from '../memory/paged-memory.js';
import { GuestSignal } from '../signals.js';
import { EXIT_JUMP, EXIT_SYSCALL } from './exit-kind.js';
import * as n from './numeric.js';

type Val = bigint | number;

/** Flags of the last FP operation (operations run one at a time). */
const status: FpStatus = { flags: 0 };

/**
 * The reference IR interpreter: walks a block's instructions one by one with a switch, keeping
 * temporaries in an array. Deliberately plain; it is the oracle the faster backends are checked
 * against. Returns EXIT_JUMP or EXIT_SYSCALL after storing the next PC; throws GuestSignal.
 */
export function interpretBlock(block: IrBlock, cpu: Cpu, memory: PagedMemory): number {
  const t: Val[] = new Array(block.tempCount);
  const v = (x: Value): Val => t[x.id];
  let pc = block.pc;
  try {
    for (const inst of block.insts) {
      if (inst.op === 'insn') pc = inst.pc;
      else step(inst, t, v, cpu, memory);
    }
  } catch (error) {
    if (error instanceof GuestSignal && error.pc === null) error.pc = pc;
    throw error;
  }
  const exit = block.exit;
  switch (exit.kind) {
    case 'jump':
      cpu.regs[cpu.layout.pc] = t[exit.target.id] as bigint;
      return EXIT_JUMP;
    case 'syscall':
      cpu.regs[cpu.layout.pc] = t[exit.next.id] as bigint;
      return EXIT_SYSCALL;
    case 'trap': {
      cpu.regs[cpu.layout.pc] = exit.pc;
      const signal = new GuestSignal(exit.signal, exit.detail);
      signal.pc = exit.pc;
      throw signal;
    }
  }
}

function split(cpu: Cpu, addr: bigint): [number, number] {
  cpu.regs[cpu.scratch] = addr;
  return [cpu.regs32[cpu.scratch * 2], cpu.regs32[cpu.scratch * 2 + 1]];
}

function step(inst: IrInst, t: Val[], v: (x: Value) => Val, cpu: Cpu, memory: PagedMemory): void {
  switch (inst.op) {
    case 'insn':
      return;
    case 'const':
      t[inst.dst.id] = inst.value;
      return;
    case 'getReg':
      t[inst.dst.id] = cpu.regs[inst.slot];
      return;
    case 'setReg':
      cpu.regs[inst.slot] = v(inst.src) as bigint;
      return;
    case 'binary':
      t[inst.dst.id] =
        inst.dst.ty === 'i64'
          ? binary64(inst.kind, v(inst.a) as bigint, v(inst.b) as bigint)
          : binary32(inst.kind, v(inst.a) as number, v(inst.b) as number);
      return;
    case 'compare':
      t[inst.dst.id] =
        inst.a.ty === 'i64'
          ? compare64(inst.kind, v(inst.a) as bigint, v(inst.b) as bigint)
          : compare32(inst.kind, v(inst.a) as number, v(inst.b) as number);
      return;
    case 'unary': {
      const a = v(inst.a);
      if (typeof a === 'bigint') {
        t[inst.dst.id] =
          inst.kind === 'clz'
            ? n.clz64(a)
            : inst.kind === 'ctz'
              ? n.ctz64(a)
              : inst.kind === 'popcnt'
                ? n.popcnt64(a)
                : a === 0n
                  ? 1
                  : 0;
      } else {
        t[inst.dst.id] =
          inst.kind === 'clz'
            ? Math.clz32(a)
            : inst.kind === 'ctz'
              ? n.ctz32(a)
              : inst.kind === 'popcnt'
                ? n.popcnt32(a)
                : a === 0
                  ? 1
                  : 0;
      }
      return;
    }
    case 'convert': {
      const a = v(inst.a);
      t[inst.dst.id] = convert(inst.kind, a);
      return;
    }
    case 'select':
      t[inst.dst.id] = v(inst.cond) !== 0 ? v(inst.a) : v(inst.b);
      return;
    case 'load': {
      const [lo, hi] = split(cpu, v(inst.addr) as bigint);
      let r: bigint;
      switch (inst.size) {
        case 8:
          r = memory.load64(lo, hi);
          break;
        case 4: {
          const x = memory.load32(lo, hi);
          r = inst.signed ? BigInt.asUintN(64, BigInt(x | 0)) : BigInt(x);
          break;
        }
        case 2: {
          const x = memory.load16(lo, hi);
          r = inst.signed ? BigInt.asUintN(64, BigInt((x << 16) >> 16)) : BigInt(x);
          break;
        }
        case 1: {
          const x = memory.load8(lo, hi);
          r = inst.signed ? BigInt.asUintN(64, BigInt((x << 24) >> 24)) : BigInt(x);
          break;
        }
      }
      t[inst.dst.id] = r;
      return;
    }
    case 'store': {
      const value = v(inst.src) as bigint;
      const [lo, hi] = split(cpu, v(inst.addr) as bigint);
      if (inst.size === 8) memory.store64(lo, hi, value);
      else {
        const low = Number(value & 0xffffffffn);
        if (inst.size === 4) memory.store32(lo, hi, low);
        else if (inst.size === 2) memory.store16(lo, hi, low & 0xffff);
        else memory.store8(lo, hi, low & 0xff);
      }
      return;
    }
    case 'float': {
      t[inst.dst.id] = runExact(inst.fn, status, v(inst.control) as number, inst.args.map(v) as bigint[]);
      t[inst.flags.id] = status.flags | 0;
      return;
    }
    case 'call': {
      const r = inst.helper(cpu, ...inst.args.map(v));
      if (inst.dst) {
        t[inst.dst.id] = inst.dst.ty === 'i64' ? BigInt.asUintN(64, BigInt(r as bigint)) : Number(r) | 0;
      }
      return;
    }
  }
}

export function binary64(kind: string, a: bigint, b: bigint): bigint {
  switch (kind) {
    case 'add':
      return BigInt.asUintN(64, a + b);
    case 'sub':
      return BigInt.asUintN(64, a - b);
    case 'mul':
      return BigInt.asUintN(64, a * b);
    case 'and':
      return a & b;
    case 'or':
      return a | b;
    case 'xor':
      return a ^ b;
    case 'shl':
      return BigInt.asUintN(64, a << (b & 63n));
    case 'shr_u':
      return a >> (b & 63n);
    case 'shr_s':
      return BigInt.asUintN(64, BigInt.asIntN(64, a) >> (b & 63n));
    case 'rotl':
      return n.rotl64(a, b);
    case 'rotr':
      return n.rotr64(a, b);
    case 'div_u':
      return b === 0n ? 0n : a / b;
    case 'div_s':
      return n.divS64(a, b);
    case 'rem_u':
      return b === 0n ? a : a % b;
    case 'rem_s':
      return n.remS64(a, b);
    case 'mulh_u':
      return n.mulhU64(a, b);
    case 'mulh_s':
      return n.mulhS64(a, b);
  }
  throw new Error(`unknown i64 op ${kind}`);
}

export function binary32(kind: string, a: number, b: number): number {
  switch (kind) {
    case 'add':
      return (a + b) | 0;
    case 'sub':
      return (a - b) | 0;
    case 'mul':
      return Math.imul(a, b);
    case 'and':
      return a & b;
    case 'or':
      return a | b;
    case 'xor':
      return a ^ b;
    case 'shl':
      return a << (b & 31);
    case 'shr_u':
      return (a >>> (b & 31)) | 0;
    case 'shr_s':
      return a >> (b & 31);
    case 'rotl':
      return n.rotl32(a, b);
    case 'rotr':
      return n.rotr32(a, b);
    case 'div_u':
      return n.divU32(a, b);
    case 'div_s':
      return n.divS32(a, b);
    case 'rem_u':
      return n.remU32(a, b);
    case 'rem_s':
      return n.remS32(a, b);
  }
  throw new Error(`unknown i32 op ${kind}`);
}

export function compare64(kind: string, a: bigint, b: bigint): number {
  return compareViews(kind, a, b, BigInt.asIntN(64, a), BigInt.asIntN(64, b));
}

export function compare32(kind: string, a: number, b: number): number {
  return compareViews(kind, a >>> 0, b >>> 0, a | 0, b | 0);
}

/** One comparison over the unsigned (ua, ub) and signed (sa, sb) views of the same two operands. */
function compareViews<T extends number | bigint>(kind: string, ua: T, ub: T, sa: T, sb: T): number {
  switch (kind) {
    case 'eq':
      return ua === ub ? 1 : 0;
    case 'ne':
      return ua !== ub ? 1 : 0;
    case 'lt_u':
      return ua < ub ? 1 : 0;
    case 'le_u':
      return ua <= ub ? 1 : 0;
    case 'gt_u':
      return ua > ub ? 1 : 0;
    case 'ge_u':
      return ua >= ub ? 1 : 0;
    case 'lt_s':
      return sa < sb ? 1 : 0;
    case 'le_s':
      return sa <= sb ? 1 : 0;
    case 'gt_s':
      return sa > sb ? 1 : 0;
    case 'ge_s':
      return sa >= sb ? 1 : 0;
  }
  throw new Error(`unknown compare ${kind}`);
}

export function convert(kind: string, a: Val): Val {
  switch (kind) {
    case 'wrap':
      return Number(BigInt.asIntN(32, a as bigint));
    case 'extend_u':
      return BigInt((a as number) >>> 0);
    case 'extend_s':
      return BigInt.asUintN(64, BigInt(a as number));
    case 'extend8_s':
      return typeof a === 'bigint' ? BigInt.asUintN(64, BigInt.asIntN(8, a)) : (a << 24) >> 24;
    case 'extend16_s':
      return typeof a === 'bigint' ? BigInt.asUintN(64, BigInt.asIntN(16, a)) : (a << 16) >> 16;
    case 'extend32_s':
      return BigInt.asUintN(64, BigInt.asIntN(32, a as bigint));
  }
  throw new Error(`unknown conversion ${kind}`);
}
