import type { Fields } from '../decode/table.js';
import type { LiftContext } from '../lift/context.js';
import { type A64Form, form } from '../lift/form.js';
import { type LaneFn, laneLoop, saturate, signed } from './lane-loop.js';

/**
 * Saturating, rounding and doubling integer forms (Armv8.0 AdvSIMD), vector and scalar:
 * SQSHL UQSHL SRSHL URSHL SQRSHL UQRSHL (by register), SQDMULH SQRDMULH, SQABS SQNEG SUQADD
 * USQADD, saturating shifts by immediate (SQSHL UQSHL SQSHLU and the narrowing SQSHRN SQRSHRN
 * UQSHRN UQRSHRN SQSHRUN SQRSHRUN), SQXTN UQXTN SQXTUN (scalar), PMUL. Every element is computed
 * at full precision and clamped once, as the Arm ARM's SignedSatQ/UnsignedSatQ do.
 */

/** Shift by the signed low byte of b (right when negative), optionally rounding and saturating. */
function shiftByRegister(esize: number, isSigned: boolean, round: boolean, sat: boolean): LaneFn {
  return (a, b) => {
    const x = isSigned ? signed(a, esize) : a;
    const sh = Number(signed(b & 0xffn, 8));
    let r: bigint;
    if (sh >= 0) r = x << BigInt(sh);
    else r = (x + (round ? 1n << BigInt(-sh - 1) : 0n)) >> BigInt(-sh);
    return sat ? saturate(r, esize, isSigned) : r;
  };
}

/** SQDMULH / SQRDMULH: the high half of 2ab (rounded), saturated. */
export function doublingHigh(esize: number, round: boolean): LaneFn {
  const e = BigInt(esize);
  const rc = round ? 1n << (e - 1n) : 0n;
  return (a, b) => saturate((2n * signed(a, esize) * signed(b, esize) + rc) >> e, esize, true);
}

function vectorShape(f: Fields, esize: number, scalar: boolean) {
  return {
    d: f.d,
    n: f.n,
    m: f.m,
    count: scalar ? 1 : (f.q ? 128 : 64) / esize,
    src: esize,
    dst: esize,
    full: !scalar && f.q === 1,
  };
}

/** A same-width operation on every lane (or the single scalar element) of Vn and Vm. */
function sameWidth(
  f: Fields,
  c: LiftContext,
  scalar: boolean,
  allowed: (esize: number) => boolean,
  make: (esize: number) => LaneFn,
): boolean {
  const esize = 8 << f.z;
  if (!allowed(esize)) return false;
  if (!scalar && esize === 64 && f.q === 0) return false;
  c.b.callHelper(laneLoop(vectorShape(f, esize, scalar), make(esize)));
  return true;
}

/** SQRDMLAH / SQRDMLSH (FEAT_RDM): Vd + (or -) the rounded high half of 2ab, saturated once. */
export function roundingDoublingAccumulate(esize: number, subtract: boolean): LaneFn {
  const e = BigInt(esize);
  const rc = 1n << (e - 1n);
  return (a, b, old) => {
    const p = 2n * signed(a, esize) * signed(b, esize);
    return saturate(((signed(old, esize) << e) + (subtract ? -p : p) + rc) >> e, esize, true);
  };
}

const any = () => true;
const only64 = (e: number) => e === 64;
const halfOrWord = (e: number) => e === 16 || e === 32;

function shiftRegisterForm(name: string, opcode: string, round: boolean, sat: boolean): A64Form[] {
  const lift = (scalar: boolean) => (f: Fields, c: LiftContext) =>
    sameWidth(f, c, scalar, scalar && !sat ? only64 : any, (e) => shiftByRegister(e, f.u === 0, round, sat));
  return [
    form(name, `0 q u 01110 zz 1 mmmmm ${opcode} 1 nnnnn ddddd`, lift(false), ['SIMD_three_same']),
    form(`${name}_scalar`, `01 u 11110 zz 1 mmmmm ${opcode} 1 nnnnn ddddd`, lift(true), [
      'SIMD_scalar_three_same',
    ]),
  ];
}

/** SQABS/SQNEG (U0/U1 00111) and SUQADD/USQADD (U0/U1 00011). */
function unarySaturating(kind: 'abs' | 'accumulate') {
  return (scalar: boolean) =>
    (f: Fields, c: LiftContext): boolean =>
      sameWidth(f, c, scalar, any, (e) => {
        if (kind === 'abs') {
          const neg = f.u === 1;
          return (a) => {
            const x = signed(a, e);
            return saturate(neg || x < 0n ? -x : x, e, true);
          };
        }
        // SUQADD: signed Vd + unsigned Vn into a signed result; USQADD: unsigned Vd + signed Vn.
        return f.u === 0
          ? (a, _b, old) => saturate(signed(old, e) + a, e, true)
          : (a, _b, old) => saturate(old + signed(a, e), e, false);
      });
}

/** Saturating shift left by immediate: SQSHL (U0 01110), UQSHL (U1 01110), SQSHLU (U1 01100). */
function liftShiftLeftSaturating(
  f: Fields,
  c: LiftContext,
  scalar: boolean,
  toUnsignedFromSigned: boolean,
): boolean {
  if (f.h === 0) return false;
  const esize = 8 << (31 - Math.clz32(f.h));
  if (!scalar && esize === 64 && f.q === 0) return false;
  const shift = BigInt(((f.h << 3) | f.i) - esize);
  const srcSigned = toUnsignedFromSigned || f.u === 0;
  const dstSigned = !toUnsignedFromSigned && f.u === 0;
  c.b.callHelper(
    laneLoop(vectorShape(f, esize, scalar), (a) =>
      saturate((srcSigned ? signed(a, esize) : a) << shift, esize, dstSigned),
    ),
  );
  return true;
}

/**
 * Saturating shift right narrow: SQSHRN/SQRSHRN (U0 1001r), UQSHRN/UQRSHRN (U1 1001r),
 * SQSHRUN/SQRSHRUN (U1 1000r). Vector forms write the lower half (or, with Q, the upper half).
 */
function liftShiftRightNarrow(
  f: Fields,
  c: LiftContext,
  scalar: boolean,
  unsignedFromSigned: boolean,
): boolean {
  if (f.h === 0 || f.h & 8) return false;
  const esize = 8 << (31 - Math.clz32(f.h));
  const shift = 2 * esize - ((f.h << 3) | f.i);
  const round = (f.o & 1) === 1;
  const srcSigned = unsignedFromSigned || f.u === 0;
  const dstSigned = !unsignedFromSigned && f.u === 0;
  const rc = round ? 1n << BigInt(shift - 1) : 0n;
  const count = scalar ? 1 : 64 / esize;
  const upper = !scalar && f.q === 1;
  c.b.callHelper(
    laneLoop(
      {
        d: f.d,
        n: f.n,
        m: f.n,
        count,
        src: 2 * esize,
        dst: esize,
        dstOffset: upper ? count : 0,
        keepD: upper,
        full: !scalar,
      },
      (a) => saturate(((srcSigned ? signed(a, 2 * esize) : a) + rc) >> BigInt(shift), esize, dstSigned),
    ),
  );
  return true;
}

/** Scalar SQXTN/UQXTN (10100) and SQXTUN (U1 10010): one element of twice the width, saturated. */
function liftScalarNarrow(f: Fields, c: LiftContext, unsignedFromSigned: boolean): boolean {
  if (f.z === 3) return false;
  const esize = 8 << f.z;
  const srcSigned = unsignedFromSigned || f.u === 0;
  const dstSigned = !unsignedFromSigned && f.u === 0;
  c.b.callHelper(
    laneLoop({ d: f.d, n: f.n, m: f.n, count: 1, src: 2 * esize, dst: esize, full: false }, (a) =>
      saturate(srcSigned ? signed(a, 2 * esize) : a, esize, dstSigned),
    ),
  );
  return true;
}

/** PMUL: polynomial (carry-less) multiply of bytes, keeping the low 8 bits. */
function liftPmul(f: Fields, c: LiftContext): boolean {
  if (f.z !== 0) return false;
  c.b.callHelper(laneLoop(vectorShape(f, 8, false), (a, b) => carrylessMultiply(a, b, 8)));
  return true;
}

/** Carry-less product of two `bits`-bit values (2*bits - 1 bits wide). */
export function carrylessMultiply(a: bigint, b: bigint, bits: number): bigint {
  let r = 0n;
  for (let i = 0; i < bits; i++) if ((b >> BigInt(i)) & 1n) r ^= a << BigInt(i);
  return r;
}

const abs = unarySaturating('abs');
const accumulate = unarySaturating('accumulate');

export const saturatingForms: readonly A64Form[] = [
  ...shiftRegisterForm('SQSHL_UQSHL_reg', '01001', false, true),
  ...shiftRegisterForm('SRSHL_URSHL', '01010', true, false),
  ...shiftRegisterForm('SQRSHL_UQRSHL', '01011', true, true),
  form(
    'SQDMULH_SQRDMULH',
    '0 q u 01110 zz 1 mmmmm 10110 1 nnnnn ddddd',
    (f, c) => sameWidth(f, c, false, halfOrWord, (e) => doublingHigh(e, f.u === 1)),
    ['SIMD_three_same'],
  ),
  form(
    'SQDMULH_SQRDMULH_scalar',
    '01 u 11110 zz 1 mmmmm 10110 1 nnnnn ddddd',
    (f, c) => sameWidth(f, c, true, halfOrWord, (e) => doublingHigh(e, f.u === 1)),
    ['SIMD_scalar_three_same'],
  ),
  form('SQRDMLAH_SQRDMLSH', '0 q 1 01110 zz 0 mmmmm 1000 o 1 nnnnn ddddd', (f, c) =>
    sameWidth(f, c, false, halfOrWord, (e) => roundingDoublingAccumulate(e, f.o === 1)),
  ),
  form('SQRDMLAH_SQRDMLSH_scalar', '01 1 11110 zz 0 mmmmm 1000 o 1 nnnnn ddddd', (f, c) =>
    sameWidth(f, c, true, halfOrWord, (e) => roundingDoublingAccumulate(e, f.o === 1)),
  ),
  form('PMUL', '0 q 1 01110 zz 1 mmmmm 10011 1 nnnnn ddddd', liftPmul, ['SIMD_three_same']),
  form('SQABS_SQNEG', '0 q u 01110 zz 10000 00111 10 nnnnn ddddd', abs(false), ['SIMD_two_misc']),
  form('SQABS_SQNEG_scalar', '01 u 11110 zz 10000 00111 10 nnnnn ddddd', abs(true), ['SIMD_scalar_two_misc']),
  form('SUQADD_USQADD', '0 q u 01110 zz 10000 00011 10 nnnnn ddddd', accumulate(false), ['SIMD_two_misc']),
  form('SUQADD_USQADD_scalar', '01 u 11110 zz 10000 00011 10 nnnnn ddddd', accumulate(true), [
    'SIMD_scalar_two_misc',
  ]),
  form(
    'SQXTN_UQXTN_scalar',
    '01 u 11110 zz 10000 10100 10 nnnnn ddddd',
    (f, c) => liftScalarNarrow(f, c, false),
    ['SIMD_scalar_two_misc'],
  ),
  form('SQXTUN_scalar', '01 1 11110 zz 10000 10010 10 nnnnn ddddd', (f, c) => liftScalarNarrow(f, c, true), [
    'SIMD_scalar_two_misc',
  ]),
  form(
    'SQSHL_UQSHL_imm',
    '0 q u 011110 hhhh iii 01110 1 nnnnn ddddd',
    (f, c) => liftShiftLeftSaturating(f, c, false, false),
    ['SIMD_shift_imm'],
  ),
  form(
    'SQSHL_UQSHL_imm_scalar',
    '01 u 111110 hhhh iii 01110 1 nnnnn ddddd',
    (f, c) => liftShiftLeftSaturating(f, c, true, false),
    ['SIMD_scalar_shift_imm'],
  ),
  form(
    'SQSHLU',
    '0 q 1 011110 hhhh iii 01100 1 nnnnn ddddd',
    (f, c) => liftShiftLeftSaturating(f, c, false, true),
    ['SIMD_shift_imm'],
  ),
  form(
    'SQSHLU_scalar',
    '01 1 111110 hhhh iii 01100 1 nnnnn ddddd',
    (f, c) => liftShiftLeftSaturating(f, c, true, true),
    ['SIMD_scalar_shift_imm'],
  ),
  form(
    'SQSHRN_UQSHRN',
    '0 q u 011110 hhhh iii 1001 o 1 nnnnn ddddd',
    (f, c) => liftShiftRightNarrow(f, c, false, false),
    ['SIMD_shift_imm'],
  ),
  form(
    'SQSHRN_UQSHRN_scalar',
    '01 u 111110 hhhh iii 1001 o 1 nnnnn ddddd',
    (f, c) => liftShiftRightNarrow(f, c, true, false),
    ['SIMD_scalar_shift_imm'],
  ),
  form(
    'SQSHRUN',
    '0 q 1 011110 hhhh iii 1000 o 1 nnnnn ddddd',
    (f, c) => liftShiftRightNarrow(f, c, false, true),
    ['SIMD_shift_imm'],
  ),
  form(
    'SQSHRUN_scalar',
    '01 1 111110 hhhh iii 1000 o 1 nnnnn ddddd',
    (f, c) => liftShiftRightNarrow(f, c, true, true),
    ['SIMD_scalar_shift_imm'],
  ),
];
