/**
 * "toy": a made-up 64-bit architecture that drives core's Linux kernel in core's own tests, so
 * that the kernel's semantics are pinned without AArch64 and the `Architecture` seam is shown to
 * serve something other than @arm64kit/arm64.
 *
 * Every instruction is one little-endian 32-bit word: opcode in bits 31–24, `rd` in 23–20, `rs`
 * in 19–16, a 16-bit immediate below. Sixteen general registers r0…r15 plus sp, pc and tp. Its
 * system call convention is its own: the number in r12, arguments in r1…r6, the result in r0
 * (so a restarted call must find its arguments where they were, not in the result register).
 * Signal handlers are entered with r1 = signo, r2 = &siginfo, r3 = &context and return to r14.
 */
import {
  type Architecture,
  type Cpu,
  type GuestMemory,
  type IrBlock,
  IrBuilder,
  type SignalFrameRequest,
  type Value,
} from '../../src/index.js';

/** ELF e_machine of toy programs: no real machine uses it. */
export const TOY_MACHINE = 0x7a7a;

export const R = { sp: 16, pc: 17, tp: 18 } as const;
/** The link register handlers return through. */
export const LR = 14;
export const SYSCALL_NUMBER = 12;
export const SYSCALL_ARGS = [1, 2, 3, 4, 5, 6] as const;
export const SYSCALL_RESULT = 0;

interface Fields {
  readonly rd: number;
  readonly rs: number;
  /** The immediate, sign-extended. */
  readonly imm: bigint;
  /** The immediate, zero-extended. */
  readonly uimm: bigint;
}

interface Row {
  readonly opcode: number;
  readonly name: string;
  /** Branches and system calls end their block. */
  readonly endsBlock?: true;
  readonly lift: (b: IrBuilder, f: Fields, pc: bigint) => void;
}

const reg = (b: IrBuilder, r: number): Value => b.getReg(r);
const address = (b: IrBuilder, f: Fields): Value => b.add(reg(b, f.rs), f.imm);
const target = (pc: bigint, f: Fields): bigint => BigInt.asUintN(64, pc + 4n * f.imm);

/** The instruction set: one row per instruction, decoded by its opcode byte. */
export const TOY_TABLE: readonly Row[] = [
  { opcode: 0x01, name: 'li', lift: (b, f) => b.setReg(f.rd, BigInt.asUintN(64, f.imm)) },
  // rd = rd << 16 | uimm: after `li`, one per further 16 bits builds any 64-bit constant.
  { opcode: 0x02, name: 'shli', lift: (b, f) => b.setReg(f.rd, b.or(b.shl(reg(b, f.rd), 16n), f.uimm)) },
  { opcode: 0x03, name: 'mov', lift: (b, f) => b.setReg(f.rd, reg(b, f.rs)) },
  { opcode: 0x04, name: 'addi', lift: (b, f) => b.setReg(f.rd, b.add(reg(b, f.rs), f.imm)) },
  { opcode: 0x05, name: 'ld', lift: (b, f) => b.setReg(f.rd, b.load(address(b, f), 8)) },
  { opcode: 0x06, name: 'st', lift: (b, f) => b.store(address(b, f), reg(b, f.rd), 8) },
  { opcode: 0x07, name: 'ldw', lift: (b, f) => b.setReg(f.rd, b.load(address(b, f), 4)) },
  { opcode: 0x08, name: 'stw', lift: (b, f) => b.store(address(b, f), reg(b, f.rd), 4) },
  {
    opcode: 0x09,
    name: 'beq',
    endsBlock: true,
    lift: (b, f, pc) => b.branch(b.eq(reg(b, f.rd), reg(b, f.rs)), target(pc, f), pc + 4n),
  },
  {
    opcode: 0x0a,
    name: 'bne',
    endsBlock: true,
    lift: (b, f, pc) => b.branch(b.ne(reg(b, f.rd), reg(b, f.rs)), target(pc, f), pc + 4n),
  },
  {
    opcode: 0x0b,
    name: 'blt', // signed
    endsBlock: true,
    lift: (b, f, pc) => b.branch(b.ltS(reg(b, f.rd), reg(b, f.rs)), target(pc, f), pc + 4n),
  },
  { opcode: 0x0c, name: 'jr', endsBlock: true, lift: (b, f) => b.jump(reg(b, f.rs)) },
  { opcode: 0x0d, name: 'svc', endsBlock: true, lift: (b, _f, pc) => b.syscall(pc + 4n) },
];

const BY_OPCODE = new Map(TOY_TABLE.map((row) => [row.opcode, row]));
const OPCODES = new Map(TOY_TABLE.map((row) => [row.name, row.opcode]));

/** The word of instruction `name` with its fields. */
export function encode(name: string, rd = 0, rs = 0, imm = 0): number {
  const opcode = OPCODES.get(name);
  if (opcode === undefined) throw new RangeError(`toy has no instruction ${name}`);
  return ((opcode << 24) | ((rd & 15) << 20) | ((rs & 15) << 16) | (imm & 0xffff)) >>> 0;
}

function decode(word: number): Fields & { row: Row | undefined } {
  const uimm = word & 0xffff;
  return {
    row: BY_OPCODE.get(word >>> 24),
    rd: (word >>> 20) & 15,
    rs: (word >>> 16) & 15,
    uimm: BigInt(uimm),
    imm: BigInt((uimm << 16) >> 16),
  };
}

const BLOCK_LIMIT = 32;

function lift(code: { fetch32(pc: bigint): number; canFetch(pc: bigint): boolean }, start: bigint): IrBlock {
  const b = new IrBuilder(start);
  let pc = start;
  for (let n = 0; ; n++) {
    if (n > 0 && (n === BLOCK_LIMIT || !code.canFetch(pc))) {
      b.jump(pc);
      return b.finish();
    }
    const word = code.fetch32(pc);
    b.insn(pc, word);
    const fields = decode(word);
    if (fields.row === undefined) {
      b.trap('SIGILL', pc, `undefined instruction 0x${word.toString(16).padStart(8, '0')}`);
      return b.finish();
    }
    fields.row.lift(b, fields, pc);
    if (fields.row.endsBlock) return b.finish();
    pc += 4n;
  }
}

// The signal frame: a magic word, the saved registers, the mask to restore, the alternate stack
// as it was, then siginfo. Handlers get r3 pointing at the saved registers.
const FRAME_MAGIC = 0x746f7966n; // "toyf"
const SAVED = 19;
const FRAME = { magic: 0, regs: 8, mask: 8 + 8 * SAVED, alt: 16 + 8 * SAVED, info: 40 + 8 * SAVED } as const;
const FRAME_SIZE = FRAME.info + 128;

function pushFrame(cpu: Cpu, memory: GuestMemory, request: SignalFrameRequest): void {
  const at = Number((request.stackTop - BigInt(FRAME_SIZE)) & ~15n);
  const saved = Array.from({ length: SAVED }, (_, i) => (i === R.pc ? request.resumePc : cpu.regs[i]));
  // Written from the top, so a frame that does not fit faults before anything is changed.
  memory.writeBytes(at + FRAME.info, request.siginfo);
  memory.write64(at + FRAME.alt, request.altStack.sp);
  memory.write64(at + FRAME.alt + 8, BigInt(request.altStack.flags));
  memory.write64(at + FRAME.alt + 16, request.altStack.size);
  memory.write64(at + FRAME.mask, request.mask);
  for (const [i, value] of saved.entries()) memory.write64(at + FRAME.regs + 8 * i, value);
  memory.write64(at + FRAME.magic, FRAME_MAGIC);
  cpu.regs[1] = BigInt(request.signo);
  cpu.regs[2] = request.withInfo ? BigInt(at + FRAME.info) : 0n;
  cpu.regs[3] = BigInt(at + FRAME.regs);
  cpu.regs[LR] = request.restorer;
  cpu.regs[R.sp] = BigInt(at);
  cpu.regs[R.pc] = request.handler;
}

function popFrame(cpu: Cpu, memory: GuestMemory) {
  const at = Number(cpu.regs[R.sp]);
  if (memory.read64(at + FRAME.magic) !== FRAME_MAGIC) return null;
  for (let i = 0; i < SAVED; i++) cpu.regs[i] = memory.read64(at + FRAME.regs + 8 * i);
  return {
    mask: memory.read64(at + FRAME.mask),
    altStack: {
      sp: memory.read64(at + FRAME.alt),
      flags: Number(memory.read64(at + FRAME.alt + 8)),
      size: memory.read64(at + FRAME.alt + 16),
    },
  };
}

/** rt_sigreturn, as toy code: `li r12, 139; svc`. */
const TRAMPOLINE = new Uint8Array(
  new Uint32Array([encode('li', SYSCALL_NUMBER, 0, 139), encode('svc')]).buffer,
);

export const toyIsa: Architecture = {
  name: 'toy',
  elfMachine: TOY_MACHINE,
  elfClass: 64,
  pageSize: 4096,
  platform: 'toy',
  hwcap: 0n,
  hwcap2: 0n,
  stackAlignment: 16,
  registers: {
    names: [...Array.from({ length: 16 }, (_, i) => `r${i}`), 'sp', 'pc', 'tp'],
    pc: R.pc,
    sp: R.sp,
    threadPointer: R.tp,
  },
  syscalls: {
    table: 'asm-generic',
    number: SYSCALL_NUMBER,
    args: SYSCALL_ARGS,
    result: SYSCALL_RESULT,
    sigactionSize: 24, // no sa_restorer field unless SA_RESTORER says so: the generic layout
  },
  lift,
  signals: { trampoline: TRAMPOLINE, minStackSize: 2048, pushFrame, popFrame },
};
