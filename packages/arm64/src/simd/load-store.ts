import type { Cpu, Value } from '@arm64kit/core';
import type { Fields } from '../decode/table.js';
import type { LiftContext } from '../lift/context.js';
import { type A64Form, form } from '../lift/form.js';
import { vHi, vLo } from '../state.js';

/**
 * AdvSIMD structure loads and stores with one element per structure: LD1/ST1 (multiple
 * registers, 1–4), LD1–LD4/ST1–ST4 (single lane), LD1R–LD4R; with and without post-index writeback. They are
 * plain IR loads and stores of 64-bit (or lane-sized) pieces, so faults are reported like any
 * other access. LD2–LD4/ST2–ST4 (multiple structures) load and store the raw bytes in IR and
 * (de-)interleave them in the registers with a helper.
 */

const ONES = 0xffffffffffffffffn;

/** Post-index writeback: Rm = 31 means "by the transfer size", otherwise by Xm. */
function writeBack(c: LiftContext, f: Fields, base: Value, bytes: number): void {
  if (f.w !== 1) return;
  const b = c.b;
  c.setXSP(f.n, f.m === 31 ? b.add(base, BigInt(bytes)) : b.add(base, c.x(f.m)));
}

/** Number of registers of LD1/ST1 (multiple structures) per opcode. */
/** Interleaving LDn/STn (multiple structures): opcode to n. */
const LDN_STRUCTS = new Map([
  [0b0000, 4],
  [0b0100, 3],
  [0b1000, 2],
]);

const structBytes = new Uint8Array(64);
const regBytes = new Uint8Array(64);

/**
 * Converts between the memory order of LDn/STn structures (element e of register r at byte
 * (e*n + r)*esize) and the register order, in place in V(t)..V(t+n-1) (their low `bytesPerReg`
 * bytes, concatenated). LDn loads the raw bytes and then de-interleaves; STn interleaves, stores
 * the raw bytes, and de-interleaves again to restore the registers.
 */
function restructure(t: number, n: number, esize: number, bytesPerReg: number, toMemoryOrder: boolean) {
  const eb = esize / 8;
  const elements = bytesPerReg / eb;
  return (cpu: Cpu) => {
    for (let r = 0; r < n; r++) {
      const base = 8 * vLo((t + r) % 32);
      for (let k = 0; k < bytesPerReg; k++) regBytes[r * bytesPerReg + k] = cpu.u8[base + k];
    }
    for (let r = 0; r < n; r++) {
      for (let e = 0; e < elements; e++) {
        const mem = (e * n + r) * eb;
        const reg = r * bytesPerReg + e * eb;
        for (let k = 0; k < eb; k++) {
          if (toMemoryOrder) structBytes[mem + k] = regBytes[reg + k];
          else structBytes[reg + k] = regBytes[mem + k];
        }
      }
    }
    for (let r = 0; r < n; r++) {
      const base = 8 * vLo((t + r) % 32);
      for (let k = 0; k < bytesPerReg; k++) cpu.u8[base + k] = structBytes[r * bytesPerReg + k];
    }
  };
}

function liftStructures(f: Fields, c: LiftContext, n: number): boolean {
  if (f.w === 0 && f.m !== 0) return false;
  if (f.z === 3 && f.q === 0) return false;
  const b = c.b;
  const q = f.q === 1;
  const base = c.xsp(f.n);
  const bytesPerReg = q ? 16 : 8;
  const esize = 8 << f.z;
  const regs = Array.from({ length: n }, (_, r) => (f.t + r) % 32);
  if (f.l) {
    for (let r = 0; r < n; r++) {
      const addr = b.add(base, BigInt(r * bytesPerReg));
      b.setReg(vLo(regs[r]), b.load(addr, 8));
      b.setReg(vHi(regs[r]), q ? b.load(b.add(addr, 8n), 8) : b.const64(0n));
    }
    b.callHelper(restructure(f.t, n, esize, bytesPerReg, false));
  } else {
    b.callHelper(restructure(f.t, n, esize, bytesPerReg, true));
    for (let r = 0; r < n; r++) {
      const addr = b.add(base, BigInt(r * bytesPerReg));
      b.store(addr, b.getReg(vLo(regs[r])), 8);
      if (q) b.store(b.add(addr, 8n), b.getReg(vHi(regs[r])), 8);
    }
    b.callHelper(restructure(f.t, n, esize, bytesPerReg, false));
  }
  writeBack(c, f, base, n * bytesPerReg);
  return true;
}

const LD1_REGS = new Map([
  [0b0111, 1],
  [0b1010, 2],
  [0b0110, 3],
  [0b0010, 4],
]);

function liftMultiple(f: Fields, c: LiftContext): boolean {
  const structs = LDN_STRUCTS.get(f.o);
  if (structs !== undefined) return liftStructures(f, c, structs);
  const regs = LD1_REGS.get(f.o);
  if (regs === undefined) return false;
  if (f.w === 0 && f.m !== 0) return false;
  const b = c.b;
  const q = f.q === 1;
  const base = c.xsp(f.n);
  const bytesPerReg = q ? 16 : 8;
  for (let r = 0; r < regs; r++) {
    const t = (f.t + r) % 32;
    const addr = b.add(base, BigInt(r * bytesPerReg));
    if (f.l) {
      const lo = b.load(addr, 8);
      const hi = q ? b.load(b.add(addr, 8n), 8) : undefined;
      b.setReg(vLo(t), lo);
      b.setReg(vHi(t), hi ?? 0n);
    } else {
      b.store(addr, b.getReg(vLo(t)), 8);
      if (q) b.store(b.add(addr, 8n), b.getReg(vHi(t)), 8);
    }
  }
  writeBack(c, f, base, regs * bytesPerReg);
  return true;
}

/**
 * LDn/STn (single structure, n = 1-4) and LDnR: n consecutive elements in memory to or from lane
 * `index` of n consecutive registers (or, for LDnR, replicated into every lane).
 */
function liftSingle(f: Fields, c: LiftContext): boolean {
  if (f.w === 0 && f.m !== 0) return false;
  const n = (((f.o & 1) << 1) | f.r) + 1;
  const b = c.b;
  const base = c.xsp(f.n);
  const group = f.o >> 1;
  const regs = Array.from({ length: n }, (_, r) => (f.t + r) % 32);
  if (group === 3) {
    // LDnR: load one element per register and replicate it
    if (!f.l || f.s) return false;
    const size = 1 << f.z;
    for (let r = 0; r < n; r++) {
      let v = b.load(b.add(base, BigInt(r * size)), size as 1 | 2 | 4 | 8);
      for (let w = 8 * size; w < 64; w *= 2) v = b.or(v, b.shl(v, BigInt(w)));
      b.setReg(vLo(regs[r]), v);
      b.setReg(vHi(regs[r]), f.q ? v : b.const64(0n));
    }
    writeBack(c, f, base, n * size);
    return true;
  }
  let scale: number;
  let index: number;
  if (group === 0) {
    scale = 0;
    index = (f.q << 3) | (f.s << 2) | f.z;
  } else if (group === 1) {
    if (f.z & 1) return false;
    scale = 1;
    index = (f.q << 2) | (f.s << 1) | (f.z >> 1);
  } else if (f.z === 0) {
    scale = 2;
    index = (f.q << 1) | f.s;
  } else if (f.z === 1 && f.s === 0) {
    scale = 3;
    index = f.q;
  } else {
    return false;
  }
  const size = 1 << scale;
  const bitPos = (index * size * 8) % 64;
  const upper = index * size >= 8;
  // All loads happen before any register changes, so a fault leaves the registers as they were.
  const values: Value[] = [];
  for (let r = 0; r < n; r++) {
    const addr = b.add(base, BigInt(r * size));
    const slot = upper ? vHi(regs[r]) : vLo(regs[r]);
    if (f.l) values.push(b.load(addr, size as 1 | 2 | 4 | 8));
    else b.store(addr, b.shrU(b.getReg(slot), BigInt(bitPos)), size as 1 | 2 | 4 | 8);
  }
  if (f.l) {
    for (let r = 0; r < n; r++) {
      const slot = upper ? vHi(regs[r]) : vLo(regs[r]);
      if (size === 8) b.setReg(slot, values[r]);
      else {
        const m = ((1n << BigInt(8 * size)) - 1n) << BigInt(bitPos);
        const old = b.and(b.getReg(slot), ~m & ONES);
        b.setReg(slot, b.or(old, b.shl(values[r], BigInt(bitPos))));
      }
    }
  }
  writeBack(c, f, base, n * size);
  return true;
}

export const simdLoadStoreForms: readonly A64Form[] = [
  form('SIMD_ldst_multiple', '0 q 001100 w l 0 mmmmm oooo zz nnnnn ttttt', liftMultiple),
  form('SIMD_ldst_single', '0 q 001101 w l r mmmmm ooo s zz nnnnn ttttt', liftSingle),
];
