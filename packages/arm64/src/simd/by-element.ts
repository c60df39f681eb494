import type { Cpu } from '@arm64kit/core';
import type { Fields } from '../decode/table.js';
import { envOf } from '../fp/cpu-env.js';
import { type LaneSize, laneOps } from '../fp/lane-ops.js';
import { scratchRegisterFile } from '../fp/regfile.js';
import type { LiftContext } from '../lift/context.js';
import { type A64Form, form } from '../lift/form.js';
import { vHi, vLo } from '../state.js';
import { OPS } from './elementwise.js';
import { hasIrLanes, laneValue, liftLanesThreeSame } from './fp-lanes.js';
import { A, B, clearBlock, D, get, loadV, R, set, storeV } from './lanes.js';

/**
 * Multiplies by an element (vector and scalar): MUL, MLA, MLS and FMUL, FMLA, FMLS, FMULX with
 * Vm[index] as the second operand of every lane, plus DUP (element, scalar) — MOV Bd/Hd/Sd/Dd,
 * Vn.T[i]. The element is broadcast into a scratch vector first, then the lane loops of the
 * three-same forms do the work.
 */

const scratch = scratchRegisterFile(8);

/** Register number and index of the element operand. */
function elementOperand(f: Fields, esize: number): { rm: number; index: number } | undefined {
  if (esize === 16) return { rm: f.m & 15, index: (f.h << 2) | (f.l << 1) | (f.m >> 4) };
  if (esize === 32) return { rm: f.m, index: (f.h << 1) | f.l };
  if (esize === 64) return f.l ? undefined : { rm: f.m, index: f.h };
  return undefined;
}

function liftIntByElement(f: Fields, c: LiftContext): boolean {
  const esize = 8 << f.z;
  if (esize !== 16 && esize !== 32) return false;
  const op =
    f.u === 0
      ? f.o === 0b1000
        ? OPS.mul
        : undefined
      : f.o === 0b0000
        ? OPS.mla
        : f.o === 0b0100
          ? OPS.mls
          : undefined;
  if (!op) return false;
  const el = elementOperand(f, esize);
  if (!el) return false;
  const q = f.q === 1;
  const elements = (q ? 128 : 64) / esize;
  const { d, n } = f;
  c.b.callHelper((cpu: Cpu) => {
    loadV(cpu, el.rm, B);
    const m = get(B, esize, el.index);
    loadV(cpu, n, A);
    loadV(cpu, d, D);
    clearBlock(R);
    for (let i = 0; i < elements; i++) set(R, esize, i, op.num(get(A, esize, i), m, esize, get(D, esize, i)));
    storeV(cpu, d, R, q);
  });
  return true;
}

/** Integer opcodes MUL (U0 1000), MLA (U1 0000), MLS (U1 0100); the rest of the class is FP here. */
function liftByElement(f: Fields, c: LiftContext): boolean {
  const integer = (f.u === 0 && f.o === 0b1000) || (f.u === 1 && (f.o === 0b0000 || f.o === 0b0100));
  return integer ? liftIntByElement(f, c) : liftFpByElement(f, c, false);
}

function liftFpByElement(f: Fields, c: LiftContext, scalar: boolean): boolean {
  // size 00 half precision (FEAT_FP16), 10 single, 11 double; 01 is unallocated
  const size: LaneSize | undefined = f.z === 0 ? 16 : f.z === 2 ? 32 : f.z === 3 ? 64 : undefined;
  if (size === undefined) return false;
  const el = elementOperand(f, size);
  if (!el) return false;
  const q = f.q === 1 && !scalar;
  if (!scalar && size === 64 && !q) return false;
  const lanes = scalar ? 1 : (q ? 128 : 64) / size;
  const kind =
    f.u === 0
      ? f.o === 0b0001
        ? 'fmla'
        : f.o === 0b0101
          ? 'fmls'
          : f.o === 0b1001
            ? 'fmul'
            : undefined
      : f.o === 0b1001
        ? 'fmulx'
        : undefined;
  if (!kind) return false;
  const { d, n } = f;
  if (kind !== 'fmulx' && hasIrLanes(size)) {
    const element = laneValue(c, el.rm, size, el.index);
    liftLanesThreeSame(c, kind, size, lanes, { d, n, m: el.rm }, element);
    return true;
  }
  const ops = laneOps(size);
  const { lane } = ops;
  const element = lane(vLo(el.rm), el.index);
  c.b.callHelper((cpu: Cpu) => {
    const env = envOf(cpu);
    const s = scratch;
    // slots: 0-1 = Vn, 2-3 = broadcast element, 4-5 = old Vd, 6-7 = result
    for (let w = 0; w < 4; w++) {
      s.regs32[w] = cpu.regs32[2 * vLo(n) + w];
      s.regs32[8 + w] = cpu.regs32[2 * vLo(d) + w];
    }
    const v = ops.read(cpu, element);
    for (let e = 0; e < 128 / size; e++) ops.write(s, lane(2, e), v);
    s.regs[6] = 0n;
    s.regs[7] = 0n;
    for (let e = 0; e < lanes; e++) {
      const r = lane(6, e);
      const a = lane(0, e);
      const b = lane(2, e);
      if (kind === 'fmul') ops.mul(s, env, r, a, b);
      else if (kind === 'fmulx') ops.mulx(s, env, r, a, b);
      else ops.mulAdd(s, env, r, lane(4, e), a, b, false, kind === 'fmls');
    }
    for (let w = 0; w < 4; w++) cpu.regs32[2 * vLo(d) + w] = w >= 2 && !q ? 0 : s.regs32[12 + w];
  });
  return true;
}

/** DUP (element, scalar): Vd = Vn[index] zero-extended (MOV Bd/Hd/Sd/Dd, Vn.T[index]). */
function liftDupScalar(f: Fields, c: LiftContext): boolean {
  const imm5 = f.i;
  const s = imm5 & 1 ? 0 : imm5 & 2 ? 1 : imm5 & 4 ? 2 : imm5 & 8 ? 3 : -1;
  if (s < 0) return false;
  const bytes = 1 << s;
  const index = imm5 >> (s + 1);
  const b = c.b;
  const slot = index * bytes >= 8 ? vHi(f.n) : vLo(f.n);
  const shift = BigInt((index * bytes * 8) % 64);
  let v = b.shrU(b.getReg(slot), shift);
  if (s < 3) v = b.and(v, (1n << BigInt(8 * bytes)) - 1n);
  c.setV(f.d, v, 0n);
  return true;
}

export const byElementForms: readonly A64Form[] = [
  form('SIMD_by_element', '0 q u 01111 zz l mmmmm oooo h 0 nnnnn ddddd', liftByElement),
  form('SIMD_scalar_fp_by_element', '01 u 11111 zz l mmmmm oooo h 0 nnnnn ddddd', (f, c) =>
    liftFpByElement(f, c, true),
  ),
  form('DUP_element_scalar', '01 0 11110000 iiiii 0 0000 1 nnnnn ddddd', liftDupScalar),
];
