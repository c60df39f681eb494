import type { Cpu } from '@arm64kit/core';
import type { LiftContext } from '../lift/context.js';
import { vLo } from '../state.js';
import { A, B, loadV, R, storeV, U8 } from './lanes.js';

/**
 * AdvSIMD instructions that only move bytes (EXT, UZP/TRN/ZIP, DUP and INS (element), REV16/32/64, XTN)
 * as one table per instruction, built when it is lifted: result byte k is byte `table[k]` of Vn and
 * Vm put end to end (0–15 from Vn, 16–31 from Vm). The helper applies the table; a backend with
 * vector shuffles runs it as one (core's 'shuffle' vector operation).
 */
export function liftByteMove(
  c: LiftContext,
  table: readonly number[],
  regs: { d: number; n: number; m: number },
  full: boolean,
): void {
  if (table.length !== (full ? 16 : 8) || table.some((b) => b < 0 || b > 31))
    throw new RangeError(`not a byte table for a ${full ? 128 : 64}-bit result: ${table.join(',')}`);
  const bytes = [...table];
  while (bytes.length < 16) bytes.push(0); // a 64-bit result's upper half is cleared anyway
  const { d, n, m } = regs;
  const helper = (cpu: Cpu) => {
    loadV(cpu, n, A);
    loadV(cpu, m, B);
    for (let k = 0; k < 16; k++) U8[R * 16 + k] = U8[(bytes[k] < 16 ? A * 16 : B * 16 - 16) + bytes[k]];
    storeV(cpu, d, R, full);
  };
  c.b.vectorHelper(helper, { kind: 'shuffle', lane: 8, full, bytes, d: vLo(d), n: vLo(n), m: vLo(m) });
}

/** The table of a result built element by element: element i is element `from(i)` of Vn:Vm. */
export function elementTable(elements: number, esizeBytes: number, from: (i: number) => number): number[] {
  const table: number[] = [];
  for (let i = 0; i < elements; i++)
    for (let k = 0; k < esizeBytes; k++) table.push(from(i) * esizeBytes + k);
  return table;
}
