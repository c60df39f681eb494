/**
 * Translates IR blocks into WebAssembly functions. Every block becomes one exported function
 * `() → i32` that keeps the register slots it uses in wasm locals, loaded from and written back to
 * the imported memory only where the register file must be current (see register-cache.ts),
 * loops inside the function when the block jumps back to itself, or when it is one of blocks of
 * the module that loop among themselves (a region: see regions.ts), registers staying in locals,
 * keeps temporaries in wasm locals (constants become immediates), translates guest addresses
 * through the page table inline, and returns EXIT_JUMP, EXIT_SYSCALL or EXIT_TRAP after storing
 * the next PC. The slow memory paths and helpers are imported JS functions (see runtime.ts).
 */

import type { FpFunction } from '../../ir/fp.js';
import type { AccessSize, IrBlock, IrInst, Value } from '../../ir/types.js';
import { type VectorOp, vectorDestinations, vectorSources } from '../../ir/vector.js';
import { Emitter } from './emitter.js';
import { FP_IMPORT_RESULTS, FP_PARAMS, FP_RESULTS, fpFunctionBody } from './fp-emit.js';
import { ModuleBuilder, type ValType } from './module-builder.js';
import { isNativeCall } from './native-calls.js';
import {
  BINARY_I32,
  BINARY_I64,
  COMPARE_I32,
  COMPARE_I64,
  CONVERT,
  I32,
  I64,
  OP,
  UNARY_I32,
  UNARY_I64,
} from './opcodes.js';
import { findRegions, knownTargets } from './regions.js';
import { RegisterCache } from './register-cache.js';
import { emitVector } from './vector-emit.js';

/** What a wasm block returns besides EXIT_JUMP (0) and EXIT_SYSCALL (1): the block's trap. */
export const EXIT_TRAP = 2;

/** Where things are in the shared memory, fixed for the life of a machine. */
export interface WasmLayout {
  /** Byte offset of register slot 0. */
  readonly registers: number;
  readonly pcSlot: number;
  /** A slot the 64-bit slow load writes its result to. */
  readonly scratchSlot: number;
  /** Byte offset of the page table (one int32 entry per guest page). */
  readonly pageTable: number;
  readonly pageShift: number;
  /** Entry bits: the protections, the "holds lifted code" bit and where the host page number starts. */
  readonly protRead: number;
  readonly protWrite: number;
  readonly codeBit: number;
  readonly hostShift: number;
  /** Byte offset of the int32 count of guest instructions run in wasm (each block adds its own). */
  readonly instructionCounter: number;
  /** Whether the memory is a shared one (modules must import it as shared). */
  readonly sharedMemory?: boolean;
}

/** The slow-path imports every module has, in import order. */
export const SLOW_PATHS = ['ld8', 'ld16', 'ld32', 'ld64', 'st8', 'st16', 'st32', 'st64'] as const;
export type SlowPath = (typeof SLOW_PATHS)[number];

/** A helper call site: its import name is `h${index}`. */
export interface CallSite {
  readonly inst: Extract<IrInst, { op: 'call' }>;
  /** Guest PC of the instruction making the call (for fault reports). */
  readonly pc: bigint;
}

export interface CompiledModule {
  readonly bytes: Uint8Array;
  /** Export name of each block's function, in the order given. */
  readonly exports: readonly string[];
  /** Guest PC for each site number passed to a slow path. */
  readonly sitePcs: readonly bigint[];
  readonly calls: readonly CallSite[];
  /** The FP operations used, in order: operation i's exact function is imported as `f${i}`. */
  readonly fps: readonly FpFunction[];
  /**
   * For each block, the blocks (indexes, its own among them) whose code its function runs: the
   * members of its region (see regions.ts), or null when it runs only its own.
   */
  readonly regionOf: readonly (readonly number[] | null)[];
}

const valType = (v: Value): ValType => (v.ty === 'i64' ? I64 : I32);

/** Compiles blocks into one module (one exported function each). */
export function compileModule(blocks: readonly IrBlock[], layout: WasmLayout): CompiledModule {
  const m = new ModuleBuilder();
  m.importMemory('env', 'memory', layout.sharedMemory);
  const slow = {} as Record<SlowPath, number>;
  for (const path of SLOW_PATHS) {
    const params: ValType[] =
      path === 'st64'
        ? [I32, I32, I32, I32, I32]
        : path.startsWith('st')
          ? [I32, I32, I32, I32]
          : [I32, I32, I32];
    const results: ValType[] = path.startsWith('ld') && path !== 'ld64' ? [I32] : [];
    slow[path] = m.importFunction('env', path, params, results);
  }
  const calls: CallSite[] = [];
  const callIndex = new Map<object, number>();
  const fps: FpFunction[] = [];
  const fpImports: number[] = [];
  let usesMulh = false;
  for (const block of blocks) {
    let pc = block.pc;
    for (const inst of block.insts) {
      if (inst.op === 'insn') pc = inst.pc;
      else if (inst.op === 'call' && !isNativeCall(inst)) {
        const index = m.importFunction(
          'h',
          `h${calls.length}`,
          inst.args.map(valType),
          inst.dst ? [valType(inst.dst)] : [],
        );
        callIndex.set(inst, index);
        calls.push({ inst, pc });
      } else if (inst.op === 'float' && !fps.includes(inst.fn)) {
        fpImports.push(m.importFunction('h', `f${fps.length}`, FP_PARAMS, FP_IMPORT_RESULTS));
        fps.push(inst.fn);
      } else if (inst.op === 'binary' && (inst.kind === 'mulh_u' || inst.kind === 'mulh_s')) usesMulh = true;
    }
  }
  const mulh = usesMulh ? defineMulh(m) : { u: -1, s: -1 };
  const flagsAddress = layout.registers + layout.scratchSlot * 8;
  fps.forEach((fn, i) => {
    const body = fpFunctionBody(fn, fpImports[i], flagsAddress);
    callIndex.set(fn, m.func(FP_PARAMS, FP_RESULTS, body.locals, body.code));
  });
  const sitePcs: bigint[] = [];
  const regionOf: (readonly number[] | null)[] = blocks.map(() => null);
  const entries: number[] = [];
  for (const { members, targets } of findRegions(blocks)) {
    const fn = new BlockFunction(
      members.map((i) => blocks[i]),
      layout,
      slow,
      callIndex,
      mulh,
      sitePcs,
      targets,
    );
    const region = m.func([I32], [I32], fn.locals, fn.e.code);
    members.forEach((i, position) => {
      regionOf[i] = members;
      // The block's own function enters the region at it.
      entries[i] = m.func([], [I32], [], new Emitter().i32(position).call(region).code);
    });
  }
  const exports: string[] = [];
  blocks.forEach((block, i) => {
    let index = entries[i];
    if (index === undefined) {
      const fn = new BlockFunction([block], layout, slow, callIndex, mulh, sitePcs);
      index = m.func([], [I32], fn.locals, fn.e.code);
    }
    const exportName = `b${i}`;
    m.exportFunction(exportName, index);
    exports.push(exportName);
  });
  return { bytes: m.bytes(), exports, sitePcs, calls, fps, regionOf };
}

/** mulh_u and mulh_s as module functions (i64, i64) → i64: the high halves of 128-bit products. */
function defineMulh(m: ModuleBuilder): { u: number; s: number } {
  const e = new Emitter();
  const M32 = 0xffffffffn;
  // locals: 0 a, 1 b, 2 t, 3 w1, 4 w2
  e.get(0).i64(M32).op(OP.i64And).get(1).i64(M32).op(OP.i64And).op(OP.i64Mul).set(2);
  // w1 = (a >> 32) * (b & M32) + (t >> 32)
  e.get(0).i64(32n).op(OP.i64ShrU).get(1).i64(M32).op(OP.i64And).op(OP.i64Mul);
  e.get(2).i64(32n).op(OP.i64ShrU).op(OP.i64Add).set(3);
  // w2 = (a & M32) * (b >> 32) + (w1 & M32)
  e.get(0).i64(M32).op(OP.i64And).get(1).i64(32n).op(OP.i64ShrU).op(OP.i64Mul);
  e.get(3).i64(M32).op(OP.i64And).op(OP.i64Add).set(4);
  // (a >> 32) * (b >> 32) + (w1 >> 32) + (w2 >> 32)
  e.get(0).i64(32n).op(OP.i64ShrU).get(1).i64(32n).op(OP.i64ShrU).op(OP.i64Mul);
  e.get(3).i64(32n).op(OP.i64ShrU).op(OP.i64Add);
  e.get(4).i64(32n).op(OP.i64ShrU).op(OP.i64Add);
  const u = m.func([I64, I64], [I64], [I64, I64, I64], e.code);
  // Signed: mulh_u(a, b) - (a < 0 ? b : 0) - (b < 0 ? a : 0), modulo 2^64.
  const s = new Emitter();
  const SHR_S = BINARY_I64.shr_s;
  s.get(0).get(1).call(u);
  s.get(0).i64(63n).op(SHR_S).get(1).op(OP.i64And).op(OP.i64Sub);
  s.get(1).i64(63n).op(SHR_S).get(0).op(OP.i64And).op(OP.i64Sub);
  return { u, s: m.func([I64, I64], [I64], [], s.code) };
}

/**
 * Iterations a block that jumps back to itself runs inside its own wasm function before it
 * returns to the dispatcher, which then counts it as one block (so the machine still comes back
 * to JS for its clock and signals soon enough).
 */
export const SELF_LOOP_SPINS = 64;

/**
 * Whether `block` may jump back to its own start (its target is its PC, or a select with its PC
 * as one arm) and can loop inside wasm: no helper calls, which could change anything. Returns
 * the register slots it touches and those it writes.
 */
function loopsToItself(block: IrBlock): { touched: number[]; written: number[] } | null {
  return knownTargets(block)?.includes(block.pc) ? registersOf([block]) : null;
}

/** The register slots `blocks` read or write, and those they write. */
function registersOf(blocks: readonly IrBlock[]): { touched: number[]; written: number[] } {
  const touched = new Set<number>();
  const written = new Set<number>();
  for (const block of blocks) {
    for (const i of block.insts) {
      if (i.op === 'getReg') touched.add(i.slot);
      if (i.op === 'setReg') {
        touched.add(i.slot);
        written.add(i.slot);
      }
    }
  }
  return { touched: [...touched], written: [...written] };
}

/**
 * Transfers between the members of a region before it returns to the dispatcher, which then
 * counts it as one block (so the machine still comes back to JS for its clock and signals soon
 * enough).
 */
export const REGION_SPINS = 64;

/**
 * One wasm function: a block (`() → i32`), or a region of blocks (`(member) → i32`, entered at
 * the member given) that branch to one another inside the function (see regions.ts).
 */
class BlockFunction {
  readonly e = new Emitter();
  /** The function's locals after its parameters. */
  readonly locals: ValType[] = [];
  /** Wasm locals and constants of the IR values of the block being emitted. */
  private local = new Map<number, number>();
  private constants = new Map<number, bigint | number>();
  private readonly params: number;
  private readonly addrLo: number;
  private readonly entry: number;
  private readonly regs: RegisterCache;
  /** For a loop inside the function: transfers left before it returns to the dispatcher. */
  private spins = -1;
  private site = -1;

  constructor(
    blocks: readonly IrBlock[],
    private readonly layout: WasmLayout,
    private readonly slow: Record<SlowPath, number>,
    private readonly callIndex: Map<object, number>,
    private readonly mulh: { u: number; s: number },
    private readonly sitePcs: bigint[],
    /** For a region: each member's targets among the members. */
    regionTargets: readonly (readonly bigint[])[] = [],
  ) {
    this.params = blocks.length > 1 ? 1 : 0;
    this.addrLo = this.newLocal(I32);
    this.entry = this.newLocal(I32);
    this.regs = new RegisterCache(this.e, (t) => this.newLocal(t), layout.registers);
    if (blocks.length > 1) {
      this.region(blocks, regionTargets);
      return;
    }
    const block = blocks[0];
    const loop = loopsToItself(block);
    if (loop) {
      // The registers stay in locals from one iteration to the next: load them all once.
      this.spins = this.newLocal(I32);
      this.e.i32(SELF_LOOP_SPINS).set(this.spins);
      this.regs.preload(loop.touched);
      this.e.op(OP.loop, 0x40);
      this.regs.assumeDirty(loop.written);
    }
    this.body(block);
    this.exit(block);
  }

  private newLocal(type: ValType): number {
    return this.params + this.locals.push(type) - 1;
  }

  /** The block's instructions, after counting them as the machine does for the other executors. */
  private body(block: IrBlock): void {
    this.local = new Map();
    this.constants = new Map();
    for (const inst of block.insts) {
      if (inst.op === 'const') this.constants.set(inst.dst.id, inst.value);
      else if ('dst' in inst && inst.dst) this.local.set(inst.dst.id, this.newLocal(valType(inst.dst)));
      if (inst.op === 'float') this.local.set(inst.flags.id, this.newLocal(I32));
    }
    const counter = this.layout.instructionCounter;
    this.e.i32(0).i32(0).mem(OP.i32Load, counter, 2).i32(block.instructionCount).op(OP.i32Add);
    this.e.mem(OP.i32Store, counter, 2);
    let pc = block.pc;
    let siteOfPc = -1;
    for (const inst of block.insts) {
      if (inst.op === 'insn') {
        pc = inst.pc;
        siteOfPc = -1;
        continue;
      }
      if ((inst.op === 'load' || inst.op === 'store') && siteOfPc < 0) siteOfPc = this.sitePcs.push(pc) - 1;
      this.site = siteOfPc;
      this.instruction(inst);
    }
  }

  /**
   * A loop around one `block` per member, entered at the member in parameter 0 through a
   * br_table; a member whose target is another member sets parameter 0 and branches back to the
   * top. As in a block looping to itself, every register any member touches is loaded once and
   * stays in its local, and the members call no helpers that could change them behind its back.
   */
  private region(members: readonly IrBlock[], targets: readonly (readonly bigint[])[]): void {
    const e = this.e;
    const { touched, written } = registersOf(members);
    this.spins = this.newLocal(I32);
    e.i32(REGION_SPINS).set(this.spins);
    this.regs.preload(touched);
    e.op(OP.loop, 0x40);
    // Member k's code follows the end of the k-th innermost of these blocks.
    for (let k = 0; k < members.length; k++) e.op(OP.block, 0x40);
    e.get(0).brTable(
      members.map((_, k) => k),
      members.length - 1,
    );
    e.op(OP.end);
    const position = new Map(members.map((block, k) => [block.pc, k]));
    members.forEach((block, k) => {
      // The state at the top of the loop, whichever member branched there.
      this.regs.atLoopTop(touched, written);
      this.body(block);
      this.regionExit(block, targets[k], position, members.length - 1 - k);
      e.op(OP.end);
    });
    // Every member ends in a return or a branch back.
    e.op(OP.unreachable);
  }

  /** A member's exit: to another member inside the function, else to the dispatcher. */
  private regionExit(
    block: IrBlock,
    inside: readonly bigint[],
    position: Map<bigint, number>,
    loopDepth: number,
  ): void {
    const e = this.e;
    const x = block.exit;
    if (x.kind !== 'jump') throw new Error('a region member must end in a jump');
    const pcAt = this.regOffset(this.layout.pcSlot);
    const target = this.newLocal(I64);
    this.push(x.target);
    e.set(target);
    if (inside.length > 0) {
      e.get(this.spins).i32(1).op(OP.i32Sub).set(this.spins);
      for (const pc of inside) {
        e.get(target).i64(pc).op(OP.i64Eq);
        e.get(this.spins).i32(0).op(COMPARE_I32.gt_s, OP.i32And);
        e.op(OP.if, 0x40);
        // The PC slot holds the running block's PC, as on entry from the dispatcher.
        e.i32(0).i64(pc).mem(OP.i64Store, pcAt, 3);
        e.i32(position.get(pc) as number).set(0);
        e.br(loopDepth + 1);
        e.op(OP.end);
      }
    }
    this.regs.flush();
    e.i32(0).get(target).mem(OP.i64Store, pcAt, 3);
    e.i32(0).op(OP.return);
  }

  /** Pushes a value: its local, or the constant as an immediate. */
  private push(v: Value): void {
    const k = this.constants.get(v.id);
    if (k === undefined) this.e.get(this.local.get(v.id) as number);
    else if (v.ty === 'i64') this.e.i64(BigInt(k));
    else this.e.i32(Number(k));
  }

  private define(v: Value): void {
    this.e.set(this.local.get(v.id) as number);
  }

  private regOffset(slot: number): number {
    return this.layout.registers + slot * 8;
  }

  private instruction(inst: IrInst): void {
    const e = this.e;
    switch (inst.op) {
      case 'insn':
      case 'const':
        return;
      case 'getReg':
        this.guest(inst.slot);
        this.regs.read(inst.slot);
        this.define(inst.dst);
        return;
      case 'setReg':
        this.guest(inst.slot);
        this.push(inst.src);
        this.regs.write(inst.slot);
        return;
      case 'binary':
        this.binary(inst);
        return;
      case 'compare':
        this.push(inst.a);
        this.push(inst.b);
        e.op((inst.a.ty === 'i64' ? COMPARE_I64 : COMPARE_I32)[inst.kind]);
        this.define(inst.dst);
        return;
      case 'unary':
        this.push(inst.a);
        e.op((inst.a.ty === 'i64' ? UNARY_I64 : UNARY_I32)[inst.kind]);
        this.define(inst.dst);
        return;
      case 'convert': {
        const opcode = CONVERT[inst.kind][inst.a.ty];
        if (opcode === undefined) throw new Error(`no ${inst.kind} from ${inst.a.ty}`);
        this.push(inst.a);
        e.op(opcode);
        this.define(inst.dst);
        return;
      }
      case 'select':
        this.push(inst.a);
        this.push(inst.b);
        this.push(inst.cond);
        e.op(OP.select);
        this.define(inst.dst);
        return;
      case 'load':
        this.load(inst.dst, inst.addr, inst.size, inst.signed);
        return;
      case 'store':
        this.store(inst.addr, inst.src, inst.size);
        return;
      case 'call':
        if (isNativeCall(inst)) {
          this.vector(inst.vector);
          return;
        }
        // The helper sees and may change the register file: it must be current, and is reread.
        this.regs.flush();
        for (const a of inst.args) this.push(a);
        e.call(this.callIndex.get(inst) as number);
        this.regs.forget();
        if (inst.dst) this.define(inst.dst);
        return;
      case 'float':
        // A module function: native f64 where it is exact, else the exact import (which touches
        // only the scratch slot, so registers stay in locals).
        this.push(inst.control);
        for (let i = 0; i < 3; i++) {
          const a = inst.args[i];
          if (a) this.push(a);
          else e.i64(0n);
        }
        e.call(this.callIndex.get(inst.fn) as number);
        this.define(inst.flags);
        this.define(inst.dst);
        return;
    }
  }

  /**
   * A vector operation in place on the register file: the registers it reads are stored first if
   * only their locals are current, and the locals of those it writes are reloaded after it.
   */
  private vector(op: VectorOp): void {
    for (const slot of vectorSources(op)) this.regs.storeIfDirty(slot);
    emitVector(this.e, op, this.layout.registers);
    for (const slot of vectorDestinations(op)) this.regs.reload(slot);
  }

  /** The 64-bit slow load returns its value in the scratch slot: no IR may keep a value there. */
  private guest(slot: number): void {
    if (slot === this.layout.scratchSlot)
      throw new Error(`register slot ${slot} is the executor's scratch slot`);
  }

  private binary(inst: Extract<IrInst, { op: 'binary' }>): void {
    const e = this.e;
    const wide = inst.dst.ty === 'i64';
    const { a, b } = inst;
    const zero = () => (wide ? e.i64(0n) : e.i32(0));
    const isZero = () => {
      this.push(b);
      e.op(wide ? OP.i64Eqz : OP.i32Eqz);
    };
    const isMinusOne = () => {
      this.push(b);
      if (wide) e.i64(-1n).op(OP.i64Eq);
      else e.i32(-1).op(OP.i32Eq);
    };
    const native = () => {
      this.push(a);
      this.push(b);
      e.op((wide ? BINARY_I64 : BINARY_I32)[inst.kind]);
    };
    const ty = wide ? I64 : I32;
    switch (inst.kind) {
      case 'mulh_u':
      case 'mulh_s':
        this.push(a);
        this.push(b);
        e.call(inst.kind === 'mulh_u' ? this.mulh.u : this.mulh.s);
        break;
      case 'div_u':
        // x / 0 = 0 (wasm would trap).
        isZero();
        e.op(OP.if, ty);
        zero();
        e.op(OP.else);
        native();
        e.op(OP.end);
        break;
      case 'rem_u':
      case 'rem_s':
        // x % 0 = x; MIN % -1 is 0 in wasm already.
        isZero();
        e.op(OP.if, ty);
        this.push(a);
        e.op(OP.else);
        native();
        e.op(OP.end);
        break;
      case 'div_s':
        // x / 0 = 0; x / -1 = -x, which wraps MIN to MIN (wasm would trap on MIN / -1).
        isZero();
        e.op(OP.if, ty);
        zero();
        e.op(OP.else);
        isMinusOne();
        e.op(OP.if, ty);
        zero();
        this.push(a);
        e.op(wide ? OP.i64Sub : OP.i32Sub);
        e.op(OP.else);
        native();
        e.op(OP.end, OP.end);
        break;
      default:
        native();
    }
    this.define(inst.dst);
  }

  /**
   * Leaves on the stack whether the access of `size` bytes at `addr` can go straight to the host
   * page: the address is below 4 GiB, the page entry has the bits in `mask` equal to `want`, and
   * the access stays within the page. Sets the address-low and entry locals on the way. Pages
   * above 4 GiB have no entry in the flat table: the high-half test sends them to the slow path,
   * where `PagedMemory` finds (or backs) them in its high region.
   */
  private fastCheck(addr: Value, size: AccessSize, mask: number, want: number): void {
    const e = this.e;
    const L = this.layout;
    const pageMask = (1 << L.pageShift) - 1;
    this.push(addr);
    e.op(OP.i32WrapI64).tee(this.addrLo);
    e.i32(L.pageShift).op(OP.i32ShrU).i32(2).op(OP.i32Shl).mem(OP.i32Load, L.pageTable, 2).tee(this.entry);
    e.i32(mask).op(OP.i32And).i32(want).op(OP.i32Eq);
    if (size > 1) {
      e.get(this.addrLo)
        .i32(pageMask)
        .op(OP.i32And)
        .i32(pageMask + 1 - size)
        .op(OP.i32LeU, OP.i32And);
    }
    this.push(addr);
    e.i64(32n).op(OP.i64ShrU, OP.i64Eqz, OP.i32And);
  }

  /** The host address of the checked access: host page base plus the offset in the page. */
  private hostAddress(): void {
    const L = this.layout;
    const e = this.e;
    e.get(this.entry)
      .i32(-(1 << L.hostShift))
      .op(OP.i32And)
      .i32(L.pageShift - L.hostShift)
      .op(OP.i32Shl);
    e.get(this.addrLo)
      .i32((1 << L.pageShift) - 1)
      .op(OP.i32And, OP.i32Add);
  }

  /** Pushes the slow path's (low, high) address halves. */
  private slowAddress(addr: Value): void {
    this.e.get(this.addrLo);
    this.push(addr);
    this.e.i64(32n).op(OP.i64ShrU, OP.i32WrapI64);
  }

  private load(dst: Value, addr: Value, size: AccessSize, signed: boolean): void {
    const e = this.e;
    const L = this.layout;
    this.fastCheck(addr, size, L.protRead, L.protRead);
    e.op(OP.if, I64);
    this.hostAddress();
    const fast = {
      1: signed ? OP.i64Load8S : OP.i64Load8U,
      2: signed ? OP.i64Load16S : OP.i64Load16U,
      4: signed ? OP.i64Load32S : OP.i64Load32U,
      8: OP.i64Load,
    }[size];
    e.mem(fast, 0, 0);
    e.op(OP.else);
    // The slow path may fault: the handler must see the registers as of this instruction.
    this.regs.spill();
    this.slowAddress(addr);
    e.i32(this.site);
    if (size === 8) {
      e.call(this.slow.ld64);
      e.i32(0).mem(OP.i64Load, this.regOffset(L.scratchSlot), 3);
    } else {
      e.call(this.slow[`ld${size * 8}` as SlowPath]);
      if (!signed) e.op(OP.i64ExtendI32U);
      else if (size === 4) e.op(OP.i64ExtendI32S);
      else e.op(size === 1 ? OP.i32Extend8S : OP.i32Extend16S, OP.i64ExtendI32S);
    }
    e.op(OP.end);
    this.define(dst);
  }

  private store(addr: Value, src: Value, size: AccessSize): void {
    const e = this.e;
    const L = this.layout;
    // Straight to the host page only when it is writable and holds no lifted code.
    this.fastCheck(addr, size, L.protWrite | L.codeBit, L.protWrite);
    e.op(OP.if, 0x40);
    this.hostAddress();
    this.push(src);
    e.mem({ 1: OP.i64Store8, 2: OP.i64Store16, 4: OP.i64Store32, 8: OP.i64Store }[size], 0, 0);
    e.op(OP.else);
    this.regs.spill();
    this.slowAddress(addr);
    this.push(src);
    e.op(OP.i32WrapI64);
    if (size === 8) {
      this.push(src);
      e.i64(32n).op(OP.i64ShrU, OP.i32WrapI64);
    }
    e.i32(this.site);
    e.call(this.slow[`st${size * 8}` as SlowPath]);
    // The store may have rewritten this block's own code: a self-loop goes back to the dispatcher.
    if (this.spins >= 0) e.i32(0).set(this.spins);
    e.op(OP.end);
  }

  private exit(block: IrBlock): void {
    const e = this.e;
    const x = block.exit;
    const pcAt = this.regOffset(this.layout.pcSlot);
    if (this.spins >= 0 && x.kind === 'jump') {
      // Back to the top while the target is this block and the spins last; the registers are
      // already where the loop header expects them (in locals, none forgotten: no helpers).
      const target = this.newLocal(I64);
      this.push(x.target);
      e.tee(target).i64(block.pc).op(OP.i64Eq);
      e.get(this.spins).i32(1).op(OP.i32Sub).tee(this.spins).i32(0).op(COMPARE_I32.gt_s, OP.i32And);
      e.op(OP.brIf, 0, OP.end);
      this.regs.flush();
      e.i32(0).get(target).mem(OP.i64Store, pcAt, 3).i32(0);
      return;
    }
    // Whatever comes next (the dispatcher, the machine, the kernel) reads the register file.
    this.regs.flush();
    e.i32(0);
    if (x.kind === 'trap') e.i64(x.pc);
    else this.push(x.kind === 'jump' ? x.target : x.next);
    e.mem(OP.i64Store, pcAt, 3);
    e.i32(x.kind === 'jump' ? 0 : x.kind === 'syscall' ? 1 : EXIT_TRAP);
  }
}
