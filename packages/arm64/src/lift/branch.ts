import { type A64Form, form } from './form.js';

/** Branches: every one ends the block. Targets are PC-relative byte offsets of imm*4. */

const LR = 30;

/** Sign-extends the low `bits` bits of a field to a bigint. */
export function signExtend(value: number, bits: number): bigint {
  return BigInt.asIntN(bits, BigInt(value));
}

function target(pc: bigint, imm: number, bits: number): bigint {
  return BigInt.asUintN(64, pc + signExtend(imm, bits) * 4n);
}

export const branchForms: readonly A64Form[] = [
  form('B', '000101 iiiiiiiiiiiiiiiiiiiiiiiiii', (f, c) => c.b.jump(target(c.pc, f.i, 26))),
  form('BL', '100101 iiiiiiiiiiiiiiiiiiiiiiiiii', (f, c) => {
    c.b.setReg(LR, c.next);
    c.b.jump(target(c.pc, f.i, 26));
  }),
  form('B_cond', '01010100 iiiiiiiiiiiiiiiiiii 0 cccc', (f, c) => {
    c.b.branch(c.cond(f.c), target(c.pc, f.i, 19), c.next);
  }),
  form('CBZ', 'f011010 0 iiiiiiiiiiiiiiiiiii ttttt', (f, c) => {
    c.b.branch(c.b.eqz(c.r(f.f, f.t)), target(c.pc, f.i, 19), c.next);
  }),
  form('CBNZ', 'f011010 1 iiiiiiiiiiiiiiiiiii ttttt', (f, c) => {
    c.b.branch(c.b.eqz(c.r(f.f, f.t)), c.next, target(c.pc, f.i, 19));
  }),
  // TBZ/TBNZ: the bit number is b5:b40, b5 also selects X or W (it does not change the result).
  form('TBZ', 'b 011011 0 jjjjj iiiiiiiiiiiiii ttttt', (f, c) => {
    const bit = BigInt((f.b << 5) | f.j);
    const set = c.b.wrap(c.b.and(c.b.shrU(c.x(f.t), bit), 1n));
    c.b.branch(set, c.next, target(c.pc, f.i, 14));
  }),
  form('TBNZ', 'b 011011 1 jjjjj iiiiiiiiiiiiii ttttt', (f, c) => {
    const bit = BigInt((f.b << 5) | f.j);
    const set = c.b.wrap(c.b.and(c.b.shrU(c.x(f.t), bit), 1n));
    c.b.branch(set, target(c.pc, f.i, 14), c.next);
  }),
  form('BR', '1101011 0000 11111 000000 nnnnn 00000', (f, c) => c.b.jump(c.x(f.n))),
  form('BLR', '1101011 0001 11111 000000 nnnnn 00000', (f, c) => {
    // Read the target before writing LR: BLR X30 jumps to the old X30.
    const to = c.x(f.n);
    c.b.setReg(LR, c.next);
    c.b.jump(to);
  }),
  form('RET', '1101011 0010 11111 000000 nnnnn 00000', (f, c) => c.b.jump(c.x(f.n))),
];
