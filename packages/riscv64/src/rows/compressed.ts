import type { Form } from '@arm64kit/core';

/**
 * The C extension (RV64): each 16-bit form expands to the 32-bit instruction the specification
 * defines it as, which the 32-bit table then lifts, so semantics live once. An expander returns
 * undefined for a reserved encoding (the guest gets SIGILL). Patterns give the fixed bits only;
 * the scattered immediates are read from the parcel below.
 */
export type Expander = (w: number) => number | undefined;

const bit = (w: number, n: number): number => (w >>> n) & 1;
const bits = (w: number, hi: number, lo: number): number => (w >>> lo) & ((1 << (hi - lo + 1)) - 1);
/** A 3-bit register field (rd', rs1', rs2') names x8–x15. */
const rp = (w: number, lo: number): number => 8 + bits(w, lo + 2, lo);
const sext = (v: number, width: number): number => (v << (32 - width)) >> (32 - width);

// 32-bit encoders of the base formats (immediates as signed numbers).
const encI = (op: number, rd: number, f3: number, rs1: number, imm: number): number =>
  (((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) >>> 0;
const encS = (op: number, f3: number, rs1: number, rs2: number, imm: number): number =>
  ((((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 0x1f) << 7) | op) >>> 0;
const encR = (op: number, f7: number, rd: number, f3: number, rs1: number, rs2: number): number =>
  ((f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) >>> 0;
const encB = (f3: number, rs1: number, rs2: number, imm: number): number =>
  ((((imm >> 12) & 1) << 31) |
    (((imm >> 5) & 0x3f) << 25) |
    (rs2 << 20) |
    (rs1 << 15) |
    (f3 << 12) |
    (((imm >> 1) & 0xf) << 8) |
    (((imm >> 11) & 1) << 7) |
    0x63) >>>
  0;
const encJ = (rd: number, imm: number): number =>
  ((((imm >> 20) & 1) << 31) |
    (((imm >> 1) & 0x3ff) << 21) |
    (((imm >> 11) & 1) << 20) |
    (((imm >> 12) & 0xff) << 12) |
    (rd << 7) |
    0x6f) >>>
  0;

const LOAD = 0x03;
const LOAD_FP = 0x07;
const STORE = 0x23;
const STORE_FP = 0x27;
const OP_IMM = 0x13;
const OP_IMM_32 = 0x1b;
const OP = 0x33;
const OP_32 = 0x3b;

// Scaled unsigned offsets of the memory forms.
const offW = (w: number) => (bits(w, 12, 10) << 3) | (bit(w, 6) << 2) | (bit(w, 5) << 6);
const offD = (w: number) => (bits(w, 12, 10) << 3) | (bits(w, 6, 5) << 6);
const offLwsp = (w: number) => (bit(w, 12) << 5) | (bits(w, 6, 4) << 2) | (bits(w, 3, 2) << 6);
const offLdsp = (w: number) => (bit(w, 12) << 5) | (bits(w, 6, 5) << 3) | (bits(w, 4, 2) << 6);
const offSwsp = (w: number) => (bits(w, 12, 9) << 2) | (bits(w, 8, 7) << 6);
const offSdsp = (w: number) => (bits(w, 12, 10) << 3) | (bits(w, 9, 7) << 6);
/** The 6-bit signed immediate of CI forms: bit 12 and bits 6:2. */
const imm6 = (w: number) => sext((bit(w, 12) << 5) | bits(w, 6, 2), 6);
const shamt = (w: number) => (bit(w, 12) << 5) | bits(w, 6, 2);
const rd = (w: number) => bits(w, 11, 7);
const rs2 = (w: number) => bits(w, 6, 2);

function jumpOffset(w: number): number {
  const v =
    (bit(w, 12) << 11) |
    (bit(w, 11) << 4) |
    (bits(w, 10, 9) << 8) |
    (bit(w, 8) << 10) |
    (bit(w, 7) << 6) |
    (bit(w, 6) << 7) |
    (bits(w, 5, 3) << 1) |
    (bit(w, 2) << 5);
  return sext(v, 12);
}

function branchOffset(w: number): number {
  const v =
    (bit(w, 12) << 8) |
    (bits(w, 11, 10) << 3) |
    (bits(w, 6, 5) << 6) |
    (bits(w, 4, 3) << 1) |
    (bit(w, 2) << 5);
  return sext(v, 9);
}

const addi4spn: Expander = (w) => {
  const imm = (bits(w, 12, 11) << 4) | (bits(w, 10, 7) << 6) | (bit(w, 6) << 2) | (bit(w, 5) << 3);
  return imm === 0 ? undefined : encI(OP_IMM, rp(w, 2), 0, 2, imm);
};

const addi16sp: Expander = (w) => {
  const v = (bit(w, 12) << 9) | (bit(w, 6) << 4) | (bit(w, 5) << 6) | (bits(w, 4, 3) << 7) | (bit(w, 2) << 5);
  const imm = sext(v, 10);
  return imm === 0 ? undefined : encI(OP_IMM, 2, 0, 2, imm);
};

const lui: Expander = (w) => {
  const imm = imm6(w);
  if (imm === 0) return undefined;
  return (((imm << 12) & 0xfffff000) | (rd(w) << 7) | 0x37) >>> 0;
};

/** rd' op= rs2' (C.SUB … C.ADDW): funct7, funct3 and the major opcode of the 32-bit form. */
const arith =
  (op: number, f7: number, f3: number): Expander =>
  (w) =>
    encR(op, f7, rp(w, 7), f3, rp(w, 7), rp(w, 2));

const nonZeroRd =
  (e: Expander): Expander =>
  (w) =>
    rd(w) === 0 ? undefined : e(w);

type Row = [name: string, pattern: string, expand: Expander, preferredOver?: readonly string[]];

const rows: Row[] = [
  // Quadrant 0. The all-zero parcel is defined illegal.
  ['C_ADDI4SPN', '000 -------- --- 00', addi4spn],
  ['C_FLD', '001 --- --- -- --- 00', (w) => encI(LOAD_FP, rp(w, 2), 3, rp(w, 7), offD(w))],
  ['C_LW', '010 --- --- -- --- 00', (w) => encI(LOAD, rp(w, 2), 2, rp(w, 7), offW(w))],
  ['C_LD', '011 --- --- -- --- 00', (w) => encI(LOAD, rp(w, 2), 3, rp(w, 7), offD(w))],
  ['C_FSD', '101 --- --- -- --- 00', (w) => encS(STORE_FP, 3, rp(w, 7), rp(w, 2), offD(w))],
  ['C_SW', '110 --- --- -- --- 00', (w) => encS(STORE, 2, rp(w, 7), rp(w, 2), offW(w))],
  ['C_SD', '111 --- --- -- --- 00', (w) => encS(STORE, 3, rp(w, 7), rp(w, 2), offD(w))],
  // Quadrant 1.
  ['C_ADDI', '000 - ----- ----- 01', (w) => encI(OP_IMM, rd(w), 0, rd(w), imm6(w))],
  ['C_ADDIW', '001 - ----- ----- 01', nonZeroRd((w) => encI(OP_IMM_32, rd(w), 0, rd(w), imm6(w)))],
  ['C_LI', '010 - ----- ----- 01', (w) => encI(OP_IMM, rd(w), 0, 0, imm6(w))],
  ['C_LUI', '011 - ----- ----- 01', lui],
  ['C_ADDI16SP', '011 - 00010 ----- 01', addi16sp, ['C_LUI']],
  ['C_SRLI', '100 - 00 --- ----- 01', (w) => encI(OP_IMM, rp(w, 7), 5, rp(w, 7), shamt(w))],
  ['C_SRAI', '100 - 01 --- ----- 01', (w) => encI(OP_IMM, rp(w, 7), 5, rp(w, 7), shamt(w) | 0x400)],
  ['C_ANDI', '100 - 10 --- ----- 01', (w) => encI(OP_IMM, rp(w, 7), 7, rp(w, 7), imm6(w))],
  ['C_SUB', '100 0 11 --- 00 --- 01', arith(OP, 0x20, 0)],
  ['C_XOR', '100 0 11 --- 01 --- 01', arith(OP, 0, 4)],
  ['C_OR', '100 0 11 --- 10 --- 01', arith(OP, 0, 6)],
  ['C_AND', '100 0 11 --- 11 --- 01', arith(OP, 0, 7)],
  ['C_SUBW', '100 1 11 --- 00 --- 01', arith(OP_32, 0x20, 0)],
  ['C_ADDW', '100 1 11 --- 01 --- 01', arith(OP_32, 0, 0)],
  ['C_J', '101 ----------- 01', (w) => encJ(0, jumpOffset(w))],
  ['C_BEQZ', '110 --- --- ----- 01', (w) => encB(0, rp(w, 7), 0, branchOffset(w))],
  ['C_BNEZ', '111 --- --- ----- 01', (w) => encB(1, rp(w, 7), 0, branchOffset(w))],
  // Quadrant 2.
  ['C_SLLI', '000 - ----- ----- 10', (w) => encI(OP_IMM, rd(w), 1, rd(w), shamt(w))],
  ['C_FLDSP', '001 - ----- ----- 10', (w) => encI(LOAD_FP, rd(w), 3, 2, offLdsp(w))],
  ['C_LWSP', '010 - ----- ----- 10', nonZeroRd((w) => encI(LOAD, rd(w), 2, 2, offLwsp(w)))],
  ['C_LDSP', '011 - ----- ----- 10', nonZeroRd((w) => encI(LOAD, rd(w), 3, 2, offLdsp(w)))],
  ['C_JR', '100 0 ----- 00000 10', nonZeroRd((w) => encI(0x67, 0, 0, rd(w), 0))],
  ['C_MV', '100 0 ----- ----- 10', (w) => encR(OP, 0, rd(w), 0, 0, rs2(w))],
  ['C_EBREAK', '100 1 00000 00000 10', () => 0x00100073, ['C_JALR']],
  ['C_JALR', '100 1 ----- 00000 10', nonZeroRd((w) => encI(0x67, 1, 0, rd(w), 0))],
  ['C_ADD', '100 1 ----- ----- 10', (w) => encR(OP, 0, rd(w), 0, rd(w), rs2(w))],
  ['C_FSDSP', '101 ------ ----- 10', (w) => encS(STORE_FP, 3, 2, rs2(w), offSdsp(w))],
  ['C_SWSP', '110 ------ ----- 10', (w) => encS(STORE, 2, 2, rs2(w), offSwsp(w))],
  ['C_SDSP', '111 ------ ----- 10', (w) => encS(STORE, 3, 2, rs2(w), offSdsp(w))],
];

// C.MV and C.ADD with rs2 = 0 are C.JR and C.JALR (and C.EBREAK): the rs2 = 0 rows win.
const preferred: Record<string, readonly string[]> = {
  C_JR: ['C_MV'],
  C_JALR: ['C_ADD'],
  C_EBREAK: ['C_JALR', 'C_ADD'],
};

export const compressedForms: readonly Form<Expander>[] = rows.map(([name, pattern, handler, over]) => {
  const preferredOver = [...(over ?? []), ...(preferred[name] ?? [])];
  return preferredOver.length > 0
    ? { name, pattern, handler, preferredOver: [...new Set(preferredOver)] }
    : { name, pattern, handler };
});
