import type { Cpu } from '../cpu/cpu.js';
import type { BinaryOp, CompareOp, IrBlock, IrInst, Value } from '../ir/types.js';
import type { PagedMemory } from '../memory/paged-memory.js';
import { GuestSignal } from '../signals.js';
import { EXIT_JUMP, EXIT_SYSCALL } from './exit-kind.js';
import * as numeric from './numeric.js';

/** A block compiled to a JS function; same contract as `interpretBlock`. */
export type CompiledBlock = (cpu: Cpu, memory: PagedMemory) => number;

/**
 * Constants of the block being compiled, by value id, as JS literals: they are written in place,
 * so V8 sees literal operands (a shift by `1n` rather than by `t3 & 63n`, one BigInt operation
 * instead of two).
 */
let literals = new Map<number, string>();
const t = (v: Value): string => literals.get(v.id) ?? `t${v.id}`;

function literal(value: bigint | number): string {
  const text = typeof value === 'bigint' ? `${value}n` : `${value}`;
  return value < 0 ? `(${text})` : text;
}

/** A shift amount: folded to its effective value when it is a literal. */
function amount(b: string, bits: 64 | 32): string {
  if (/^\d+n$/.test(b)) return `${BigInt(b.slice(0, -1)) & 63n}n`;
  if (bits === 32 && /^\d+$/.test(b)) return `${Number(b) & 31}`;
  return bits === 64 ? `(${b} & 63n)` : `(${b} & 31)`;
}

const BINARY64: Record<BinaryOp, (a: string, b: string) => string> = {
  add: (a, b) => `BigInt.asUintN(64, ${a} + ${b})`,
  sub: (a, b) => `BigInt.asUintN(64, ${a} - ${b})`,
  mul: (a, b) => `BigInt.asUintN(64, ${a} * ${b})`,
  and: (a, b) => `(${a} & ${b})`,
  or: (a, b) => `(${a} | ${b})`,
  xor: (a, b) => `(${a} ^ ${b})`,
  shl: (a, b) => `BigInt.asUintN(64, ${a} << ${amount(b, 64)})`,
  shr_u: (a, b) => `(${a} >> ${amount(b, 64)})`,
  shr_s: (a, b) => `BigInt.asUintN(64, BigInt.asIntN(64, ${a}) >> ${amount(b, 64)})`,
  rotl: (a, b) => `n.rotl64(${a}, ${b})`,
  rotr: (a, b) => `n.rotr64(${a}, ${b})`,
  div_u: (a, b) => `(${b} === 0n ? 0n : ${a} / ${b})`,
  div_s: (a, b) => `n.divS64(${a}, ${b})`,
  rem_u: (a, b) => `(${b} === 0n ? ${a} : ${a} % ${b})`,
  rem_s: (a, b) => `n.remS64(${a}, ${b})`,
  mulh_u: (a, b) => `n.mulhU64(${a}, ${b})`,
  mulh_s: (a, b) => `n.mulhS64(${a}, ${b})`,
};

const BINARY32: Record<BinaryOp, (a: string, b: string) => string> = {
  add: (a, b) => `((${a} + ${b}) | 0)`,
  sub: (a, b) => `((${a} - ${b}) | 0)`,
  mul: (a, b) => `Math.imul(${a}, ${b})`,
  and: (a, b) => `(${a} & ${b})`,
  or: (a, b) => `(${a} | ${b})`,
  xor: (a, b) => `(${a} ^ ${b})`,
  shl: (a, b) => `(${a} << ${amount(b, 32)})`,
  shr_u: (a, b) => `((${a} >>> ${amount(b, 32)}) | 0)`,
  shr_s: (a, b) => `(${a} >> ${amount(b, 32)})`,
  rotl: (a, b) => `n.rotl32(${a}, ${b})`,
  rotr: (a, b) => `n.rotr32(${a}, ${b})`,
  div_u: (a, b) => `n.divU32(${a}, ${b})`,
  div_s: (a, b) => `n.divS32(${a}, ${b})`,
  rem_u: (a, b) => `n.remU32(${a}, ${b})`,
  rem_s: (a, b) => `n.remS32(${a}, ${b})`,
  mulh_u: () => {
    throw new Error('mulh_u is i64 only');
  },
  mulh_s: () => {
    throw new Error('mulh_s is i64 only');
  },
};

const COMPARE_OPERATOR: Record<CompareOp, string> = {
  eq: '===',
  ne: '!==',
  lt_s: '<',
  lt_u: '<',
  le_s: '<=',
  le_u: '<=',
  gt_s: '>',
  gt_u: '>',
  ge_s: '>=',
  ge_u: '>=',
};

function compare(kind: CompareOp, ty: 'i32' | 'i64', a: string, b: string): string {
  const op = COMPARE_OPERATOR[kind];
  if (kind === 'eq' || kind === 'ne') return `(${a} ${op} ${b} ? 1 : 0)`;
  const signed = kind.endsWith('_s');
  if (ty === 'i64') {
    return signed
      ? `(BigInt.asIntN(64, ${a}) ${op} BigInt.asIntN(64, ${b}) ? 1 : 0)`
      : `(${a} ${op} ${b} ? 1 : 0)`;
  }
  return signed ? `(${a} ${op} ${b} ? 1 : 0)` : `((${a} >>> 0) ${op} (${b} >>> 0) ? 1 : 0)`;
}

function expression(inst: IrInst, helperIndex: (fn: unknown) => number): string {
  switch (inst.op) {
    case 'const':
      return typeof inst.value === 'bigint' ? `${inst.value}n` : `${inst.value}`;
    case 'getReg':
      return `R[${inst.slot}]`;
    case 'binary':
      return (inst.dst.ty === 'i64' ? BINARY64 : BINARY32)[inst.kind](t(inst.a), t(inst.b));
    case 'compare':
      return compare(inst.kind, inst.a.ty, t(inst.a), t(inst.b));
    case 'unary': {
      const a = t(inst.a);
      const wide = inst.a.ty === 'i64';
      switch (inst.kind) {
        case 'clz':
          return wide ? `n.clz64(${a})` : `Math.clz32(${a})`;
        case 'ctz':
          return wide ? `n.ctz64(${a})` : `n.ctz32(${a})`;
        case 'popcnt':
          return wide ? `n.popcnt64(${a})` : `n.popcnt32(${a})`;
        case 'eqz':
          return wide ? `(${a} === 0n ? 1 : 0)` : `(${a} === 0 ? 1 : 0)`;
      }
      break;
    }
    case 'convert': {
      const a = t(inst.a);
      const wide = inst.a.ty === 'i64';
      switch (inst.kind) {
        case 'wrap':
          return `Number(BigInt.asIntN(32, ${a}))`;
        case 'extend_u':
          return `BigInt(${a} >>> 0)`;
        case 'extend_s':
          return `BigInt.asUintN(64, BigInt(${a}))`;
        case 'extend8_s':
          return wide ? `BigInt.asUintN(64, BigInt.asIntN(8, ${a}))` : `((${a} << 24) >> 24)`;
        case 'extend16_s':
          return wide ? `BigInt.asUintN(64, BigInt.asIntN(16, ${a}))` : `((${a} << 16) >> 16)`;
        case 'extend32_s':
          return `BigInt.asUintN(64, BigInt.asIntN(32, ${a}))`;
      }
      break;
    }
    case 'select':
      return `(${t(inst.cond)} !== 0 ? ${t(inst.a)} : ${t(inst.b)})`;
    case 'load': {
      const at = `(R[S] = ${t(inst.addr)}, M.load${inst.size * 8}(R32[S2], R32[S2 + 1]))`;
      if (inst.size === 8) return at;
      if (!inst.signed) return `BigInt(${at})`;
      const shift = 32 - inst.size * 8;
      return shift === 0
        ? `BigInt.asUintN(64, BigInt(${at} | 0))`
        : `BigInt.asUintN(64, BigInt((${at} << ${shift}) >> ${shift}))`;
    }
    case 'call': {
      const call = `H[${helperIndex(inst.helper)}](cpu${inst.args.map((a) => `, ${t(a)}`).join('')})`;
      if (!inst.dst) return call;
      return inst.dst.ty === 'i64' ? `BigInt.asUintN(64, BigInt(${call}))` : `(Number(${call}) | 0)`;
    }
    default:
      break;
  }
  throw new Error(`no expression for ${inst.op}`);
}

/**
 * Re-reads the register views after anything that may grow guest memory (a first touch backs a
 * page, a helper may map): growth replaces the views, and one kept across it writes nowhere.
 */
const REREAD_VIEWS = 'R = cpu.regs; R32 = cpu.regs32;';

/** JS source for a block (exported for debugging and tests). */
export function blockSource(block: IrBlock, helpers: unknown[] = []): string {
  const helperIndex = (fn: unknown): number => {
    let i = helpers.indexOf(fn);
    if (i < 0) i = helpers.push(fn) - 1;
    return i;
  };
  const lines: string[] = [];
  let insn = -1;
  literals = new Map();
  for (const inst of block.insts) {
    if (inst.op === 'const') literals.set(inst.dst.id, literal(inst.value));
  }
  for (const inst of block.insts) {
    switch (inst.op) {
      case 'const':
        break;
      case 'insn':
        lines.push(`ip = ${++insn};`);
        break;
      case 'setReg':
        lines.push(`R[${inst.slot}] = ${t(inst.src)};`);
        break;
      case 'store': {
        const addr = `R[S] = ${t(inst.addr)};`;
        if (inst.size === 8) lines.push(`${addr} M.store64(R32[S2], R32[S2 + 1], ${t(inst.src)});`);
        else {
          // The value's low half comes from the int32 view: no BigInt→Number conversion.
          lines.push(
            `R[S + 1] = ${t(inst.src)}; ${addr} M.store${inst.size * 8}(R32[S2], R32[S2 + 1], R32[S2 + 2]);`,
          );
        }
        lines.push(REREAD_VIEWS);
        break;
      }
      case 'float': {
        const args = inst.args.map((a) => `, ${t(a)}`).join('');
        const pad = ', 0n'.repeat(3 - inst.args.length);
        lines.push(
          `ST.flags = 0; const ${t(inst.dst)} = H[${helperIndex(inst.fn)}].exact(ST, ${t(inst.control)}${args}${pad});`,
        );
        lines.push(`const ${t(inst.flags)} = ST.flags | 0;`);
        lines.push(REREAD_VIEWS);
        break;
      }
      case 'call':
        if (!inst.dst) lines.push(`${expression(inst, helperIndex)};`);
        else lines.push(`const ${t(inst.dst)} = ${expression(inst, helperIndex)};`);
        lines.push(REREAD_VIEWS);
        break;
      case 'load':
        lines.push(`const ${t(inst.dst)} = ${expression(inst, helperIndex)};`, REREAD_VIEWS);
        break;
      default:
        if ('dst' in inst && inst.dst) lines.push(`const ${t(inst.dst)} = ${expression(inst, helperIndex)};`);
    }
  }
  const exit = block.exit;
  switch (exit.kind) {
    case 'jump':
      lines.push(`R[PC] = ${t(exit.target)}; return ${EXIT_JUMP};`);
      break;
    case 'syscall':
      lines.push(`R[PC] = ${t(exit.next)}; return ${EXIT_SYSCALL};`);
      break;
    case 'trap':
      lines.push(`R[PC] = ${exit.pc}n; throw trap();`);
      break;
  }
  return lines.join('\n');
}

/** Compiles a block into a JS function once; V8 then optimizes hot blocks like ordinary code. */
export function compileBlock(block: IrBlock, layout: { pc: number }, scratch: number): CompiledBlock {
  const helpers: unknown[] = [];
  const body = blockSource(block, helpers);
  const pcs = block.insts.filter((i) => i.op === 'insn').map((i) => (i as { pc: bigint }).pc);
  const trap = (): GuestSignal => {
    if (block.exit.kind !== 'trap') throw new Error('not a trap block');
    const signal = new GuestSignal(block.exit.signal, block.exit.detail);
    signal.pc = block.exit.pc;
    return signal;
  };
  const factory = new Function(
    'n',
    'H',
    'pcs',
    'trap',
    'GuestSignal',
    'ST',
    `const PC = ${layout.pc}, S = ${scratch}, S2 = ${scratch * 2};
return function block_${block.pc.toString(16)}(cpu, M) {
  let R = cpu.regs, R32 = cpu.regs32;
  let ip = 0;
  try {
${body}
  } catch (e) {
    if (e instanceof GuestSignal && e.pc === null) e.pc = pcs[ip] ?? ${block.pc}n;
    throw e;
  }
};`,
  );
  return factory(numeric, helpers, pcs, trap, GuestSignal, { flags: 0 }) as CompiledBlock;
}
