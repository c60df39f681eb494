import type { Cpu, VectorBinaryKind, VectorLane, VectorOp, VectorUnaryKind } from '@arm64kit/core';
import type { LiftContext } from '../lift/context.js';
import { vLo } from '../state.js';
import { type ElemOp, OPS } from './elementwise.js';

/**
 * The AdvSIMD integer operations core's IR can name as whole-register vector operations (see
 * core's ir/vector.ts): their helpers stay the exact definition, and a backend with vector
 * instructions runs them natively.
 */
const BINARY = new Map<ElemOp, VectorBinaryKind>([
  [OPS.add, 'add'],
  [OPS.sub, 'sub'],
  [OPS.mul, 'mul'],
  [OPS.cmeq, 'eq'],
  [OPS.cmtst, 'test'],
  [OPS.cmgt, 'gt_s'],
  [OPS.cmge, 'ge_s'],
  [OPS.cmhi, 'gt_u'],
  [OPS.cmhs, 'ge_u'],
  [OPS.smax, 'max_s'],
  [OPS.umax, 'max_u'],
  [OPS.smin, 'min_s'],
  [OPS.umin, 'min_u'],
]);

/** Two-register-misc names (two-misc.ts) with a vector form. */
const UNARY = new Map<string, VectorUnaryKind>([
  ['cmeq0', 'eqz'],
  ['cmgt0', 'gtz'],
  ['cmge0', 'gez'],
  ['cmle0', 'lez'],
  ['cmlt0', 'ltz'],
  ['abs', 'abs'],
  ['neg', 'neg'],
]);

type Helper = (cpu: Cpu) => void;

/**
 * Calls `helper`, which does `op` lane by lane on Vn and Vm into Vd (pairwise: on adjacent pairs),
 * `full` for a 128-bit arrangement; names it as a vector operation when core has one for `op`.
 */
export function binaryVectorHelper(
  c: LiftContext,
  helper: Helper,
  op: ElemOp,
  shape: { lane: number; full: boolean; pairwise?: boolean },
  regs: { d: number; n: number; m: number },
): void {
  const kind = BINARY.get(op);
  if (kind === undefined) {
    c.b.callHelper(helper);
    return;
  }
  const vector: VectorOp = {
    kind,
    lane: shape.lane as VectorLane,
    full: shape.full,
    ...(shape.pairwise ? { pairwise: true } : {}),
    d: vLo(regs.d),
    n: vLo(regs.n),
    m: vLo(regs.m),
  };
  c.b.vectorHelper(helper, vector);
}

/** The same for a two-register-misc operation named `name` (CNT is 'cnt'). */
export function unaryVectorHelper(
  c: LiftContext,
  helper: Helper,
  name: string,
  shape: { lane: number; full: boolean },
  regs: { d: number; n: number },
): void {
  const kind = name === 'cnt' ? 'popcnt' : UNARY.get(name);
  if (kind === undefined) {
    c.b.callHelper(helper);
    return;
  }
  c.b.vectorHelper(helper, {
    kind,
    lane: shape.lane as VectorLane,
    full: shape.full,
    d: vLo(regs.d),
    n: vLo(regs.n),
  });
}
