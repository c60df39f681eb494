import type { AccessSize, Value } from '@arm64kit/core';
import type { Fields } from '../decode/table.js';
import type { LiftContext } from './context.js';
import { extendReg } from './data-processing-reg.js';
import { type A64Form, form } from './form.js';

/**
 * Loads and stores of general and SIMD&FP registers: unsigned offset, unscaled, unprivileged,
 * pre/post-index, register offset, pairs and PC-relative literals. Exclusives and acquire/release
 * live in exclusive.ts. Accesses are little-endian and may be unaligned (as Linux allows for normal
 * memory); a fault ends the guest with SIGSEGV in core.
 */

/** What one load/store form moves. */
interface Transfer {
  /** Mnemonic stem used in form names. */
  readonly name: string;
  /** Bytes moved (16 for Q registers). */
  readonly size: 1 | 2 | 4 | 8 | 16;
  readonly kind: 'load' | 'store' | 'prefetch';
  /** Loads: sign-extend the value. */
  readonly signed?: boolean;
  /** Loads into a general register: 32 writes Wt (zeroing the top half), 64 writes Xt. */
  readonly width?: 32 | 64;
  /** SIMD&FP register (B, H, S, D, Q) instead of a general one. */
  readonly vector?: boolean;
  /** The size and opc fields (bits 31:30 and 23:22) of the register forms. */
  readonly sizeBits: number;
  readonly opc: number;
}

const GPR: readonly Transfer[] = [
  { name: 'STRB', size: 1, kind: 'store', sizeBits: 0, opc: 0 },
  { name: 'LDRB', size: 1, kind: 'load', width: 32, sizeBits: 0, opc: 1 },
  { name: 'LDRSB_x', size: 1, kind: 'load', signed: true, width: 64, sizeBits: 0, opc: 2 },
  { name: 'LDRSB_w', size: 1, kind: 'load', signed: true, width: 32, sizeBits: 0, opc: 3 },
  { name: 'STRH', size: 2, kind: 'store', sizeBits: 1, opc: 0 },
  { name: 'LDRH', size: 2, kind: 'load', width: 32, sizeBits: 1, opc: 1 },
  { name: 'LDRSH_x', size: 2, kind: 'load', signed: true, width: 64, sizeBits: 1, opc: 2 },
  { name: 'LDRSH_w', size: 2, kind: 'load', signed: true, width: 32, sizeBits: 1, opc: 3 },
  { name: 'STR_w', size: 4, kind: 'store', sizeBits: 2, opc: 0 },
  { name: 'LDR_w', size: 4, kind: 'load', width: 32, sizeBits: 2, opc: 1 },
  { name: 'LDRSW', size: 4, kind: 'load', signed: true, width: 64, sizeBits: 2, opc: 2 },
  { name: 'STR_x', size: 8, kind: 'store', sizeBits: 3, opc: 0 },
  { name: 'LDR_x', size: 8, kind: 'load', width: 64, sizeBits: 3, opc: 1 },
];
const PRFM: Transfer = { name: 'PRFM', size: 8, kind: 'prefetch', sizeBits: 3, opc: 2 };

const FPR: readonly Transfer[] = [
  { name: 'STR_b', size: 1, kind: 'store', vector: true, sizeBits: 0, opc: 0 },
  { name: 'LDR_b', size: 1, kind: 'load', vector: true, sizeBits: 0, opc: 1 },
  { name: 'STR_q', size: 16, kind: 'store', vector: true, sizeBits: 0, opc: 2 },
  { name: 'LDR_q', size: 16, kind: 'load', vector: true, sizeBits: 0, opc: 3 },
  { name: 'STR_h', size: 2, kind: 'store', vector: true, sizeBits: 1, opc: 0 },
  { name: 'LDR_h', size: 2, kind: 'load', vector: true, sizeBits: 1, opc: 1 },
  { name: 'STR_s', size: 4, kind: 'store', vector: true, sizeBits: 2, opc: 0 },
  { name: 'LDR_s', size: 4, kind: 'load', vector: true, sizeBits: 2, opc: 1 },
  { name: 'STR_d', size: 8, kind: 'store', vector: true, sizeBits: 3, opc: 0 },
  { name: 'LDR_d', size: 8, kind: 'load', vector: true, sizeBits: 3, opc: 1 },
];

function bits(value: number, width: number): string {
  return value.toString(2).padStart(width, '0');
}

function log2(size: number): number {
  return 31 - Math.clz32(size);
}

/** Loads `t.size` bytes at addr into register `rt` as the transfer says. */
function loadInto(c: LiftContext, t: Transfer, addr: Value, rt: number): void {
  const b = c.b;
  if (t.vector) {
    if (t.size === 16) {
      const lo = b.load(addr, 8);
      const hi = b.load(b.add(addr, 8n), 8);
      c.setV(rt, lo, hi);
    } else {
      c.setV(rt, b.load(addr, t.size as AccessSize), 0n);
    }
    return;
  }
  const v = b.load(addr, t.size as AccessSize, t.signed ?? false);
  // A zero-extending load already has bits 63:32 clear; a sign-extending one into Wt clears them.
  c.setX(rt, t.width === 32 && t.signed ? b.and(v, 0xffffffffn) : v);
}

function storeFrom(c: LiftContext, t: Transfer, addr: Value, rt: number): void {
  const b = c.b;
  if (t.vector) {
    if (t.size === 16) {
      const lo = c.vlo(rt);
      const hi = c.vhi(rt);
      b.store(addr, lo, 8);
      b.store(b.add(addr, 8n), hi, 8);
    } else {
      b.store(addr, c.vlo(rt), t.size as AccessSize);
    }
    return;
  }
  b.store(addr, c.x(rt), t.size as AccessSize);
}

function transfer(c: LiftContext, t: Transfer, addr: Value, rt: number): void {
  if (t.kind === 'load') loadInto(c, t, addr, rt);
  else if (t.kind === 'store') storeFrom(c, t, addr, rt);
}

type Mode = 'unsigned' | 'unscaled' | 'unprivileged' | 'post' | 'pre' | 'register';

function pattern(t: Transfer, mode: Mode): string {
  const head = `${bits(t.sizeBits, 2)} 111 ${t.vector ? 1 : 0}`;
  const opc = bits(t.opc, 2);
  switch (mode) {
    case 'unsigned':
      return `${head} 01 ${opc} iiiiiiiiiiii nnnnn ttttt`;
    case 'unscaled':
      return `${head} 00 ${opc} 0 iiiiiiiii 00 nnnnn ttttt`;
    case 'unprivileged':
      return `${head} 00 ${opc} 0 iiiiiiiii 10 nnnnn ttttt`;
    case 'post':
      return `${head} 00 ${opc} 0 iiiiiiiii 01 nnnnn ttttt`;
    case 'pre':
      return `${head} 00 ${opc} 0 iiiiiiiii 11 nnnnn ttttt`;
    case 'register':
      return `${head} 00 ${opc} 1 mmmmm ooo S 10 nnnnn ttttt`;
  }
}

function liftSingle(t: Transfer, mode: Mode) {
  const scale = log2(t.size);
  return (f: Fields, c: LiftContext) => {
    const b = c.b;
    const base = c.xsp(f.n);
    let addr: Value;
    switch (mode) {
      case 'unsigned':
        addr = f.i === 0 ? base : b.add(base, BigInt(f.i) << BigInt(scale));
        break;
      case 'unscaled':
      case 'unprivileged':
      case 'pre':
        addr = f.i === 0 ? base : b.add(base, BigInt.asUintN(64, BigInt.asIntN(9, BigInt(f.i))));
        break;
      case 'post':
        addr = base;
        break;
      case 'register':
        // Option x0x is reserved; LSL is UXTX (011). S scales the index by the access size.
        if ((f.o & 2) === 0) return false;
        addr = b.add(base, extendReg(c, 1, f.m, f.o, f.S ? scale : 0));
        break;
    }
    transfer(c, t, addr, f.t);
    if (mode === 'pre') c.setXSP(f.n, addr);
    else if (mode === 'post') c.setXSP(f.n, b.add(base, BigInt.asUintN(64, BigInt.asIntN(9, BigInt(f.i)))));
  };
}

function singleForms(): A64Form[] {
  const out: A64Form[] = [];
  for (const t of [...GPR, ...FPR]) {
    const modes: Mode[] = ['unsigned', 'unscaled', 'post', 'pre', 'register'];
    if (!t.vector) modes.push('unprivileged');
    for (const mode of modes) out.push(form(`${t.name}_${mode}`, pattern(t, mode), liftSingle(t, mode)));
  }
  // PRFM (immediate and register) and PRFUM: no effect, and no fault even for a bad address.
  // The register form still has the reserved extend options of every register-offset access.
  for (const mode of ['unsigned', 'unscaled', 'register'] as const) {
    const lift = mode === 'register' ? (f: Fields) => (f.o & 2) !== 0 : () => {};
    out.push(form(`${mode === 'unscaled' ? 'PRFUM' : 'PRFM'}_${mode}`, pattern(PRFM, mode), lift));
  }
  return out;
}

/** Pairs: opc selects the register size; LDPSW sign-extends two words. */
interface PairKind {
  readonly name: string;
  readonly opc: number;
  readonly vector: boolean;
  readonly load: boolean;
  readonly size: 4 | 8 | 16;
  readonly signed?: boolean;
}

const PAIRS: readonly PairKind[] = [
  { name: 'STP_w', opc: 0, vector: false, load: false, size: 4 },
  { name: 'LDP_w', opc: 0, vector: false, load: true, size: 4 },
  { name: 'LDPSW', opc: 1, vector: false, load: true, size: 4, signed: true },
  { name: 'STP_x', opc: 2, vector: false, load: false, size: 8 },
  { name: 'LDP_x', opc: 2, vector: false, load: true, size: 8 },
  { name: 'STP_s', opc: 0, vector: true, load: false, size: 4 },
  { name: 'LDP_s', opc: 0, vector: true, load: true, size: 4 },
  { name: 'STP_d', opc: 1, vector: true, load: false, size: 8 },
  { name: 'LDP_d', opc: 1, vector: true, load: true, size: 8 },
  { name: 'STP_q', opc: 2, vector: true, load: false, size: 16 },
  { name: 'LDP_q', opc: 2, vector: true, load: true, size: 16 },
];

type PairMode = 'noalloc' | 'post' | 'offset' | 'pre';
const PAIR_MODE_BITS: Record<PairMode, string> = { noalloc: '00', post: '01', offset: '10', pre: '11' };

function liftPair(p: PairKind, mode: PairMode) {
  const one: Transfer = {
    name: p.name,
    size: p.size,
    kind: p.load ? 'load' : 'store',
    signed: p.signed,
    width: p.signed || p.size === 8 ? 64 : 32,
    vector: p.vector,
    sizeBits: 0,
    opc: 0,
  };
  return (f: Fields, c: LiftContext) => {
    const b = c.b;
    const base = c.xsp(f.n);
    const offset = BigInt.asUintN(64, BigInt.asIntN(7, BigInt(f.i)) * BigInt(p.size));
    const addr = mode === 'post' ? base : b.add(base, offset);
    const addr2 = b.add(addr, BigInt(p.size));
    if (p.load) {
      // Both loads happen before either register is written (the base may be one of them).
      if (p.vector) {
        const lo1 = b.load(addr, p.size === 16 ? 8 : p.size);
        const hi1 = p.size === 16 ? b.load(b.add(addr, 8n), 8) : null;
        const lo2 = b.load(addr2, p.size === 16 ? 8 : p.size);
        const hi2 = p.size === 16 ? b.load(b.add(addr2, 8n), 8) : null;
        c.setV(f.t, lo1, hi1 ?? 0n);
        c.setV(f.a, lo2, hi2 ?? 0n);
      } else {
        // Zero-extending word loads already leave bits 63:32 clear.
        c.setX(f.t, b.load(addr, p.size as AccessSize, p.signed ?? false));
        c.setX(f.a, b.load(addr2, p.size as AccessSize, p.signed ?? false));
      }
    } else {
      storeFrom(c, one, addr, f.t);
      storeFrom(c, one, addr2, f.a);
    }
    if (mode === 'pre') c.setXSP(f.n, addr);
    else if (mode === 'post') c.setXSP(f.n, b.add(base, offset));
  };
}

function pairForms(): A64Form[] {
  const out: A64Form[] = [];
  for (const p of PAIRS) {
    for (const mode of ['noalloc', 'post', 'offset', 'pre'] as const) {
      // LDNP has no sign-extending variant.
      if (p.signed && mode === 'noalloc') continue;
      const name = `${mode === 'noalloc' ? p.name.replace('P', 'NP') : p.name}_${mode}`;
      const pat = `${bits(p.opc, 2)} 101 ${p.vector ? 1 : 0} 0 ${PAIR_MODE_BITS[mode]} ${p.load ? 1 : 0} iiiiiii aaaaa nnnnn ttttt`;
      out.push(form(name, pat, liftPair(p, mode)));
    }
  }
  return out;
}

/** LDR (literal): PC-relative, imm19 words. */
const LITERALS: readonly Transfer[] = [
  { name: 'LDR_w_literal', size: 4, kind: 'load', width: 32, sizeBits: 0, opc: 0 },
  { name: 'LDR_x_literal', size: 8, kind: 'load', width: 64, sizeBits: 0, opc: 1 },
  { name: 'LDRSW_literal', size: 4, kind: 'load', signed: true, width: 64, sizeBits: 0, opc: 2 },
  { name: 'PRFM_literal', size: 8, kind: 'prefetch', sizeBits: 0, opc: 3 },
  { name: 'LDR_s_literal', size: 4, kind: 'load', vector: true, sizeBits: 0, opc: 0 },
  { name: 'LDR_d_literal', size: 8, kind: 'load', vector: true, sizeBits: 0, opc: 1 },
  { name: 'LDR_q_literal', size: 16, kind: 'load', vector: true, sizeBits: 0, opc: 2 },
];

function literalForms(): A64Form[] {
  return LITERALS.map((t) =>
    form(t.name, `${bits(t.opc, 2)} 011 ${t.vector ? 1 : 0} 00 iiiiiiiiiiiiiiiiiii ttttt`, (f, c) => {
      const addr = BigInt.asUintN(64, c.pc + BigInt.asIntN(19, BigInt(f.i)) * 4n);
      transfer(c, t, c.b.const64(addr), f.t);
    }),
  );
}

export const loadStoreForms: readonly A64Form[] = [...singleForms(), ...pairForms(), ...literalForms()];
