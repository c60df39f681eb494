import { FP_ARITY, type FpFunction } from './fp.js';
import type {
  AccessSize,
  BinaryOp,
  BlockExit,
  CompareOp,
  ConvertOp,
  Helper,
  IrBlock,
  IrInst,
  TrapSignal,
  Ty,
  UnaryOp,
  Value,
} from './types.js';
import type { VectorOp } from './vector.js';

/** A lifter bug: an IR operation was built with operands of the wrong type or after the exit. */
export class IrBuildError extends Error {
  readonly code = 'IR_BUILD';
  constructor(message: string) {
    super(message);
    this.name = 'IrBuildError';
  }
}

/** An operand: a temporary, or a constant that takes the type of the other operand (i64 if alone). */
export type Operand = Value | bigint | number;

const MASK64 = (1n << 64n) - 1n;

function isValue(x: Operand): x is Value {
  return typeof x === 'object';
}

/**
 * Builds one `IrBlock`. The lifter calls one method per IR operation, in program order, and
 * ends the block with exactly one of `jump`, `branch`, `syscall` or `trap`, then `finish()`.
 *
 *     const b = new IrBuilder(pc);
 *     b.insn(pc, word);
 *     b.setReg(X0, b.add(b.getReg(X1), 16n));
 *     b.jump(pc + 4n);
 *     return b.finish();
 */
export class IrBuilder {
  private readonly insts: IrInst[] = [];
  private nextId = 0;
  private instructionCount = 0;
  private lastPc: bigint;
  private exitValue: BlockExit | null = null;

  constructor(readonly pc: bigint) {
    this.lastPc = pc;
  }

  /** True once an exit has been emitted. */
  get ended(): boolean {
    return this.exitValue !== null;
  }

  /** Number of guest instructions started so far. */
  get count(): number {
    return this.instructionCount;
  }

  /** Starts guest instruction `pc` (4 bytes long unless `length` says otherwise). */
  insn(pc: bigint, encoding: number, length = 4): void {
    this.emit({ op: 'insn', pc, encoding });
    this.instructionCount++;
    this.lastPc = pc + BigInt(length);
  }

  // ---- values -------------------------------------------------------------------------------

  const64(value: bigint | number): Value {
    const v = BigInt.asUintN(64, BigInt(value));
    return this.def('i64', (dst) => ({ op: 'const', dst, value: v }));
  }

  const32(value: number | bigint): Value {
    const v = Number(BigInt.asIntN(32, BigInt(value)));
    return this.def('i32', (dst) => ({ op: 'const', dst, value: v }));
  }

  /** Reads the 64-bit register slot `slot`. */
  getReg(slot: number): Value {
    return this.def('i64', (dst) => ({ op: 'getReg', dst, slot }));
  }

  /** Writes an i64 (or a constant) to the 64-bit register slot `slot`. */
  setReg(slot: number, src: Operand): void {
    this.emit({ op: 'setReg', slot, src: this.operand(src, 'i64', 'setReg') });
  }

  // ---- arithmetic ---------------------------------------------------------------------------

  binary(kind: BinaryOp, a: Operand, b: Operand): Value {
    const [x, y] = this.pair(a, b, kind);
    if ((kind === 'mulh_s' || kind === 'mulh_u') && x.ty !== 'i64') {
      throw new IrBuildError(`${kind} is defined for i64 only`);
    }
    return this.def(x.ty, (dst) => ({ op: 'binary', kind, dst, a: x, b: y }));
  }

  add(a: Operand, b: Operand): Value {
    return this.binary('add', a, b);
  }
  sub(a: Operand, b: Operand): Value {
    return this.binary('sub', a, b);
  }
  mul(a: Operand, b: Operand): Value {
    return this.binary('mul', a, b);
  }
  and(a: Operand, b: Operand): Value {
    return this.binary('and', a, b);
  }
  or(a: Operand, b: Operand): Value {
    return this.binary('or', a, b);
  }
  xor(a: Operand, b: Operand): Value {
    return this.binary('xor', a, b);
  }
  shl(a: Operand, b: Operand): Value {
    return this.binary('shl', a, b);
  }
  shrU(a: Operand, b: Operand): Value {
    return this.binary('shr_u', a, b);
  }
  shrS(a: Operand, b: Operand): Value {
    return this.binary('shr_s', a, b);
  }
  rotl(a: Operand, b: Operand): Value {
    return this.binary('rotl', a, b);
  }
  rotr(a: Operand, b: Operand): Value {
    return this.binary('rotr', a, b);
  }
  divS(a: Operand, b: Operand): Value {
    return this.binary('div_s', a, b);
  }
  divU(a: Operand, b: Operand): Value {
    return this.binary('div_u', a, b);
  }
  remS(a: Operand, b: Operand): Value {
    return this.binary('rem_s', a, b);
  }
  remU(a: Operand, b: Operand): Value {
    return this.binary('rem_u', a, b);
  }
  mulhS(a: Operand, b: Operand): Value {
    return this.binary('mulh_s', a, b);
  }
  mulhU(a: Operand, b: Operand): Value {
    return this.binary('mulh_u', a, b);
  }
  /** Bitwise not (xor with all ones). */
  not(a: Value): Value {
    return this.binary('xor', a, a.ty === 'i64' ? MASK64 : -1);
  }
  /** Two's complement negation. */
  neg(a: Value): Value {
    return this.binary('sub', 0, a);
  }

  // 64-bit spellings, for lifters that prefer the width in the name.
  add64(a: Operand, b: Operand): Value {
    return this.binary('add', this.operand(a, 'i64', 'add64'), b);
  }
  sub64(a: Operand, b: Operand): Value {
    return this.binary('sub', this.operand(a, 'i64', 'sub64'), b);
  }

  compare(kind: CompareOp, a: Operand, b: Operand): Value {
    const [x, y] = this.pair(a, b, kind);
    return this.def('i32', (dst) => ({ op: 'compare', kind, dst, a: x, b: y }));
  }
  eq(a: Operand, b: Operand): Value {
    return this.compare('eq', a, b);
  }
  ne(a: Operand, b: Operand): Value {
    return this.compare('ne', a, b);
  }
  ltS(a: Operand, b: Operand): Value {
    return this.compare('lt_s', a, b);
  }
  ltU(a: Operand, b: Operand): Value {
    return this.compare('lt_u', a, b);
  }
  leS(a: Operand, b: Operand): Value {
    return this.compare('le_s', a, b);
  }
  leU(a: Operand, b: Operand): Value {
    return this.compare('le_u', a, b);
  }
  gtS(a: Operand, b: Operand): Value {
    return this.compare('gt_s', a, b);
  }
  gtU(a: Operand, b: Operand): Value {
    return this.compare('gt_u', a, b);
  }
  geS(a: Operand, b: Operand): Value {
    return this.compare('ge_s', a, b);
  }
  geU(a: Operand, b: Operand): Value {
    return this.compare('ge_u', a, b);
  }

  unary(kind: UnaryOp, a: Value): Value {
    return this.def(kind === 'eqz' ? 'i32' : a.ty, (dst) => ({ op: 'unary', kind, dst, a }));
  }
  clz(a: Value): Value {
    return this.unary('clz', a);
  }
  ctz(a: Value): Value {
    return this.unary('ctz', a);
  }
  popcnt(a: Value): Value {
    return this.unary('popcnt', a);
  }
  eqz(a: Value): Value {
    return this.unary('eqz', a);
  }

  convert(kind: ConvertOp, a: Value): Value {
    const from: Ty | null =
      kind === 'wrap' || kind === 'extend32_s'
        ? 'i64'
        : kind === 'extend_u' || kind === 'extend_s'
          ? 'i32'
          : null;
    if (from !== null && a.ty !== from) throw new IrBuildError(`${kind} expects ${from}, got ${a.ty}`);
    const to: Ty =
      kind === 'wrap'
        ? 'i32'
        : kind === 'extend_u' || kind === 'extend_s' || kind === 'extend32_s'
          ? 'i64'
          : a.ty;
    return this.def(to, (dst) => ({ op: 'convert', kind, dst, a }));
  }
  /** i64 → i32, keeping the low half. */
  wrap(a: Value): Value {
    return this.convert('wrap', a);
  }
  /** i32 → i64, zero-extended. */
  extendU(a: Value): Value {
    return this.convert('extend_u', a);
  }
  /** i32 → i64, sign-extended. */
  extendS(a: Value): Value {
    return this.convert('extend_s', a);
  }
  extend8S(a: Value): Value {
    return this.convert('extend8_s', a);
  }
  extend16S(a: Value): Value {
    return this.convert('extend16_s', a);
  }
  extend32S(a: Value): Value {
    return this.convert('extend32_s', a);
  }

  /** cond !== 0 ? a : b. */
  select(cond: Value, a: Operand, b: Operand): Value {
    if (cond.ty !== 'i32') throw new IrBuildError('select condition must be i32');
    const [x, y] = this.pair(a, b, 'select');
    return this.def(x.ty, (dst) => ({ op: 'select', dst, cond, a: x, b: y }));
  }

  // ---- memory -------------------------------------------------------------------------------

  /** Loads `size` bytes at `addr` (i64), zero- or sign-extended to i64. */
  load(addr: Operand, size: AccessSize, signed = false): Value {
    const a = this.operand(addr, 'i64', 'load');
    return this.def('i64', (dst) => ({ op: 'load', dst, addr: a, size, signed }));
  }

  /** Stores the low `size` bytes of `value` (i64) at `addr` (i64). */
  store(addr: Operand, value: Operand, size: AccessSize): void {
    this.emit({
      op: 'store',
      addr: this.operand(addr, 'i64', 'store'),
      src: this.operand(value, 'i64', 'store'),
      size,
    });
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** Calls `helper(cpu, ...args)`; returns its result as a temporary of type `returns`. */
  callHelper(helper: Helper, args: readonly Value[], returns: Ty): Value;
  callHelper(helper: Helper, args?: readonly Value[], returns?: 'void'): undefined;
  callHelper(helper: Helper, args: readonly Value[] = [], returns: Ty | 'void' = 'void'): Value | undefined {
    if (returns === 'void') {
      this.emit({ op: 'call', helper, args });
      return undefined;
    }
    return this.def(returns, (dst) => ({ op: 'call', dst, helper, args }));
  }

  /**
   * Calls `helper(cpu)`, which does exactly the vector operation `vector` to the register file:
   * backends with vector instructions run `vector` natively instead (see vector.ts).
   */
  vectorHelper(helper: Helper, vector: VectorOp): void {
    this.emit({ op: 'call', helper, args: [], vector });
  }

  /**
   * Scalar binary64 operation `fn` on bit patterns under the i32 control word `control`:
   * the result bits (i64) and the status flags it raised (i32).
   */
  fp(fn: FpFunction, control: Operand, args: readonly Operand[]): { value: Value; flags: Value } {
    if (args.length !== FP_ARITY[fn.kind]) {
      throw new IrBuildError(`${fn.kind} takes ${FP_ARITY[fn.kind]} operands, got ${args.length}`);
    }
    const c = this.operand(control, 'i32', fn.kind);
    const xs = args.map((a) => this.operand(a, 'i64', fn.kind));
    const value: Value = { id: this.nextId++, ty: 'i64' };
    const flags: Value = { id: this.nextId++, ty: 'i32' };
    this.emit({ op: 'float', fn, dst: value, flags, control: c, args: xs });
    return { value, flags };
  }

  // ---- exits --------------------------------------------------------------------------------

  /** Ends the block: continue at `target` (i64 value or constant address). */
  jump(target: Operand): void {
    this.end({ kind: 'jump', target: this.operand(target, 'i64', 'jump') });
  }

  /** Alias of `jump` (the brief's name for it). */
  exit(target: Operand): void {
    this.jump(target);
  }

  /** Ends the block: continue at `taken` when cond (i32) is non-zero, else at `notTaken`. */
  branch(cond: Value, taken: Operand, notTaken: Operand): void {
    this.jump(this.select(cond, this.operand(taken, 'i64', 'branch'), notTaken));
  }

  /** Ends the block with a system call; execution continues at `next` (default: after this insn). */
  syscall(next?: Operand): void {
    this.end({ kind: 'syscall', next: this.operand(next ?? this.lastPc, 'i64', 'syscall') });
  }

  /** Ends the guest with `signal` at `pc` (e.g. SIGILL, "undefined instruction 0x00000000"). */
  trap(signal: TrapSignal, pc: bigint, detail: string): void {
    this.end({ kind: 'trap', signal, pc, detail });
  }

  /** The finished block. */
  finish(): IrBlock {
    if (this.exitValue === null) throw new IrBuildError(`block at 0x${this.pc.toString(16)} has no exit`);
    return {
      pc: this.pc,
      end: this.lastPc,
      instructionCount: this.instructionCount,
      tempCount: this.nextId,
      insts: this.insts,
      exit: this.exitValue,
    };
  }

  // ---- internals ----------------------------------------------------------------------------

  private emit(inst: IrInst): void {
    if (this.exitValue !== null) throw new IrBuildError('IR emitted after the block exit');
    this.insts.push(inst);
  }

  private end(exit: BlockExit): void {
    if (this.exitValue !== null) throw new IrBuildError('block has two exits');
    this.exitValue = exit;
  }

  private def(ty: Ty, make: (dst: Value) => IrInst): Value {
    const dst: Value = { id: this.nextId++, ty };
    this.emit(make(dst));
    return dst;
  }

  private operand(x: Operand, ty: Ty, what: string): Value {
    if (isValue(x)) {
      if (x.ty !== ty) throw new IrBuildError(`${what} expects ${ty}, got ${x.ty}`);
      return x;
    }
    return ty === 'i64' ? this.const64(x) : this.const32(x);
  }

  private pair(a: Operand, b: Operand, what: string): [Value, Value] {
    const ty: Ty = isValue(a) ? a.ty : isValue(b) ? b.ty : 'i64';
    return [this.operand(a, ty, what), this.operand(b, ty, what)];
  }
}
