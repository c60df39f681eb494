import type { Cpu, Value } from '@arm64kit/core';
import type { LiftContext, Lifter } from '../lift/context.js';
import { imm64, immB, immI, immJ, immS, immU } from '../lift/immediates.js';
import { row } from './row.js';

/**
 * RV64I. Letters: d=rd, s=rs1, t=rs2, h=shift amount; other immediates are read from the word
 * (lift/immediates.ts).
 */

type Op = (c: LiftContext, a: Value, b: Value) => Value;

const add: Op = (c, a, b) => c.b.add(a, b);
const sub: Op = (c, a, b) => c.b.sub(a, b);
const and: Op = (c, a, b) => c.b.and(a, b);
const or: Op = (c, a, b) => c.b.or(a, b);
const xor: Op = (c, a, b) => c.b.xor(a, b);
const slt: Op = (c, a, b) => c.bit(c.b.ltS(a, b));
const sltu: Op = (c, a, b) => c.bit(c.b.ltU(a, b));
const sll: Op = (c, a, b) => c.b.shl(a, b);
const srl: Op = (c, a, b) => c.b.shrU(a, b);
const sra: Op = (c, a, b) => c.b.shrS(a, b);
// The W forms: the result's low 32 bits, sign-extended (setW); shifts read 5 bits of the amount.
const sllw: Op = (c, a, b) => c.b.shl(a, c.b.and(b, 31n));
const srlw: Op = (c, a, b) => c.b.shrU(c.b.and(a, 0xffffffffn), c.b.and(b, 31n));
const sraw: Op = (c, a, b) => c.b.shrS(c.b.extend32S(a), c.b.and(b, 31n));

/** rd = op(rs1, rs2), 64 bits. */
export const reg =
  (op: Op): Lifter =>
  (f, c) =>
    c.setX(f.d, op(c, c.x(f.s), c.x(f.t)));
/** rd = sext32(op(rs1, rs2)). */
export const regW =
  (op: Op): Lifter =>
  (f, c) =>
    c.setW(f.d, op(c, c.x(f.s), c.x(f.t)));
const imm =
  (op: Op): Lifter =>
  (f, c) =>
    c.setX(f.d, op(c, c.x(f.s), c.b.const64(imm64(immI(c.insn)))));
const immW =
  (op: Op): Lifter =>
  (f, c) =>
    c.setW(f.d, op(c, c.x(f.s), c.b.const64(imm64(immI(c.insn)))));
const shiftImm =
  (op: Op, w: boolean): Lifter =>
  (f, c) => {
    const v = op(c, c.x(f.s), c.b.const64(BigInt(f.h)));
    if (w) c.setW(f.d, v);
    else c.setX(f.d, v);
  };

const load =
  (size: 1 | 2 | 4 | 8, signed: boolean): Lifter =>
  (f, c) =>
    c.setX(f.d, c.b.load(c.b.add(c.x(f.s), imm64(immI(c.insn))), size, signed));
const store =
  (size: 1 | 2 | 4 | 8): Lifter =>
  (f, c) =>
    c.b.store(c.b.add(c.x(f.s), imm64(immS(c.insn))), c.x(f.t), size);

type Cond = (c: LiftContext, a: Value, b: Value) => Value;
const branch =
  (cond: Cond): Lifter =>
  (f, c) =>
    c.b.branch(cond(c, c.x(f.s), c.x(f.t)), c.pc + BigInt(immB(c.insn)), c.next);

const jal: Lifter = (f, c) => {
  c.setX(f.d, c.next);
  c.b.jump(BigInt.asUintN(64, c.pc + BigInt(immJ(c.insn))));
};
const jalr: Lifter = (f, c) => {
  // The target is computed before rd is written: rd may be rs1.
  const target = c.b.and(c.b.add(c.x(f.s), imm64(immI(c.insn))), ~1n & ((1n << 64n) - 1n));
  c.setX(f.d, c.next);
  c.b.jump(target);
};

/**
 * FENCE's predecessor set has W (bit 24) and its successor set R (bit 21), and it is not
 * FENCE.TSO (fm = 1000), which by definition leaves that pair unordered.
 */
function ordersStoreBeforeLoad(insn: number): boolean {
  return ((insn >>> 24) & 1) === 1 && ((insn >>> 21) & 1) === 1 && insn >>> 28 !== 0b1000;
}

function hostFence(cpu: Cpu): void {
  cpu.memory.fence();
}

function syncInstructions(cpu: Cpu): void {
  cpu.memory.syncInstructions();
}

export const baseRows = [
  row('LUI', 'iiiiiiiiiiiiiiiiiiii ddddd 0110111', (f, c) => c.setX(f.d, imm64(immU(c.insn)))),
  row('AUIPC', 'iiiiiiiiiiiiiiiiiiii ddddd 0010111', (f, c) =>
    c.setX(f.d, BigInt.asUintN(64, c.pc + BigInt(immU(c.insn)))),
  ),
  row('JAL', 'iiiiiiiiiiiiiiiiiiii ddddd 1101111', jal),
  row('JALR', 'iiiiiiiiiiii sssss 000 ddddd 1100111', jalr),
  row(
    'BEQ',
    'iiiiiii ttttt sssss 000 iiiii 1100011',
    branch((c, a, b) => c.b.eq(a, b)),
  ),
  row(
    'BNE',
    'iiiiiii ttttt sssss 001 iiiii 1100011',
    branch((c, a, b) => c.b.ne(a, b)),
  ),
  row(
    'BLT',
    'iiiiiii ttttt sssss 100 iiiii 1100011',
    branch((c, a, b) => c.b.ltS(a, b)),
  ),
  row(
    'BGE',
    'iiiiiii ttttt sssss 101 iiiii 1100011',
    branch((c, a, b) => c.b.geS(a, b)),
  ),
  row(
    'BLTU',
    'iiiiiii ttttt sssss 110 iiiii 1100011',
    branch((c, a, b) => c.b.ltU(a, b)),
  ),
  row(
    'BGEU',
    'iiiiiii ttttt sssss 111 iiiii 1100011',
    branch((c, a, b) => c.b.geU(a, b)),
  ),
  row('LB', 'iiiiiiiiiiii sssss 000 ddddd 0000011', load(1, true)),
  row('LH', 'iiiiiiiiiiii sssss 001 ddddd 0000011', load(2, true)),
  row('LW', 'iiiiiiiiiiii sssss 010 ddddd 0000011', load(4, true)),
  row('LD', 'iiiiiiiiiiii sssss 011 ddddd 0000011', load(8, false)),
  row('LBU', 'iiiiiiiiiiii sssss 100 ddddd 0000011', load(1, false)),
  row('LHU', 'iiiiiiiiiiii sssss 101 ddddd 0000011', load(2, false)),
  row('LWU', 'iiiiiiiiiiii sssss 110 ddddd 0000011', load(4, false)),
  row('SB', 'iiiiiii ttttt sssss 000 iiiii 0100011', store(1)),
  row('SH', 'iiiiiii ttttt sssss 001 iiiii 0100011', store(2)),
  row('SW', 'iiiiiii ttttt sssss 010 iiiii 0100011', store(4)),
  row('SD', 'iiiiiii ttttt sssss 011 iiiii 0100011', store(8)),
  row('ADDI', 'iiiiiiiiiiii sssss 000 ddddd 0010011', imm(add)),
  row('SLTI', 'iiiiiiiiiiii sssss 010 ddddd 0010011', imm(slt)),
  row('SLTIU', 'iiiiiiiiiiii sssss 011 ddddd 0010011', imm(sltu)),
  row('XORI', 'iiiiiiiiiiii sssss 100 ddddd 0010011', imm(xor)),
  row('ORI', 'iiiiiiiiiiii sssss 110 ddddd 0010011', imm(or)),
  row('ANDI', 'iiiiiiiiiiii sssss 111 ddddd 0010011', imm(and)),
  row('SLLI', '000000 hhhhhh sssss 001 ddddd 0010011', shiftImm(sll, false)),
  row('SRLI', '000000 hhhhhh sssss 101 ddddd 0010011', shiftImm(srl, false)),
  row('SRAI', '010000 hhhhhh sssss 101 ddddd 0010011', shiftImm(sra, false)),
  row('ADD', '0000000 ttttt sssss 000 ddddd 0110011', reg(add)),
  row('SUB', '0100000 ttttt sssss 000 ddddd 0110011', reg(sub)),
  row('SLL', '0000000 ttttt sssss 001 ddddd 0110011', reg(sll)),
  row('SLT', '0000000 ttttt sssss 010 ddddd 0110011', reg(slt)),
  row('SLTU', '0000000 ttttt sssss 011 ddddd 0110011', reg(sltu)),
  row('XOR', '0000000 ttttt sssss 100 ddddd 0110011', reg(xor)),
  row('SRL', '0000000 ttttt sssss 101 ddddd 0110011', reg(srl)),
  row('SRA', '0100000 ttttt sssss 101 ddddd 0110011', reg(sra)),
  row('OR', '0000000 ttttt sssss 110 ddddd 0110011', reg(or)),
  row('AND', '0000000 ttttt sssss 111 ddddd 0110011', reg(and)),
  row('ADDIW', 'iiiiiiiiiiii sssss 000 ddddd 0011011', immW(add)),
  row('SLLIW', '0000000 hhhhh sssss 001 ddddd 0011011', shiftImm(sllw, true)),
  row('SRLIW', '0000000 hhhhh sssss 101 ddddd 0011011', shiftImm(srlw, true)),
  row('SRAIW', '0100000 hhhhh sssss 101 ddddd 0011011', shiftImm(sraw, true)),
  row('ADDW', '0000000 ttttt sssss 000 ddddd 0111011', regW(add)),
  row('SUBW', '0100000 ttttt sssss 000 ddddd 0111011', regW(sub)),
  row('SLLW', '0000000 ttttt sssss 001 ddddd 0111011', regW(sllw)),
  row('SRLW', '0000000 ttttt sssss 101 ddddd 0111011', regW(srlw)),
  row('SRAW', '0100000 ttttt sssss 101 ddddd 0111011', regW(sraw)),
  // FENCE (any predecessor/successor set, fm): the host (x86) keeps every order but a store
  // before a later load, so only a FENCE that asks for that one, on memory other host threads
  // share, is a host fence.
  row('FENCE', '---- ---- ---- sssss 000 ddddd 0001111', (_f, c) => {
    if (c.shared && ordersStoreBeforeLoad(c.insn)) c.b.callHelper(hostFence);
  }),
  // FENCE.I on a memory other host threads share: code they rewrote is seen from the next
  // instruction on (the block ends here; a CPU worker drops its stale translations first).
  row('FENCE_I', '------------ sssss 001 ddddd 0001111', (_f, c) => {
    if (!c.shared) return;
    c.b.callHelper(syncInstructions);
    c.b.jump(c.next);
  }),
  row('ECALL', '000000000000 00000 000 00000 1110011', (_f, c) => c.b.syscall(c.next)),
  row('EBREAK', '000000000001 00000 000 00000 1110011', (_f, c) => c.b.trap('SIGTRAP', c.pc, 'ebreak')),
];
