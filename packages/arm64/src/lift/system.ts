import type { Cpu, Value } from '@arm64kit/core';
import {
  EXCL_ADDR,
  FLAG_C,
  FPCR,
  FPSR,
  NO_EXCLUSIVE,
  PSTATE_BITS,
  PSTATE_DIT,
  PSTATE_SSBS,
  TPIDR_EL0,
} from '../state.js';
import type { LiftContext } from './context.js';
import { type A64Form, form } from './form.js';

/**
 * Exception generation, hints, barriers and the system registers an EL0 program may touch.
 * MIDR_EL1 and the ID registers come from the CPU profile (../cpu/profiles.ts); DCZID_EL0 has DZP
 * set under every profile (no DC ZVA in glibc's memset) and CTR_EL0 reports 64-byte lines.
 */

/** System register encodings as op0:op1:CRn:CRm:op2 packed like the MRS/MSR o0:op1:CRn:CRm:op2 field. */
function sysreg(op0: number, op1: number, crn: number, crm: number, op2: number): number {
  return ((op0 - 2) << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;
}

export const SYSREG = {
  NZCV: sysreg(3, 3, 4, 2, 0),
  FPCR: sysreg(3, 3, 4, 4, 0),
  FPSR: sysreg(3, 3, 4, 4, 1),
  TPIDR_EL0: sysreg(3, 3, 13, 0, 2),
  TPIDRRO_EL0: sysreg(3, 3, 13, 0, 3),
  DCZID_EL0: sysreg(3, 3, 0, 0, 7),
  CTR_EL0: sysreg(3, 3, 0, 0, 1),
  MIDR_EL1: sysreg(3, 0, 0, 0, 0),
  MPIDR_EL1: sysreg(3, 0, 0, 0, 5),
  REVIDR_EL1: sysreg(3, 0, 0, 0, 6),
  CNTFRQ_EL0: sysreg(3, 3, 14, 0, 0),
  CNTVCT_EL0: sysreg(3, 3, 14, 0, 2),
  SSBS: sysreg(3, 3, 4, 2, 6),
  DIT: sysreg(3, 3, 4, 2, 5),
} as const;

/** 64-byte cache lines (IminLine = DminLine = 4), CWG = ERG = 4, VIPT instruction cache. */
export const CTR_VALUE = 0x84448004n;
/** DZP (bit 4) set: DC ZVA is prohibited, so glibc's memset takes its generic path. BS = 4 (64 bytes). */
export const DCZID_VALUE = 0x14n;
/** The generic timer runs at 1 GHz here: CNTVCT_EL0 counts nanoseconds of the host's monotonic clock. */
export const CNTFRQ_VALUE = 1_000_000_000n;

function readCounter(_cpu: Cpu): bigint {
  return process.hrtime.bigint();
}

/**
 * FPSR keeps the flags, QC and the cumulative exception bits. FPCR keeps AHP, DN, FZ, RMode, Stride,
 * FZ16 (half-precision arithmetic is implemented whatever the profile advertises) and Len; the trap
 * enable bits read as zero because floating-point exceptions are never trapped (as on most Armv8
 * cores, and as QEMU does).
 */
const FPSR_MASK = 0xf800009fn;
const FPCR_MASK = 0x07ff0000n;

function liftMrs(sys: number, t: number, c: LiftContext): boolean {
  const b = c.b;
  switch (sys) {
    case SYSREG.NZCV:
      c.setX(t, c.packedNZCV());
      return true;
    case SYSREG.FPCR:
      c.setX(t, b.getReg(FPCR));
      return true;
    case SYSREG.FPSR:
      c.setX(t, b.getReg(FPSR));
      return true;
    case SYSREG.TPIDR_EL0:
      c.setX(t, b.getReg(TPIDR_EL0));
      return true;
    case SYSREG.TPIDRRO_EL0:
      c.setX(t, b.const64(0n));
      return true;
    case SYSREG.DCZID_EL0:
      c.setX(t, b.const64(DCZID_VALUE));
      return true;
    case SYSREG.CTR_EL0:
      c.setX(t, b.const64(CTR_VALUE));
      return true;
    // Linux emulates reads of the ID registers for EL0 (the "cpuid" feature).
    case SYSREG.MIDR_EL1:
      c.setX(t, b.const64(c.cpu.midr));
      return true;
    case SYSREG.MPIDR_EL1:
      c.setX(t, b.const64(0x80000000n));
      return true;
    case SYSREG.REVIDR_EL1:
      c.setX(t, b.const64(0n));
      return true;
    case SYSREG.CNTFRQ_EL0:
      c.setX(t, b.const64(CNTFRQ_VALUE));
      return true;
    case SYSREG.CNTVCT_EL0:
      c.setX(t, b.callHelper(readCounter, [], 'i64'));
      return true;
    case SYSREG.SSBS:
      c.setX(t, b.and(b.getReg(PSTATE_BITS), PSTATE_SSBS));
      return true;
    case SYSREG.DIT:
      c.setX(t, b.and(b.getReg(PSTATE_BITS), PSTATE_DIT));
      return true;
    default:
      return idRegister(sys, t, c);
  }
}

/**
 * The ID register space (op0 3, op1 0, CRn 0, CRm 2-7) reads as the profile's sanitised values,
 * reserved registers as zero, the way Linux emulates it for EL0; CRm 1 and the rest of CRm 0 trap.
 */
function idRegister(sys: number, t: number, c: LiftContext): boolean {
  if (sys >> 7 !== 0b1_000_0000) return false;
  const crm = (sys >> 3) & 15;
  if (crm < 2) return false;
  c.setX(t, c.b.const64(c.cpu.idRegisters.get(sys & 0x7f) ?? 0n));
  return true;
}

function liftMsr(sys: number, t: number, c: LiftContext): boolean {
  const b = c.b;
  switch (sys) {
    case SYSREG.NZCV:
      c.unpackNZCV(c.x(t));
      return true;
    case SYSREG.FPCR:
      b.setReg(FPCR, b.and(c.x(t), FPCR_MASK));
      return true;
    case SYSREG.FPSR:
      b.setReg(FPSR, b.and(c.x(t), FPSR_MASK));
      return true;
    case SYSREG.TPIDR_EL0:
      b.setReg(TPIDR_EL0, c.x(t));
      return true;
    case SYSREG.SSBS:
      setPstateBit(c, PSTATE_SSBS, b.and(c.x(t), PSTATE_SSBS));
      return true;
    case SYSREG.DIT:
      setPstateBit(c, PSTATE_DIT, b.and(c.x(t), PSTATE_DIT));
      return true;
    default:
      return false;
  }
}

/** DC ZVA: zero the 64-byte block holding the address (DZP is set, but a program may ignore it). */
function liftDcZva(t: number, c: LiftContext): void {
  const b = c.b;
  const base = b.and(c.x(t), ~63n & ((1n << 64n) - 1n));
  for (let off = 0n; off < 64n; off += 8n) b.store(b.add(base, off), 0n, 8);
}

/**
 * SYS instructions EL0 may use: cache maintenance by address. Lifted code is invalidated by the
 * writes to its page; IC IVAU matters only on a memory other host threads share, where a write
 * may land while another thread lifts the page (GuestMemory.codeWritten).
 */
function liftSys(op1: number, crn: number, crm: number, op2: number, t: number, c: LiftContext): boolean {
  if (op1 !== 3 || crn !== 7) return false;
  const key = (crm << 3) | op2;
  switch (key) {
    case (4 << 3) | 1: // DC ZVA
      liftDcZva(t, c);
      return true;
    case (5 << 3) | 1: // IC IVAU
      if (c.shared) c.b.callHelper(codeWritten, [c.x(t)]);
      return true;
    case (10 << 3) | 1: // DC CVAC
    case (11 << 3) | 1: // DC CVAU
    case (12 << 3) | 1: // DC CVAP
    case (14 << 3) | 1: // DC CIVAC
      return true;
    default:
      return false;
  }
}

/**
 * MSR (immediate) to the PSTATE fields EL0 may write, and CFINV (FEAT_FlagM): SSBS (op1 3, op2 1)
 * and DIT (op1 3, op2 2) take bit 0 of CRm; CFINV inverts the carry flag.
 */
function liftPstate(op1: number, crm: number, op2: number, c: LiftContext): boolean {
  const b = c.b;
  if (op1 === 0 && op2 === 0 && crm === 0) {
    b.setReg(FLAG_C, b.xor(b.getReg(FLAG_C), 1n));
    return true;
  }
  if (op1 !== 3 || (op2 !== 1 && op2 !== 2)) return false;
  const bit = op2 === 1 ? PSTATE_SSBS : PSTATE_DIT;
  setPstateBit(c, bit, crm & 1 ? bit : 0n);
  return true;
}

/** Replaces one PSTATE bit (SSBS or DIT) with `value` (the bit itself or zero). */
function setPstateBit(c: LiftContext, bit: bigint, value: Value | bigint): void {
  const b = c.b;
  const others = b.and(b.getReg(PSTATE_BITS), ~bit & ((1n << 64n) - 1n));
  b.setReg(PSTATE_BITS, value === 0n ? others : b.or(others, value));
}

/** Which barrier kinds (CRm) order earlier stores before later loads: the ones x86 needs a fence for. */
function barrier(crm: number, c: LiftContext): void {
  if (c.shared && (crm & 3) === 3) c.b.callHelper(fence);
}

function fence(cpu: Cpu): void {
  cpu.memory.fence();
}

function codeWritten(cpu: Cpu, address: bigint): void {
  cpu.memory.codeWritten(address);
}

function syncInstructions(cpu: Cpu): void {
  cpu.memory.syncInstructions();
}

/**
 * ISB: the instructions after it are fetched anew. On a memory other host threads share, code
 * one of them rewrote (and invalidated with IC IVAU) is seen from here on: the block ends after
 * it, and a CPU worker drops its stale translations first.
 */
function liftIsb(c: LiftContext): void {
  if (!c.shared) return;
  c.b.callHelper(syncInstructions);
  c.b.jump(c.next);
}

export const systemForms: readonly A64Form[] = [
  form('MSR_imm_pstate', '11010101 00000 ooo 0100 mmmm ppp 11111', (f, c) => liftPstate(f.o, f.m, f.p, c)),
  // SVC: the immediate is ignored by Linux.
  form('SVC', '11010100 000 iiiiiiiiiiiiiiii 00001', (_f, c) => c.b.syscall(c.next)),
  form('BRK', '11010100 001 iiiiiiiiiiiiiiii 00000', (f, c) =>
    c.b.trap('SIGTRAP', c.pc, `breakpoint (brk #0x${f.i.toString(16)})`),
  ),
  // HINT space: NOP, YIELD, WFE, WFI, SEV, SEVL, and every hint a newer architecture defines
  // (BTI, PACIASP, AUTIASP…) executes as NOP on a CPU that does not implement it.
  form('HINT', '11010101 00000011 0010 mmmm ooo 11111', () => {}),
  form('CLREX', '11010101 00000011 0011 ---- 010 11111', (_f, c) => c.b.setReg(EXCL_ADDR, NO_EXCLUSIVE)),
  // DSB and DMB order this thread's accesses as other threads see them: on a memory other host
  // threads share, a host full fence (one host thread keeps program order by itself). The
  // load-only and store-only kinds (CRm 1, 2, 5, 6, 9, 10) are already kept by x86's ordering.
  form('DSB', '11010101 00000011 0011 mmmm 100 11111', (f, c) => barrier(f.m, c)),
  form('DMB', '11010101 00000011 0011 mmmm 101 11111', (f, c) => barrier(f.m, c)),
  form('ISB', '11010101 00000011 0011 mmmm 110 11111', (_f, c) => liftIsb(c)),
  form('SB', '11010101 00000011 0011 0000 111 11111', () => {}),
  form('MRS', '11010101 0011 sssssssssssssss ttttt', (f, c) => liftMrs(f.s, f.t, c)),
  form('MSR_reg', '11010101 0001 sssssssssssssss ttttt', (f, c) => liftMsr(f.s, f.t, c)),
  form('SYS', '11010101 00001 ooo nnnn mmmm ppp ttttt', (f, c) => liftSys(f.o, f.n, f.m, f.p, f.t, c)),
];
