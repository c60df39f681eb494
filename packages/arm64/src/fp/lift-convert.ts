import type { Cpu } from '@arm64kit/core';
import type { Fields } from '../decode/table.js';
import type { LiftContext } from '../lift/context.js';
import { type A64Form, form } from '../lift/form.js';
import { Rounding } from './control.js';
import { fpToInt, intToFP } from './convert.js';
import { clearing, envOf, laneIndex } from './cpu-env.js';
import type { LaneSize } from './lane-ops.js';
import { sizeOfType } from './lift-arith.js';
import { FP32 } from './scalar32.js';
import { emitFp64, FP64 } from './scalar64.js';

/**
 * Conversions between FP and integer registers: FCVT[NPMZA][SU] to W/X, SCVTF/UCVTF from W/X,
 * and the fixed-point forms (FCVTZ[SU], [SU]CVTF with #fbits), half, single and double precision. Register 31 is WZR/XZR here.
 */

const BY_RMODE = [Rounding.TiesEven, Rounding.PosInf, Rounding.NegInf, Rounding.Zero];

function liftToInt(
  c: LiftContext,
  sf: number,
  size: LaneSize,
  rd: number,
  rn: number,
  unsigned: boolean,
  rounding: Rounding,
  fbits: number,
): void {
  const width = sf ? 64 : 32;
  if (size !== 16 && rounding === Rounding.Zero && fbits === 0) {
    // FCVTZS/FCVTZU Xd|Wd, Dn|Sn: the result is zero-extended, as a W write needs. A result for
    // XZR is still computed: it may raise flags.
    const ops = size === 64 ? FP64 : FP32;
    const fn = unsigned ? (sf ? ops.toU64 : ops.toU32) : sf ? ops.toS64 : ops.toS32;
    c.setX(rd, emitFp64(c.b, fn, [c.vlo(rn)]));
    return;
  }
  const n = laneIndex(size, rn);
  c.b.callHelper((cpu: Cpu) => {
    // A result for XZR is computed (it may raise flags) into core's scratch slot and dropped.
    fpToInt(cpu, envOf(cpu), rd === 31 ? cpu.scratch : rd, width, size, n, unsigned, rounding, fbits);
  });
}

function liftFromInt(
  c: LiftContext,
  sf: number,
  size: LaneSize,
  rd: number,
  rn: number,
  unsigned: boolean,
  fbits: number,
): void {
  const width = sf ? 64 : 32;
  if (size !== 16 && fbits === 0) {
    // SCVTF/UCVTF Dd|Sd, Xn|Wn: a W source is widened first (exactly), then converted as 64
    // bits; a single result is zero-extended, as an S write needs.
    const b = c.b;
    const ops = size === 64 ? FP64 : FP32;
    const src = sf ? c.x(rn) : unsigned ? b.extendU(c.w(rn)) : b.extendS(c.w(rn));
    c.setV(rd, emitFp64(b, unsigned ? ops.fromU64 : ops.fromS64, [src]), 0n);
    return;
  }
  const d = laneIndex(size, rd);
  const clear = clearing(size, rd);
  c.b.callHelper((cpu: Cpu) => {
    let src = rn;
    if (rn === 31) {
      src = cpu.scratch;
      cpu.regs[src] = 0n;
    }
    intToFP(cpu, envOf(cpu), size, d, width === 64 ? src : 2 * src, width, unsigned, fbits);
    clear(cpu);
  });
}

function liftIntConvert(f: Fields, c: LiftContext): boolean {
  const size = sizeOfType(f.t);
  if (size === undefined) return false;
  const unsigned = (f.o & 1) === 1;
  if (f.o <= 1) {
    liftToInt(c, f.f, size, f.d, f.n, unsigned, BY_RMODE[f.r], 0);
    return true;
  }
  if (f.r !== 0) return false;
  if (f.o <= 3) {
    liftFromInt(c, f.f, size, f.d, f.n, unsigned, 0);
    return true;
  }
  if (f.o <= 5) {
    liftToInt(c, f.f, size, f.d, f.n, unsigned, Rounding.TiesAway, 0);
    return true;
  }
  return false;
}

function liftFixedConvert(f: Fields, c: LiftContext): boolean {
  const size = sizeOfType(f.t);
  if (size === undefined) return false;
  if (f.f === 0 && f.s < 32) return false; // fbits > 32 for a W register is unallocated
  const fbits = 64 - f.s;
  const unsigned = (f.o & 1) === 1;
  if (f.r === 3 && f.o <= 1) {
    liftToInt(c, f.f, size, f.d, f.n, unsigned, Rounding.Zero, fbits);
    return true;
  }
  if (f.r === 0 && (f.o === 2 || f.o === 3)) {
    liftFromInt(c, f.f, size, f.d, f.n, unsigned, fbits);
    return true;
  }
  return false;
}

export const fpConvertForms: readonly A64Form[] = [
  // FMOV (rmode 0x, opcode 11x) is carved out of this encoding space in lift-move.ts
  form('FP_int_convert', 'f 00 11110 tt 1 rr ooo 000000 nnnnn ddddd', liftIntConvert),
  form('FP_fixed_convert', 'f 00 11110 tt 0 rr ooo ssssss nnnnn ddddd', liftFixedConvert),
];
