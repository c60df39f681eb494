import type { Cpu, VectorLane } from '@arm64kit/core';
import type { Fields } from '../decode/table.js';
import type { LiftContext } from '../lift/context.js';
import { type A64Form, form } from '../lift/form.js';
import { vLo } from '../state.js';
import { sx, sxBig } from './elementwise.js';
import { laneLoop } from './lane-loop.js';
import { A, clearBlock, D, get, getBig, loadV, R, set, setBig, storeV } from './lanes.js';

/**
 * AdvSIMD shift by immediate, vector and scalar: SSHR/USHR, SSRA/USRA, SRSHR/URSHR, SRSRA/URSRA,
 * SRI, SHL, SLI, SHRN/RSHRN (+2), SSHLL/USHLL (+2, and the SXTL/UXTL aliases).
 */

type Kind = 'shr' | 'sra' | 'rshr' | 'rsra' | 'sri' | 'shl' | 'sli' | 'shrn' | 'rshrn' | 'shll';

function kindOf(u: number, opcode: number): Kind | undefined {
  switch (opcode) {
    case 0b00000:
      return 'shr';
    case 0b00010:
      return 'sra';
    case 0b00100:
      return 'rshr';
    case 0b00110:
      return 'rsra';
    case 0b01000:
      return u ? 'sri' : undefined;
    case 0b01010:
      return u ? 'sli' : 'shl';
    case 0b10000:
      return u ? undefined : 'shrn';
    case 0b10001:
      return u ? undefined : 'rshrn';
    case 0b10100:
      return 'shll';
    default:
      return undefined;
  }
}

function highestBit(immh: number): number {
  return 31 - Math.clz32(immh);
}

/** One element: right shift (with rounding) of a value of `e` bits, as a bigint. */
function shiftRightBig(v: bigint, sh: number, round: boolean): bigint {
  const r = round ? v + (1n << BigInt(sh - 1)) : v;
  return r >> BigInt(sh);
}

function makeHelper(
  kind: Kind,
  signed: boolean,
  esize: number,
  elements: number,
  shift: number,
  q: boolean,
  d: number,
  n: number,
) {
  const right = kind === 'shr' || kind === 'sra' || kind === 'rshr' || kind === 'rsra' || kind === 'sri';
  const round = kind === 'rshr' || kind === 'rsra' || kind === 'rshrn';
  const acc = kind === 'sra' || kind === 'rsra';
  const emask = (1n << BigInt(esize)) - 1n;
  return (cpu: Cpu) => {
    loadV(cpu, n, A);
    if (kind === 'shrn' || kind === 'rshrn') {
      // Narrow: elements of 2*esize shifted right, truncated, into the lower (Q=0) or upper half.
      loadV(cpu, d, R);
      if (!q) clearBlock(R);
      const count = 64 / esize;
      for (let i = 0; i < count; i++) {
        let v: number;
        if (esize === 32) v = Number(shiftRightBig(getBig(A, 64, i), shift, round) & 0xffffffffn);
        else {
          const x = get(A, 2 * esize, i);
          v = Math.floor((x + (round ? 2 ** (shift - 1) : 0)) / 2 ** shift);
        }
        set(R, esize, (q ? count : 0) + i, v);
      }
      storeV(cpu, d, R, true);
      return;
    }
    if (kind === 'shll') {
      // Lengthen: elements of esize from the lower (or upper) half, shifted left, to 2*esize.
      const count = 64 / esize;
      for (let i = 0; i < count; i++) {
        const raw = get(A, esize, (q ? count : 0) + i);
        const x = BigInt(signed ? sx(raw, esize) : raw);
        setBig(R, 2 * esize, i, x << BigInt(shift));
      }
      storeV(cpu, d, R, true);
      return;
    }
    if (acc || kind === 'sri' || kind === 'sli') loadV(cpu, d, D);
    clearBlock(R);
    for (let i = 0; i < elements; i++) {
      const raw = getBig(A, esize, i);
      const x = signed ? sxBig(raw, esize) : raw;
      let r: bigint;
      if (kind === 'shl') r = x << BigInt(shift);
      else if (kind === 'sli') {
        const m = (emask << BigInt(shift)) & emask;
        r = (getBig(D, esize, i) & ~m) | ((x << BigInt(shift)) & m);
      } else if (kind === 'sri') {
        const m = shift === esize ? 0n : emask >> BigInt(shift);
        r = (getBig(D, esize, i) & ~m & emask) | ((raw >> BigInt(shift)) & m);
      } else {
        r = shift === esize && !round ? (signed && x < 0n ? -1n : 0n) : shiftRightBig(x, shift, round);
        if (acc) r += getBig(D, esize, i);
      }
      if (right && kind !== 'sri') r = BigInt.asUintN(esize, r);
      setBig(R, esize, i, r);
    }
    storeV(cpu, d, R, q);
  };
}

function liftShift(f: Fields, c: LiftContext, scalar: boolean): boolean {
  if (f.h === 0) return false; // modified immediate space
  const kind = kindOf(f.u, f.o);
  if (!kind) return false;
  const hb = highestBit(f.h);
  const immhb = (f.h << 3) | f.i;
  const narrowOrLong = kind === 'shrn' || kind === 'rshrn' || kind === 'shll';
  if (narrowOrLong && (f.h & 8 || scalar)) return false;
  const esize = 8 << hb;
  if (scalar && esize !== 64) return false;
  if (!scalar && !narrowOrLong && esize === 64 && f.q === 0) return false;
  const left = kind === 'shl' || kind === 'sli' || kind === 'shll';
  // Left shifts encode esize + shift, right shifts 2 * esize - shift (esize: the narrow element).
  const shift = left ? immhb - esize : 2 * esize - immhb;
  const elements = scalar ? 1 : (f.q ? 128 : 64) / esize;
  const q = !scalar && f.q === 1;
  const helper = makeHelper(kind, f.u === 0, esize, elements, shift, q, f.d, f.n);
  const vectorKind = kind === 'shl' ? 'shl' : kind === 'shr' ? (f.u === 0 ? 'shr_s' : 'shr_u') : kind;
  if (vectorKind === 'shl' || vectorKind === 'shr_s' || vectorKind === 'shr_u' || vectorKind === 'shrn') {
    // SHRN2 (q) keeps Vd's low half: Vd is the second source.
    const m = vectorKind === 'shrn' && q ? { m: vLo(f.d) } : {};
    c.b.vectorHelper(helper, {
      kind: vectorKind,
      lane: esize as VectorLane,
      full: q,
      shift,
      d: vLo(f.d),
      n: vLo(f.n),
      ...m,
    });
  } else c.b.callHelper(helper);
  return true;
}

/** SHLL/SHLL2 (two-register misc): each element of the lower/upper half shifted left by its own width. */
function liftShll(f: Fields, c: LiftContext): boolean {
  if (f.z === 3) return false;
  const esize = 8 << f.z;
  const count = 64 / esize;
  const shift = BigInt(esize);
  c.b.callHelper(
    laneLoop(
      { d: f.d, n: f.n, m: f.n, count, src: esize, dst: 2 * esize, srcOffset: f.q ? count : 0, full: true },
      (a) => a << shift,
    ),
  );
  return true;
}

export const shiftForms: readonly A64Form[] = [
  form('SHLL', '0 q 1 01110 zz 10000 10011 10 nnnnn ddddd', liftShll, ['SIMD_two_misc']),
  form('SIMD_shift_imm', '0 q u 011110 hhhh iii ooooo 1 nnnnn ddddd', (f, c) => liftShift(f, c, false)),
  form('SIMD_scalar_shift_imm', '01 u 111110 hhhh iii ooooo 1 nnnnn ddddd', (f, c) => liftShift(f, c, true)),
];
