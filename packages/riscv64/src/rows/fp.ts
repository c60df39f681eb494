import type { Lifter } from '../lift/context.js';
import { imm64, immI, immS } from '../lift/immediates.js';
import { F } from '../state.js';
import { fpArithRows } from './fp-arith.js';
import { row } from './row.js';

/**
 * F and D: loads, stores and moves between register files. A single in a 64-bit f register is
 * NaN-boxed (upper 32 bits all ones). Letters: d=rd, s=rs1, t=rs2.
 */

const BOX = 0xffffffff00000000n;

const flw: Lifter = (f, c) =>
  c.b.setReg(F(f.d), c.b.or(c.b.load(c.b.add(c.x(f.s), imm64(immI(c.insn))), 4), BOX));
const fld: Lifter = (f, c) => c.b.setReg(F(f.d), c.b.load(c.b.add(c.x(f.s), imm64(immI(c.insn))), 8));
const fsw: Lifter = (f, c) => c.b.store(c.b.add(c.x(f.s), imm64(immS(c.insn))), c.b.getReg(F(f.t)), 4);
const fsd: Lifter = (f, c) => c.b.store(c.b.add(c.x(f.s), imm64(immS(c.insn))), c.b.getReg(F(f.t)), 8);

/** FSGNJ.D/FSGNJN.D/FSGNJX.D: the magnitude of rs1 with a sign made from rs2's. */
const signD =
  (kind: 'j' | 'n' | 'x'): Lifter =>
  (f, c) => {
    const b = c.b;
    const SIGN = 1n << 63n;
    const a = b.getReg(F(f.s));
    const s2 = b.getReg(F(f.t));
    let sign = b.and(s2, SIGN);
    if (kind === 'n') sign = b.xor(sign, SIGN);
    if (kind === 'x') sign = b.xor(b.and(a, SIGN), sign);
    b.setReg(F(f.d), b.or(b.and(a, SIGN - 1n), sign));
  };

export const fpMoveRows = [
  row('FLW', 'iiiiiiiiiiii sssss 010 ddddd 0000111', flw),
  row('FLD', 'iiiiiiiiiiii sssss 011 ddddd 0000111', fld),
  row('FSW', 'iiiiiii ttttt sssss 010 iiiii 0100111', fsw),
  row('FSD', 'iiiiiii ttttt sssss 011 iiiii 0100111', fsd),
  row('FMV_X_W', '1110000 00000 sssss 000 ddddd 1010011', (f, c) =>
    c.setX(f.d, c.b.extend32S(c.b.getReg(F(f.s)))),
  ),
  row('FMV_W_X', '1111000 00000 sssss 000 ddddd 1010011', (f, c) =>
    c.b.setReg(F(f.d), c.b.or(c.b.and(c.x(f.s), 0xffffffffn), BOX)),
  ),
  row('FMV_X_D', '1110001 00000 sssss 000 ddddd 1010011', (f, c) => c.setX(f.d, c.b.getReg(F(f.s)))),
  row('FMV_D_X', '1111001 00000 sssss 000 ddddd 1010011', (f, c) => c.b.setReg(F(f.d), c.x(f.s))),
  row('FSGNJ_D', '0010001 ttttt sssss 000 ddddd 1010011', signD('j')),
  row('FSGNJN_D', '0010001 ttttt sssss 001 ddddd 1010011', signD('n')),
  row('FSGNJX_D', '0010001 ttttt sssss 010 ddddd 1010011', signD('x')),
];

export const fpRows = [...fpMoveRows, ...fpArithRows];
