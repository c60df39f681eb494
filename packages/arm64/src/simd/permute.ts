import type { Cpu } from '@arm64kit/core';
import type { Fields } from '../decode/table.js';
import type { LiftContext } from '../lift/context.js';
import { type A64Form, form } from '../lift/form.js';
import { vLo } from '../state.js';
import { elementTable, liftByteMove } from './byte-moves.js';
import { A, arrangement, clearBlock, loadV, R, storeV, U8 } from './lanes.js';

/** EXT, UZP1/UZP2, TRN1/TRN2, ZIP1/ZIP2 (fixed byte moves, see byte-moves.ts) and TBL/TBX. */

function liftExt(f: Fields, c: LiftContext): boolean {
  const q = f.q === 1;
  if (!q && f.i & 8) return false;
  const total = q ? 16 : 8;
  // Result byte k is byte pos+k of the concatenation Vm:Vn (Vn low), over `total` bytes each.
  const table: number[] = [];
  for (let k = 0; k < total; k++) {
    const j = f.i + k;
    table.push(j < total ? j : 16 + j - total);
  }
  liftByteMove(c, table, { d: f.d, n: f.n, m: f.m }, q);
  return true;
}

function liftPermute(f: Fields, c: LiftContext): boolean {
  const arr = arrangement(f.z, f.q);
  if (!arr || f.o === 0 || f.o === 4) return false;
  const { d, n, m } = f;
  const bytes = arr.esize / 8;
  const elements = arr.elements;
  const part = f.o >> 2; // 0: UZP1/TRN1/ZIP1, 1: the "2" forms
  const kind = f.o & 3; // 1 UZP, 2 TRN, 3 ZIP
  const half = elements / 2;
  // Element numbers over Vn:Vm as 16-byte registers: Vn's element j is j, Vm's is 16/bytes + j.
  const fromM = (j: number) => 16 / bytes + j;
  const from = (i: number): number => {
    if (kind === 1) {
      // UZP: even (or odd) elements of the concatenation Vm:Vn
      const j = 2 * i + part;
      return j < elements ? j : fromM(j - elements);
    }
    if (kind === 2) {
      // TRN: Vn's and Vm's even (odd) elements interleaved
      const p = (i & ~1) + part;
      return i & 1 ? fromM(p) : p;
    }
    // ZIP: interleave the low (high) halves
    const j = (i >> 1) + part * half;
    return i & 1 ? fromM(j) : j;
  };
  liftByteMove(c, elementTable(elements, bytes, from), { d, n, m }, arr.q);
  return true;
}

function liftTable(f: Fields, c: LiftContext): boolean {
  const regs = f.l + 1;
  const { d, n, m } = f;
  const q = f.q === 1;
  const tbx = f.x === 1;
  const table = new Uint8Array(64);
  c.b.callHelper((cpu: Cpu) => {
    for (let r = 0; r < regs; r++) {
      const base = 8 * vLo((n + r) % 32);
      for (let k = 0; k < 16; k++) table[r * 16 + k] = cpu.u8[base + k];
    }
    loadV(cpu, m, A);
    if (tbx) loadV(cpu, d, R);
    else clearBlock(R);
    const total = q ? 16 : 8;
    for (let k = 0; k < total; k++) {
      const idx = U8[A * 16 + k];
      if (idx < regs * 16) U8[R * 16 + k] = table[idx];
      else if (!tbx) U8[R * 16 + k] = 0;
    }
    storeV(cpu, d, R, q);
  });
  return true;
}

export const permuteForms: readonly A64Form[] = [
  form('EXT', '0 q 101110 00 0 mmmmm 0 iiii 0 nnnnn ddddd', liftExt),
  form('SIMD_permute', '0 q 001110 zz 0 mmmmm 0 ooo 10 nnnnn ddddd', liftPermute),
  form('TBL_TBX', '0 q 001110 00 0 mmmmm 0 ll x 00 nnnnn ddddd', liftTable),
];
