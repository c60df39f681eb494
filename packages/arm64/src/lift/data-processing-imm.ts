import type { Value } from '@arm64kit/core';
import type { Fields } from '../decode/table.js';
import { decodeBitMasks } from './bitmask.js';
import type { LiftContext } from './context.js';
import { type A64Form, form } from './form.js';

/** Data processing (immediate): PC-relative addressing, add/sub, logical, move wide, bitfield, extract. */

const MASK64 = (1n << 64n) - 1n;

function adr(f: Fields, c: LiftContext, page: boolean): void {
  // imm = immhi:immlo, signed 21 bits.
  const imm = BigInt.asIntN(21, BigInt((f.j << 2) | f.i));
  const value = page ? (c.pc & ~0xfffn) + (imm << 12n) : c.pc + imm;
  c.setX(f.d, c.b.const64(BigInt.asUintN(64, value)));
}

function addSubImm(sub: boolean, setFlags: boolean) {
  return (f: Fields, c: LiftContext) => {
    const imm = BigInt(f.i) << (f.h ? 12n : 0n);
    const a = c.rsp(f.f, f.n);
    const k = c.k(f.f, imm);
    const result = sub ? c.subtract(a, k, setFlags) : c.addWithCarry(a, k, 0, setFlags);
    if (setFlags) c.setR(f.f, f.d, result);
    else c.setRSP(f.f, f.d, result);
  };
}

type LogicOp = 'and' | 'or' | 'xor';

function logicalImm(op: LogicOp, setFlags: boolean) {
  return (f: Fields, c: LiftContext) => {
    if (!f.f && f.N) return false;
    const masks = decodeBitMasks(f.N, f.s, f.r, true, c.bits(f.f));
    if (!masks) return false;
    const a = c.r(f.f, f.n);
    const result = c.b.binary(op, a, c.k(f.f, masks.wmask));
    if (setFlags) {
      c.setLogicFlags(result);
      c.setR(f.f, f.d, result);
    } else {
      c.setRSP(f.f, f.d, result);
    }
  };
}

function moveWide(kind: 'movn' | 'movz' | 'movk') {
  return (f: Fields, c: LiftContext) => {
    if (!f.f && f.h >= 2) return false;
    const shift = BigInt(f.h * 16);
    const imm = BigInt(f.i) << shift;
    const width = c.bits(f.f);
    if (kind === 'movz') c.setR(f.f, f.d, c.k(f.f, imm));
    else if (kind === 'movn') c.setR(f.f, f.d, c.k(f.f, ~imm & ((1n << BigInt(width)) - 1n)));
    else {
      const keep = ~(0xffffn << shift) & MASK64;
      c.setR(f.f, f.d, c.b.or(c.b.and(c.r(f.f, f.d), c.k(f.f, keep)), c.k(f.f, imm)));
    }
  };
}

/**
 * SBFM/BFM/UBFM. Every (immr, imms) pair is one of two shapes, which is how the aliases arise:
 * imms >= immr extracts bits imms:immr to the bottom (SBFX/UBFX/BFXIL, and ASR/LSR when imms is the
 * top bit); imms < immr inserts the low imms+1 bits at bit width-immr (SBFIZ/UBFIZ/BFI, and LSL).
 * Lifting the shape directly gives shifts and masks instead of the rotate-and-mask of the
 * architectural pseudocode, with the same result.
 */
function bitfield(kind: 'sbfm' | 'bfm' | 'ubfm') {
  return (f: Fields, c: LiftContext) => {
    if (f.N !== f.f) return false;
    const width = c.bits(f.f);
    if (width === 32 && (f.r >= 32 || f.s >= 32)) return false;
    const b = c.b;
    const k = (v: bigint | number) => c.k(f.f, v);
    const ones = (n: number) => (1n << BigInt(n)) - 1n;
    const src = c.r(f.f, f.n);
    const extract = f.s >= f.r;
    // Field length and the bit it starts at in the result.
    const len = extract ? f.s - f.r + 1 : f.s + 1;
    const lsb = extract ? 0 : width - f.r;
    let result: Value;
    if (kind === 'ubfm') {
      if (extract) {
        const shifted = f.r === 0 ? src : b.shrU(src, k(f.r));
        result = f.s === width - 1 ? shifted : b.and(shifted, k(ones(len)));
      } else {
        const low = len === width ? src : b.and(src, k(ones(len)));
        result = b.shl(low, k(lsb));
      }
    } else if (kind === 'sbfm') {
      // Move the field's top bit to the sign position, then shift back arithmetically.
      const up = width - 1 - f.s;
      const raised = up === 0 ? src : b.shl(src, k(up));
      if (extract) {
        const down = up + f.r;
        result = down === 0 ? raised : b.shrS(raised, k(down));
      } else {
        const sext = up === 0 ? raised : b.shrS(raised, k(up));
        result = b.shl(sext, k(lsb));
      }
    } else {
      const field = ones(len) << BigInt(lsb);
      const bits = extract
        ? b.and(f.r === 0 ? src : b.shrU(src, k(f.r)), k(ones(len)))
        : b.shl(b.and(src, k(ones(len))), k(lsb));
      result = b.or(b.and(c.r(f.f, f.d), k(~field)), bits);
    }
    c.setR(f.f, f.d, result);
  };
}

function extr(f: Fields, c: LiftContext) {
  if (f.N !== f.f) return false;
  const width = c.bits(f.f);
  if (f.s >= width) return false;
  const b = c.b;
  const lo = c.r(f.f, f.m);
  if (f.s === 0) {
    c.setR(f.f, f.d, lo);
    return;
  }
  const hi = c.r(f.f, f.n);
  const result = b.or(b.shrU(lo, c.k(f.f, f.s)), b.shl(hi, c.k(f.f, width - f.s)));
  c.setR(f.f, f.d, result);
}

export const dataProcessingImmForms: readonly A64Form[] = [
  form('ADR', '0 ii 10000 jjjjjjjjjjjjjjjjjjj ddddd', (f, c) => adr(f, c, false)),
  form('ADRP', '1 ii 10000 jjjjjjjjjjjjjjjjjjj ddddd', (f, c) => adr(f, c, true)),
  form('ADD_imm', 'f 0 0 100010 h iiiiiiiiiiii nnnnn ddddd', addSubImm(false, false)),
  form('ADDS_imm', 'f 0 1 100010 h iiiiiiiiiiii nnnnn ddddd', addSubImm(false, true)),
  form('SUB_imm', 'f 1 0 100010 h iiiiiiiiiiii nnnnn ddddd', addSubImm(true, false)),
  form('SUBS_imm', 'f 1 1 100010 h iiiiiiiiiiii nnnnn ddddd', addSubImm(true, true)),
  form('AND_imm', 'f 00 100100 N rrrrrr ssssss nnnnn ddddd', logicalImm('and', false)),
  form('ORR_imm', 'f 01 100100 N rrrrrr ssssss nnnnn ddddd', logicalImm('or', false)),
  form('EOR_imm', 'f 10 100100 N rrrrrr ssssss nnnnn ddddd', logicalImm('xor', false)),
  form('ANDS_imm', 'f 11 100100 N rrrrrr ssssss nnnnn ddddd', logicalImm('and', true)),
  form('MOVN', 'f 00 100101 hh iiiiiiiiiiiiiiii ddddd', moveWide('movn')),
  form('MOVZ', 'f 10 100101 hh iiiiiiiiiiiiiiii ddddd', moveWide('movz')),
  form('MOVK', 'f 11 100101 hh iiiiiiiiiiiiiiii ddddd', moveWide('movk')),
  form('SBFM', 'f 00 100110 N rrrrrr ssssss nnnnn ddddd', bitfield('sbfm')),
  form('BFM', 'f 01 100110 N rrrrrr ssssss nnnnn ddddd', bitfield('bfm')),
  form('UBFM', 'f 10 100110 N rrrrrr ssssss nnnnn ddddd', bitfield('ubfm')),
  form('EXTR', 'f 00 100111 N 0 mmmmm ssssss nnnnn ddddd', extr),
];
