import { binary32, binary64, compare32, compare64, convert } from '../exec/reference-interpreter.js';
import { operandsOf } from './operands.js';
import type { BlockExit, IrBlock, IrInst, Value } from './types.js';

/**
 * Block-local clean-up run once per lifted block, before any backend sees it. It only removes
 * work whose absence nothing can observe, so every backend stays exact:
 *
 * - a register read after a write (or an earlier read) in the same block reuses that value;
 * - operations on constants are folded (with the reference interpreter's own semantics);
 * - a register write that a later write to the same slot overwrites, with no read, no helper
 *   call and no memory access in between, is dropped (a fault in between may run a signal
 *   handler, which sees every register as of the faulting instruction);
 * - pure operations whose results are unused are dropped. Loads stay: they may fault.
 *
 * Helper calls are barriers: helpers may read and write any register.
 */
export function optimizeBlock(block: IrBlock): IrBlock {
  const forwarded = forward(block);
  const live = dropDeadWrites(forwarded.insts);
  const used = dropUnused(live, forwarded.exit);
  return renumber({ ...block, insts: used, exit: forwarded.exit });
}

type Const = bigint | number;

function forward(block: IrBlock): { insts: IrInst[]; exit: BlockExit } {
  const alias = new Map<number, Value>();
  const constants = new Map<number, Const>();
  const regs = new Map<number, Value>();
  const out: IrInst[] = [];
  const v = (x: Value): Value => alias.get(x.id) ?? x;
  const constant = (dst: Value, value: Const): IrInst => {
    constants.set(dst.id, value);
    return { op: 'const', dst, value };
  };
  for (const inst of block.insts) {
    switch (inst.op) {
      case 'getReg': {
        const known = regs.get(inst.slot);
        if (known) {
          alias.set(inst.dst.id, known);
          continue;
        }
        regs.set(inst.slot, inst.dst);
        out.push(inst);
        continue;
      }
      case 'setReg': {
        const src = v(inst.src);
        regs.set(inst.slot, src);
        out.push({ ...inst, src });
        continue;
      }
      case 'const':
        out.push(constant(inst.dst, inst.value));
        continue;
      case 'binary': {
        const a = v(inst.a);
        const b = v(inst.b);
        const ca = constants.get(a.id);
        const cb = constants.get(b.id);
        if (ca !== undefined && cb !== undefined) {
          out.push(
            constant(
              inst.dst,
              inst.dst.ty === 'i64'
                ? binary64(inst.kind, ca as bigint, cb as bigint)
                : binary32(inst.kind, ca as number, cb as number),
            ),
          );
          continue;
        }
        out.push({ ...inst, a, b });
        continue;
      }
      case 'compare': {
        const a = v(inst.a);
        const b = v(inst.b);
        const ca = constants.get(a.id);
        const cb = constants.get(b.id);
        if (ca !== undefined && cb !== undefined) {
          out.push(
            constant(
              inst.dst,
              a.ty === 'i64'
                ? compare64(inst.kind, ca as bigint, cb as bigint)
                : compare32(inst.kind, ca as number, cb as number),
            ),
          );
          continue;
        }
        out.push({ ...inst, a, b });
        continue;
      }
      case 'convert': {
        const a = v(inst.a);
        const ca = constants.get(a.id);
        if (ca !== undefined) {
          out.push(constant(inst.dst, convert(inst.kind, ca)));
          continue;
        }
        out.push({ ...inst, a });
        continue;
      }
      case 'select': {
        const cond = v(inst.cond);
        const cc = constants.get(cond.id);
        if (cc !== undefined) {
          alias.set(inst.dst.id, cc !== 0 ? v(inst.a) : v(inst.b));
          continue;
        }
        out.push({ ...inst, cond, a: v(inst.a), b: v(inst.b) });
        continue;
      }
      case 'unary':
        out.push({ ...inst, a: v(inst.a) });
        continue;
      case 'load':
        out.push({ ...inst, addr: v(inst.addr) });
        continue;
      case 'store':
        out.push({ ...inst, addr: v(inst.addr), src: v(inst.src) });
        continue;
      case 'call':
        out.push({ ...inst, args: inst.args.map(v) });
        regs.clear();
        continue;
      case 'float':
        out.push({ ...inst, control: v(inst.control), args: inst.args.map(v) });
        continue;
      case 'insn':
        out.push(inst);
        continue;
    }
  }
  const exit = block.exit;
  const fixed: BlockExit =
    exit.kind === 'jump'
      ? { kind: 'jump', target: v(exit.target) }
      : exit.kind === 'syscall'
        ? { kind: 'syscall', next: v(exit.next) }
        : exit;
  return { insts: out, exit: fixed };
}

function dropDeadWrites(insts: IrInst[]): IrInst[] {
  const overwritten = new Set<number>();
  const keep: boolean[] = new Array(insts.length).fill(true);
  for (let i = insts.length - 1; i >= 0; i--) {
    const inst = insts[i];
    if (inst.op === 'setReg') {
      if (overwritten.has(inst.slot)) keep[i] = false;
      else overwritten.add(inst.slot);
    } else if (inst.op === 'getReg') overwritten.delete(inst.slot);
    else if (inst.op === 'call' || inst.op === 'load' || inst.op === 'store') overwritten.clear();
  }
  return insts.filter((_, i) => keep[i]);
}

const PURE = new Set(['const', 'getReg', 'binary', 'compare', 'unary', 'convert', 'select']);

function dropUnused(insts: IrInst[], exit: BlockExit): IrInst[] {
  const used = new Set<number>();
  if (exit.kind === 'jump') used.add(exit.target.id);
  if (exit.kind === 'syscall') used.add(exit.next.id);
  const keep: boolean[] = new Array(insts.length).fill(true);
  for (let i = insts.length - 1; i >= 0; i--) {
    const inst = insts[i];
    if (PURE.has(inst.op) && 'dst' in inst && inst.dst && !used.has(inst.dst.id)) {
      keep[i] = false;
      continue;
    }
    if (inst.op === 'float' && !used.has(inst.dst.id) && !used.has(inst.flags.id)) {
      keep[i] = false;
      continue;
    }
    for (const x of operandsOf(inst)) used.add(x.id);
  }
  return insts.filter((_, i) => keep[i]);
}

/** Gives the surviving temporaries dense ids again (backends size their temp storage by it). */
function renumber(block: IrBlock): IrBlock {
  const ids = new Map<number, Value>();
  const map = (x: Value): Value => {
    let y = ids.get(x.id);
    if (!y) {
      y = { id: ids.size, ty: x.ty };
      ids.set(x.id, y);
    }
    return y;
  };
  const insts = block.insts.map((inst): IrInst => {
    switch (inst.op) {
      case 'insn':
        return inst;
      case 'const':
      case 'getReg':
        return { ...inst, dst: map(inst.dst) };
      case 'setReg':
        return { ...inst, src: map(inst.src) };
      case 'binary':
      case 'compare':
        return { ...inst, a: map(inst.a), b: map(inst.b), dst: map(inst.dst) };
      case 'unary':
      case 'convert':
        return { ...inst, a: map(inst.a), dst: map(inst.dst) };
      case 'select':
        return { ...inst, cond: map(inst.cond), a: map(inst.a), b: map(inst.b), dst: map(inst.dst) };
      case 'load':
        return { ...inst, addr: map(inst.addr), dst: map(inst.dst) };
      case 'store':
        return { ...inst, addr: map(inst.addr), src: map(inst.src) };
      case 'call':
        return { ...inst, args: inst.args.map(map), dst: inst.dst ? map(inst.dst) : undefined };
      case 'float':
        return {
          ...inst,
          control: map(inst.control),
          args: inst.args.map(map),
          dst: map(inst.dst),
          flags: map(inst.flags),
        };
      default:
        throw new Error(`unknown IR instruction ${(inst as IrInst).op}`);
    }
  });
  const exit = block.exit;
  const fixed: BlockExit =
    exit.kind === 'jump'
      ? { kind: 'jump', target: map(exit.target) }
      : exit.kind === 'syscall'
        ? { kind: 'syscall', next: map(exit.next) }
        : exit;
  return { ...block, insts, exit: fixed, tempCount: ids.size };
}
