import type { Cpu, Value } from '@arm64kit/core';
import type { LiftContext, Lifter } from '../lift/context.js';
import { reg } from './base.js';
import { row } from './row.js';

/**
 * Zba (address generation) and Zbb (basic bit manipulation), RV64. Letters as in base.ts: d=rd,
 * s=rs1, t=rs2, h=shift amount. The 32-bit (W) forms work on the low word and sign-extend the
 * result, as the base W instructions do; counts and rotations of a word are i32 operations.
 */

type Op = (c: LiftContext, a: Value, b: Value) => Value;
type Unary = (c: LiftContext, a: Value) => Value;

const MASK32 = 0xffffffffn;

/** rd = op(rs1) for the unary forms (rs2 is part of the opcode). */
const unary =
  (op: Unary): Lifter =>
  (f, c) =>
    c.setX(f.d, op(c, c.x(f.s)));

/** A word operation: rd = sext32(op(low word of rs1)), computed in i32. */
const unaryWord =
  (op: (c: LiftContext, w: Value) => Value): Lifter =>
  (f, c) =>
    c.setX(f.d, c.b.extendS(op(c, c.b.wrap(c.x(f.s)))));

/** rs2 + (rs1 << k), or with the low word of rs1 zero-extended first (the .UW forms). */
const shiftAdd =
  (k: bigint, unsignedWord: boolean): Op =>
  (c, a, b) =>
    c.b.add(b, c.b.shl(unsignedWord ? c.b.and(a, MASK32) : a, k));

const pick =
  (greater: (c: LiftContext, a: Value, b: Value) => Value, max: boolean): Op =>
  (c, a, b) => {
    const gt = greater(c, a, b);
    return max ? c.b.select(gt, a, b) : c.b.select(gt, b, a);
  };

/** Rotation of the low word by rs2 mod 32, sign-extended (ROLW, RORW). */
const rotateWord =
  (left: boolean): Lifter =>
  (f, c) => {
    const b = c.b;
    const w = b.wrap(c.x(f.s));
    const n = b.wrap(c.x(f.t));
    c.setX(f.d, b.extendS(left ? b.rotl(w, n) : b.rotr(w, n)));
  };

/** ORC.B: each byte becomes 0xff when it is not zero, else stays 0. */
function orcB(_cpu: Cpu, v: bigint): bigint {
  let out = 0n;
  for (let i = 0n; i < 64n; i += 8n) if ((v >> i) & 0xffn) out |= 0xffn << i;
  return out;
}

/** REV8: the bytes in reverse order. */
function rev8(_cpu: Cpu, v: bigint): bigint {
  let out = 0n;
  for (let i = 0n; i < 64n; i += 8n) out = (out << 8n) | ((v >> i) & 0xffn);
  return out;
}

export const bitmanipRows = [
  // Zba
  row('SH1ADD', '0010000 ttttt sssss 010 ddddd 0110011', reg(shiftAdd(1n, false))),
  row('SH2ADD', '0010000 ttttt sssss 100 ddddd 0110011', reg(shiftAdd(2n, false))),
  row('SH3ADD', '0010000 ttttt sssss 110 ddddd 0110011', reg(shiftAdd(3n, false))),
  row('ADD_UW', '0000100 ttttt sssss 000 ddddd 0111011', reg(shiftAdd(0n, true))),
  row('SH1ADD_UW', '0010000 ttttt sssss 010 ddddd 0111011', reg(shiftAdd(1n, true))),
  row('SH2ADD_UW', '0010000 ttttt sssss 100 ddddd 0111011', reg(shiftAdd(2n, true))),
  row('SH3ADD_UW', '0010000 ttttt sssss 110 ddddd 0111011', reg(shiftAdd(3n, true))),
  row('SLLI_UW', '000010 hhhhhh sssss 001 ddddd 0011011', (f, c) =>
    c.setX(f.d, c.b.shl(c.b.and(c.x(f.s), MASK32), BigInt(f.h))),
  ),
  // Zbb: logic with negation
  row(
    'ANDN',
    '0100000 ttttt sssss 111 ddddd 0110011',
    reg((c, a, b) => c.b.and(a, c.b.not(b))),
  ),
  row(
    'ORN',
    '0100000 ttttt sssss 110 ddddd 0110011',
    reg((c, a, b) => c.b.or(a, c.b.not(b))),
  ),
  row(
    'XNOR',
    '0100000 ttttt sssss 100 ddddd 0110011',
    reg((c, a, b) => c.b.not(c.b.xor(a, b))),
  ),
  // Zbb: counts (of zero, clz and ctz give the width, as wasm's do)
  row(
    'CLZ',
    '0110000 00000 sssss 001 ddddd 0010011',
    unary((c, a) => c.b.clz(a)),
  ),
  row(
    'CTZ',
    '0110000 00001 sssss 001 ddddd 0010011',
    unary((c, a) => c.b.ctz(a)),
  ),
  row(
    'CPOP',
    '0110000 00010 sssss 001 ddddd 0010011',
    unary((c, a) => c.b.popcnt(a)),
  ),
  row(
    'CLZW',
    '0110000 00000 sssss 001 ddddd 0011011',
    unaryWord((c, w) => c.b.clz(w)),
  ),
  row(
    'CTZW',
    '0110000 00001 sssss 001 ddddd 0011011',
    unaryWord((c, w) => c.b.ctz(w)),
  ),
  row(
    'CPOPW',
    '0110000 00010 sssss 001 ddddd 0011011',
    unaryWord((c, w) => c.b.popcnt(w)),
  ),
  // Zbb: minimum and maximum
  row('MAX', '0000101 ttttt sssss 110 ddddd 0110011', reg(pick((c, a, b) => c.b.gtS(a, b), true))),
  row('MAXU', '0000101 ttttt sssss 111 ddddd 0110011', reg(pick((c, a, b) => c.b.gtU(a, b), true))),
  row('MIN', '0000101 ttttt sssss 100 ddddd 0110011', reg(pick((c, a, b) => c.b.gtS(a, b), false))),
  row('MINU', '0000101 ttttt sssss 101 ddddd 0110011', reg(pick((c, a, b) => c.b.gtU(a, b), false))),
  // Zbb: sign and zero extension
  row(
    'SEXT_B',
    '0110000 00100 sssss 001 ddddd 0010011',
    unary((c, a) => c.b.extend8S(a)),
  ),
  row(
    'SEXT_H',
    '0110000 00101 sssss 001 ddddd 0010011',
    unary((c, a) => c.b.extend16S(a)),
  ),
  row(
    'ZEXT_H',
    '0000100 00000 sssss 100 ddddd 0111011',
    unary((c, a) => c.b.and(a, 0xffffn)),
  ),
  // Zbb: rotations (the amount is rs2 mod 64, or mod 32 for the W forms)
  row(
    'ROL',
    '0110000 ttttt sssss 001 ddddd 0110011',
    reg((c, a, b) => c.b.rotl(a, b)),
  ),
  row(
    'ROR',
    '0110000 ttttt sssss 101 ddddd 0110011',
    reg((c, a, b) => c.b.rotr(a, b)),
  ),
  row('RORI', '011000 hhhhhh sssss 101 ddddd 0010011', (f, c) =>
    c.setX(f.d, c.b.rotr(c.x(f.s), BigInt(f.h))),
  ),
  row('ROLW', '0110000 ttttt sssss 001 ddddd 0111011', rotateWord(true)),
  row('RORW', '0110000 ttttt sssss 101 ddddd 0111011', rotateWord(false)),
  row('RORIW', '0110000 hhhhh sssss 101 ddddd 0011011', (f, c) =>
    c.setX(f.d, c.b.extendS(c.b.rotr(c.b.wrap(c.x(f.s)), f.h))),
  ),
  // Zbb: byte-wise
  row(
    'ORC_B',
    '001010000111 sssss 101 ddddd 0010011',
    unary((c, a) => c.b.callHelper(orcB, [a], 'i64')),
  ),
  row(
    'REV8',
    '011010111000 sssss 101 ddddd 0010011',
    unary((c, a) => c.b.callHelper(rev8, [a], 'i64')),
  ),
];
