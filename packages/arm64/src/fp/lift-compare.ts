import type { Cpu } from '@arm64kit/core';
import type { Fields } from '../decode/table.js';
import type { LiftContext } from '../lift/context.js';
import { type A64Form, form } from '../lift/form.js';
import { envOf, laneIndex } from './cpu-env.js';
import { laneOps } from './lane-ops.js';
import { sizeOfType } from './lift-arith.js';
import { FP32 } from './scalar32.js';
import { emitFp64, FP64 } from './scalar64.js';

/**
 * FCMP/FCMPE (register and #0.0), FCCMP/FCCMPE and FCSEL, in half, single and double precision.
 * Single- and double-precision FCMP/FCMPE are core's `float` operation; the other comparisons run in a helper (they
 * may raise Invalid Operation) that returns NZCV in bits 31:28; selection is plain IR.
 */

function liftFcmp(f: Fields, c: LiftContext): boolean {
  const size = sizeOfType(f.t);
  if (size === undefined) return false;
  const signal = f.e === 1;
  if (size !== 16) {
    const ops = size === 64 ? FP64 : FP32;
    const m = f.z ? c.b.const64(0n) : c.vlo(f.m);
    c.unpackNZCV(emitFp64(c.b, signal ? ops.cmpe : ops.cmp, [c.vlo(f.n), m]));
    return true;
  }
  const n = laneIndex(size, f.n);
  const m = f.z ? -1 : laneIndex(size, f.m);
  const cmp = laneOps(size).compare;
  const nzcv = c.b.callHelper((cpu: Cpu) => cmp(cpu, envOf(cpu), n, m, signal) | 0, [], 'i32');
  c.unpackNZCV(c.b.extendU(nzcv));
  return true;
}

function liftFccmp(f: Fields, c: LiftContext): boolean {
  const size = sizeOfType(f.t);
  if (size === undefined) return false;
  const n = laneIndex(size, f.n);
  const m = laneIndex(size, f.m);
  const signal = f.e === 1;
  const otherwise = (f.v << 28) | 0;
  const cmp = laneOps(size).compare;
  const holds = c.cond(f.c);
  const nzcv = c.b.callHelper(
    (cpu: Cpu, condition: number) => (condition ? cmp(cpu, envOf(cpu), n, m, signal) | 0 : otherwise),
    [holds],
    'i32',
  );
  c.unpackNZCV(c.b.extendU(nzcv));
  return true;
}

function liftFcsel(f: Fields, c: LiftContext): boolean {
  const size = sizeOfType(f.t);
  if (size === undefined) return false;
  const b = c.b;
  let v = b.select(c.cond(f.c), c.vlo(f.n), c.vlo(f.m));
  if (size !== 64) v = b.and(v, (1n << BigInt(size)) - 1n);
  c.setV(f.d, v, 0n);
  return true;
}

export const fpCompareForms: readonly A64Form[] = [
  form('FCMP', '000 11110 tt 1 mmmmm 001000 nnnnn ez 000', liftFcmp),
  form('FCCMP', '000 11110 tt 1 mmmmm cccc 01 nnnnn e vvvv', liftFccmp),
  form('FCSEL', '000 11110 tt 1 mmmmm cccc 11 nnnnn ddddd', liftFcsel),
];
