import type { Value } from '@arm64kit/core';
import type { Fields } from '../decode/table.js';
import type { LiftContext } from './context.js';
import { type A64Form, form } from './form.js';

/**
 * Data processing (register): logical and add/sub with shifted or extended registers, add/sub with
 * carry, conditional compare and select, one- and two-source operations, multiply(-accumulate).
 */

/** Applies shift type 0 LSL, 1 LSR, 2 ASR, 3 ROR by a constant amount. */
export function shiftBy(c: LiftContext, sf: number, v: Value, type: number, amount: number): Value {
  if (amount === 0) return v;
  const k = c.k(sf, amount);
  switch (type) {
    case 0:
      return c.b.shl(v, k);
    case 1:
      return c.b.shrU(v, k);
    case 2:
      return c.b.shrS(v, k);
    default:
      return c.b.rotr(v, k);
  }
}

/**
 * ExtendReg of the Arm ARM: option 0-3 UXTB/UXTH/UXTW/UXTX, 4-7 SXTB/SXTH/SXTW/SXTX of Rm, then
 * shifted left by `shift` (0-4), at the width sf selects. Register 31 is XZR.
 */
export function extendReg(c: LiftContext, sf: number, m: number, option: number, shift: number): Value {
  const b = c.b;
  const size = option & 3;
  const signed = option >= 4;
  let v: Value;
  if (sf) {
    const x = c.x(m);
    if (size === 3) v = x;
    else if (!signed) v = b.and(x, size === 0 ? 0xffn : size === 1 ? 0xffffn : 0xffffffffn);
    else v = size === 0 ? b.extend8S(x) : size === 1 ? b.extend16S(x) : b.extend32S(x);
  } else {
    const w = c.w(m);
    if (size >= 2) v = w;
    else if (!signed) v = b.and(w, size === 0 ? 0xff : 0xffff);
    else v = size === 0 ? b.extend8S(w) : b.extend16S(w);
  }
  return shift === 0 ? v : b.shl(v, c.k(sf, shift));
}

type LogicOp = 'and' | 'or' | 'xor';

function logicalShifted(op: LogicOp, invert: boolean, setFlags: boolean) {
  return (f: Fields, c: LiftContext) => {
    if (!f.f && f.i >= 32) return false;
    const b = c.b;
    let m = shiftBy(c, f.f, c.r(f.f, f.m), f.s, f.i);
    if (invert) m = b.not(m);
    const result = b.binary(op, c.r(f.f, f.n), m);
    if (setFlags) c.setLogicFlags(result);
    c.setR(f.f, f.d, result);
  };
}

function addSubShifted(sub: boolean, setFlags: boolean) {
  return (f: Fields, c: LiftContext) => {
    if (f.s === 3 || (!f.f && f.i >= 32)) return false;
    const m = shiftBy(c, f.f, c.r(f.f, f.m), f.s, f.i);
    const n = c.r(f.f, f.n);
    c.setR(f.f, f.d, sub ? c.subtract(n, m, setFlags) : c.addWithCarry(n, m, 0, setFlags));
  };
}

function addSubExtended(sub: boolean, setFlags: boolean) {
  return (f: Fields, c: LiftContext) => {
    if (f.i > 4) return false;
    const m = extendReg(c, f.f, f.m, f.o, f.i);
    const n = c.rsp(f.f, f.n);
    const result = sub ? c.subtract(n, m, setFlags) : c.addWithCarry(n, m, 0, setFlags);
    if (setFlags) c.setR(f.f, f.d, result);
    else c.setRSP(f.f, f.d, result);
  };
}

function addSubCarry(sub: boolean, setFlags: boolean) {
  return (f: Fields, c: LiftContext) => {
    let m = c.r(f.f, f.m);
    if (sub) m = c.b.not(m);
    c.setR(f.f, f.d, c.addWithCarry(c.r(f.f, f.n), m, c.carry(), setFlags));
  };
}

/** CCMP/CCMN: if cond holds, flags of Rn -/+ operand; otherwise flags = #nzcv. */
function condCompare(sub: boolean, immediate: boolean) {
  return (f: Fields, c: LiftContext) => {
    const b = c.b;
    const holds = c.cond(f.c);
    const a = c.r(f.f, f.n);
    let m = immediate ? c.k(f.f, f.m) : c.r(f.f, f.m);
    if (sub) m = b.not(m);
    const result = b.add(b.add(a, m), c.k(f.f, sub ? 1 : 0));
    const carry = sub ? b.leU(result, a) : b.ltU(result, a);
    const overflow = c.signBit(b.and(b.xor(a, result), b.xor(m, result)));
    const pick = (computed: Value, bit: number) => b.select(holds, computed, (f.z >> bit) & 1);
    c.setNZCV(pick(c.signBit(result), 3), pick(b.eqz(result), 2), pick(carry, 1), pick(overflow, 0));
  };
}

function condSelect(kind: 'csel' | 'csinc' | 'csinv' | 'csneg') {
  return (f: Fields, c: LiftContext) => {
    const b = c.b;
    const holds = c.cond(f.c);
    const n = c.r(f.f, f.n);
    let m = c.r(f.f, f.m);
    if (kind === 'csinc') m = b.add(m, c.k(f.f, 1));
    else if (kind === 'csinv') m = b.not(m);
    else if (kind === 'csneg') m = b.neg(m);
    c.setR(f.f, f.d, b.select(holds, n, m));
  };
}

/** Variable shifts: the amount is Rm modulo the width, exactly the IR's shift semantics. */
function shiftVariable(op: 'shl' | 'shr_u' | 'shr_s' | 'rotr') {
  return (f: Fields, c: LiftContext) => {
    c.setR(f.f, f.d, c.b.binary(op, c.r(f.f, f.n), c.r(f.f, f.m)));
  };
}

/** UDIV/SDIV: x/0 = 0 and MIN/-1 = MIN, which is what the IR's division does too. */
function divide(signed: boolean) {
  return (f: Fields, c: LiftContext) => {
    c.setR(f.f, f.d, c.b.binary(signed ? 'div_s' : 'div_u', c.r(f.f, f.n), c.r(f.f, f.m)));
  };
}

function reverseBits(c: LiftContext, v: Value, width: 32 | 64): Value {
  // Swap ever larger groups: bits, pairs, nibbles, bytes, halfwords, words.
  const b = c.b;
  const masks64 = [0x5555555555555555n, 0x3333333333333333n, 0x0f0f0f0f0f0f0f0fn];
  let x = v;
  for (let i = 0; i < 3; i++) {
    const s = 1 << i;
    const m = width === 64 ? masks64[i] : masks64[i] & 0xffffffffn;
    const k = width === 64 ? b.const64(m) : b.const32(m);
    x = b.or(b.and(b.shrU(x, BigInt(s)), k), b.shl(b.and(x, k), BigInt(s)));
  }
  return reverseBytes(c, x, width, width);
}

/** Reverses the bytes inside each `container`-bit unit of v. */
function reverseBytes(c: LiftContext, v: Value, width: 32 | 64, container: 16 | 32 | 64): Value {
  const b = c.b;
  const swaps: [number, bigint][] = [
    [8, 0x00ff00ff00ff00ffn],
    [16, 0x0000ffff0000ffffn],
    [32, 0x00000000ffffffffn],
  ];
  let x = v;
  for (const [s, mask] of swaps) {
    if (s >= container) break;
    const m = width === 64 ? b.const64(mask) : b.const32(mask & 0xffffffffn);
    x = b.or(b.and(b.shrU(x, BigInt(s)), m), b.shl(b.and(x, m), BigInt(s)));
  }
  return x;
}

function oneSource(kind: 'rbit' | 'rev16' | 'rev32' | 'rev' | 'clz' | 'cls') {
  return (f: Fields, c: LiftContext) => {
    const b = c.b;
    const width = c.bits(f.f);
    const n = c.r(f.f, f.n);
    let result: Value;
    switch (kind) {
      case 'rbit':
        result = reverseBits(c, n, width);
        break;
      case 'rev16':
        result = reverseBytes(c, n, width, 16);
        break;
      case 'rev32':
        // Encoded as REV for W registers (opc=10): reverse bytes in each word.
        result = reverseBytes(c, n, width, 32);
        break;
      case 'rev':
        if (!f.f) return false;
        result = reverseBytes(c, n, width, 64);
        break;
      case 'clz':
        result = b.clz(n);
        break;
      case 'cls': {
        // Count of the bits below the top one that equal it: clz of (x XOR x<<1 | 1) ... computed as
        // clz(x ^ (x >>s 1)) - 1, since x ^ (x >> 1) has its first 1 where the run of sign copies ends.
        const t = b.xor(n, b.shrS(n, c.k(f.f, 1)));
        result = b.sub(b.clz(t), c.k(f.f, 1));
        break;
      }
    }
    c.setR(f.f, f.d, result);
  };
}

function multiplyAdd(sub: boolean) {
  return (f: Fields, c: LiftContext) => {
    const b = c.b;
    const product = b.mul(c.r(f.f, f.n), c.r(f.f, f.m));
    const acc = c.r(f.f, f.a);
    c.setR(f.f, f.d, sub ? b.sub(acc, product) : b.add(acc, product));
  };
}

/** SMADDL/SMSUBL/UMADDL/UMSUBL: 32×32→64 product added to or subtracted from Xa. */
function multiplyLong(signed: boolean, sub: boolean) {
  return (f: Fields, c: LiftContext) => {
    const b = c.b;
    const ext = (v: Value) => (signed ? b.extendS(v) : b.extendU(v));
    const product = b.mul(ext(c.w(f.n)), ext(c.w(f.m)));
    const acc = c.x(f.a);
    c.setX(f.d, sub ? b.sub(acc, product) : b.add(acc, product));
  };
}

function multiplyHigh(signed: boolean) {
  return (f: Fields, c: LiftContext) => {
    c.setX(f.d, c.b.binary(signed ? 'mulh_s' : 'mulh_u', c.x(f.n), c.x(f.m)));
  };
}

export const dataProcessingRegForms: readonly A64Form[] = [
  form('AND_shift', 'f 00 01010 ss 0 mmmmm iiiiii nnnnn ddddd', logicalShifted('and', false, false)),
  form('BIC_shift', 'f 00 01010 ss 1 mmmmm iiiiii nnnnn ddddd', logicalShifted('and', true, false)),
  form('ORR_shift', 'f 01 01010 ss 0 mmmmm iiiiii nnnnn ddddd', logicalShifted('or', false, false)),
  form('ORN_shift', 'f 01 01010 ss 1 mmmmm iiiiii nnnnn ddddd', logicalShifted('or', true, false)),
  form('EOR_shift', 'f 10 01010 ss 0 mmmmm iiiiii nnnnn ddddd', logicalShifted('xor', false, false)),
  form('EON_shift', 'f 10 01010 ss 1 mmmmm iiiiii nnnnn ddddd', logicalShifted('xor', true, false)),
  form('ANDS_shift', 'f 11 01010 ss 0 mmmmm iiiiii nnnnn ddddd', logicalShifted('and', false, true)),
  form('BICS_shift', 'f 11 01010 ss 1 mmmmm iiiiii nnnnn ddddd', logicalShifted('and', true, true)),
  form('ADD_shift', 'f 0 0 01011 ss 0 mmmmm iiiiii nnnnn ddddd', addSubShifted(false, false)),
  form('ADDS_shift', 'f 0 1 01011 ss 0 mmmmm iiiiii nnnnn ddddd', addSubShifted(false, true)),
  form('SUB_shift', 'f 1 0 01011 ss 0 mmmmm iiiiii nnnnn ddddd', addSubShifted(true, false)),
  form('SUBS_shift', 'f 1 1 01011 ss 0 mmmmm iiiiii nnnnn ddddd', addSubShifted(true, true)),
  form('ADD_ext', 'f 0 0 01011 00 1 mmmmm ooo iii nnnnn ddddd', addSubExtended(false, false)),
  form('ADDS_ext', 'f 0 1 01011 00 1 mmmmm ooo iii nnnnn ddddd', addSubExtended(false, true)),
  form('SUB_ext', 'f 1 0 01011 00 1 mmmmm ooo iii nnnnn ddddd', addSubExtended(true, false)),
  form('SUBS_ext', 'f 1 1 01011 00 1 mmmmm ooo iii nnnnn ddddd', addSubExtended(true, true)),
  form('ADC', 'f 0 0 11010000 mmmmm 000000 nnnnn ddddd', addSubCarry(false, false)),
  form('ADCS', 'f 0 1 11010000 mmmmm 000000 nnnnn ddddd', addSubCarry(false, true)),
  form('SBC', 'f 1 0 11010000 mmmmm 000000 nnnnn ddddd', addSubCarry(true, false)),
  form('SBCS', 'f 1 1 11010000 mmmmm 000000 nnnnn ddddd', addSubCarry(true, true)),
  form('CCMN_reg', 'f 0 1 11010010 mmmmm cccc 0 0 nnnnn 0 zzzz', condCompare(false, false)),
  form('CCMP_reg', 'f 1 1 11010010 mmmmm cccc 0 0 nnnnn 0 zzzz', condCompare(true, false)),
  form('CCMN_imm', 'f 0 1 11010010 mmmmm cccc 1 0 nnnnn 0 zzzz', condCompare(false, true)),
  form('CCMP_imm', 'f 1 1 11010010 mmmmm cccc 1 0 nnnnn 0 zzzz', condCompare(true, true)),
  form('CSEL', 'f 0 0 11010100 mmmmm cccc 0 0 nnnnn ddddd', condSelect('csel')),
  form('CSINC', 'f 0 0 11010100 mmmmm cccc 0 1 nnnnn ddddd', condSelect('csinc')),
  form('CSINV', 'f 1 0 11010100 mmmmm cccc 0 0 nnnnn ddddd', condSelect('csinv')),
  form('CSNEG', 'f 1 0 11010100 mmmmm cccc 0 1 nnnnn ddddd', condSelect('csneg')),
  form('UDIV', 'f 0 0 11010110 mmmmm 000010 nnnnn ddddd', divide(false)),
  form('SDIV', 'f 0 0 11010110 mmmmm 000011 nnnnn ddddd', divide(true)),
  form('LSLV', 'f 0 0 11010110 mmmmm 001000 nnnnn ddddd', shiftVariable('shl')),
  form('LSRV', 'f 0 0 11010110 mmmmm 001001 nnnnn ddddd', shiftVariable('shr_u')),
  form('ASRV', 'f 0 0 11010110 mmmmm 001010 nnnnn ddddd', shiftVariable('shr_s')),
  form('RORV', 'f 0 0 11010110 mmmmm 001011 nnnnn ddddd', shiftVariable('rotr')),
  form('RBIT', 'f 1 0 11010110 00000 000000 nnnnn ddddd', oneSource('rbit')),
  form('REV16', 'f 1 0 11010110 00000 000001 nnnnn ddddd', oneSource('rev16')),
  form('REV32', 'f 1 0 11010110 00000 000010 nnnnn ddddd', oneSource('rev32')),
  form('REV', 'f 1 0 11010110 00000 000011 nnnnn ddddd', oneSource('rev')),
  form('CLZ', 'f 1 0 11010110 00000 000100 nnnnn ddddd', oneSource('clz')),
  form('CLS', 'f 1 0 11010110 00000 000101 nnnnn ddddd', oneSource('cls')),
  form('MADD', 'f 00 11011 000 mmmmm 0 aaaaa nnnnn ddddd', multiplyAdd(false)),
  form('MSUB', 'f 00 11011 000 mmmmm 1 aaaaa nnnnn ddddd', multiplyAdd(true)),
  form('SMADDL', '1 00 11011 001 mmmmm 0 aaaaa nnnnn ddddd', multiplyLong(true, false)),
  form('SMSUBL', '1 00 11011 001 mmmmm 1 aaaaa nnnnn ddddd', multiplyLong(true, true)),
  form('SMULH', '1 00 11011 010 mmmmm 0 ----- nnnnn ddddd', multiplyHigh(true)),
  form('UMADDL', '1 00 11011 101 mmmmm 0 aaaaa nnnnn ddddd', multiplyLong(false, false)),
  form('UMSUBL', '1 00 11011 101 mmmmm 1 aaaaa nnnnn ddddd', multiplyLong(false, true)),
  form('UMULH', '1 00 11011 110 mmmmm 0 ----- nnnnn ddddd', multiplyHigh(false)),
];
