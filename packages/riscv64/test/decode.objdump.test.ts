import { IrBuilder } from '@arm64kit/core';
import { available, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import { describe, expect, it } from 'vitest';
import { LiftContext } from '../src/lift/context.js';
import { rvcTable, rvTable } from '../src/table.js';
import { AS, MARCH, OBJCOPY, OBJDUMP, objdump } from './support/objdump.js';

/**
 * The decode tables against binutils' disassembler, told (through the object's
 * `.riscv.attributes`) that the CPU has exactly the extensions this package implements: on
 * 100,000 seeded random 32-bit words, on words made from every row's pattern, and on every
 * compressed parcel, arm64kit accepts an encoding (decodes it and its lifter does not reject it)
 * exactly when objdump decodes it — except for the classes listed below, each with its reason.
 */

function random32(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>>= 0);
  };
}

const hex = (w: number, digits: number) => (w >>> 0).toString(16).padStart(digits, '0');

/** The 32-bit instruction decoded and not rejected by its lifter: the row's name, else undefined. */
function accepted32(word: number, length = 4): string | undefined {
  const found = rvTable().decode(word);
  if (!found) return undefined;
  const c = new LiftContext(new IrBuilder(0x1000n));
  c.pc = 0x1000n;
  c.insn = word;
  c.length = length;
  return found.form.handler(found.fields, c) === false ? undefined : found.form.name;
}

/** A compressed parcel accepted: a row claims it, it expands, and its expansion is accepted. */
function accepted16(parcel: number): string | undefined {
  const form = rvcTable().lookup(parcel);
  const word = form?.form.handler(parcel);
  if (form === undefined || word === undefined) return undefined;
  return accepted32(word, 2) === undefined ? undefined : form.form.name;
}

/** The CSRs Linux lets user mode reach on this CPU: fflags, frm, fcsr, cycle, time, instret. */
const USER_CSRS = new Set([0x001, 0x002, 0x003, 0xc00, 0xc01, 0xc02]);
const CSR_WRITABLE = new Set([0x001, 0x002, 0x003]);

/**
 * Why objdump may decode a word that arm64kit (like a Linux riscv64 machine) rejects. Each class
 * is a rule of the privileged architecture or of the kernel, not of the encoding: objdump
 * decodes every CSR number and every rounding-mode value, because which exist is a property of
 * the machine. Returns the reason, or undefined when the word is in no such class.
 */
function rejectedByTheMachine(w: number, shown: string): string | undefined {
  const opcode = w & 0x7f;
  const funct3 = (w >>> 12) & 7;
  if (opcode === 0x73 && funct3 !== 0 && funct3 !== 4) {
    const csr = w >>> 20;
    // A CSR user mode cannot reach (machine/supervisor CSRs, hpmcounters the kernel does not
    // enable, vector or crypto CSRs of extensions not here) is an illegal instruction.
    if (!USER_CSRS.has(csr)) return 'CSR not accessible to user mode';
    // CSRRW/CSRRWI always write; CSRRS/CSRRC (and their I forms) write unless rs1/uimm is 0.
    const writes = funct3 === 1 || funct3 === 5 || ((w >>> 15) & 31) !== 0;
    if (writes && !CSR_WRITABLE.has(csr)) return 'write to a read-only counter';
  }
  // F/D operations with the reserved static rounding modes 5 and 6 (objdump prints the mode as
  // `unknown`) are illegal instructions.
  if ((funct3 === 5 || funct3 === 6) && shown.endsWith(',unknown')) return 'reserved rounding mode';
  return undefined;
}

/**
 * Why arm64kit may accept a word objdump refuses: encodings the specification defines as
 * executing like a canonical instruction, which binutils only prints for the canonical fields.
 */
function executedAnyway(w: number): string | undefined {
  const opcode = w & 0x7f;
  const funct3 = (w >>> 12) & 7;
  // FENCE and FENCE.I: "for forward compatibility, base implementations shall ignore" the
  // reserved fm values and the rd/rs1 fields (and FENCE.I's immediate); hardware executes them.
  if (opcode === 0x0f && (funct3 === 0 || funct3 === 1)) return 'fence with reserved fields ignored';
  // The exact widening conversions FCVT.D.S, FCVT.D.W and FCVT.D.WU have an rm field like every
  // conversion; binutils 2.40 prints them only with rm = 000 (later versions take any valid mode).
  const funct7 = w >>> 25;
  const rs2 = (w >>> 20) & 31;
  const exactWidening = (funct7 === 0x21 && rs2 === 0) || (funct7 === 0x69 && (rs2 === 0 || rs2 === 1));
  if (opcode === 0x53 && exactWidening && funct3 !== 5 && funct3 !== 6) return 'exact conversion with an rm';
  return undefined;
}

/**
 * Compressed parcels objdump prints that the specification reserves, so the machine (and
 * qemu-riscv64-static) raises an illegal instruction for them.
 */
const RESERVED_BUT_PRINTED = new Map([
  [0x0000, 'the all-zero parcel is defined to be an illegal instruction (objdump: c.unimp)'],
  [0x6101, 'C.ADDI16SP with nzimm = 0 is reserved'],
]);

/** OP-IMM, OP-IMM-32, OP, OP-32, OP-FP, AMO, SYSTEM and MISC-MEM. */
const SWEPT_OPCODES = [0x13, 0x1b, 0x33, 0x3b, 0x53, 0x2f, 0x73, 0x0f];

const prerequisites = () =>
  commandProblem(OBJDUMP, 'binutils-riscv64-linux-gnu') ??
  commandProblem(AS, 'binutils-riscv64-linux-gnu') ??
  commandProblem(OBJCOPY, 'binutils-riscv64-linux-gnu');

/** objdump's text for an encoding it does not decode. */
const refused = (shown: string) => /^\.(2|4)byte\b/.test(shown);

describe.runIf(available('riscv64 decode table against objdump', prerequisites()))(
  'the riscv64 decode tables against objdump',
  () => {
    it('accept exactly the 32-bit words binutils decodes for this extension set', () => {
      const next = random32(0x5c64);
      const words: number[] = [];
      const longer: number[] = [];
      while (words.length < 100_000) {
        const w = (next() | 3) >>> 0;
        // Low bits 11111 begin an instruction longer than 32 bits (48, 64, … bits): none exist here.
        if ((w & 0x1f) === 0x1f) longer.push(w);
        else words.push(w);
      }
      // Words made from every row's pattern reach the rows random words rarely hit.
      for (const cf of rvTable().forms) {
        for (let k = 0; k < 64; k++) words.push((cf.value | (next() & ~cf.mask)) >>> 0);
      }
      // And a sweep of the sparse classes: a form this package lacks has no row to make words
      // from, and one funct7/funct3 pair is 1 in 2^17 random words. For the major opcodes whose
      // bits 31:20 select the operation (funct7 and rs2, a shift kind, a CSR), every value of
      // those bits and of funct3, with random registers.
      for (const opcode of SWEPT_OPCODES) {
        for (let high = 0; high < 4096; high++) {
          for (let funct3 = 0; funct3 < 8; funct3++) {
            words.push(((high << 20) | (next() & 0xf8f80) | (funct3 << 12) | opcode) >>> 0);
          }
        }
      }
      expect(longer.filter((w) => rvTable().decode(w) !== undefined).map((w) => hex(w, 8))).toEqual([]);

      const text = objdump(words, 4, MARCH);
      expect(words.filter((w) => !text.has(w)).map((w) => hex(w, 8))).toEqual([]);
      const overclaimed: string[] = [];
      const missing: string[] = [];
      let agreedValid = 0;
      for (const w of words) {
        const shown = text.get(w) as string;
        const ours = accepted32(w);
        if (refused(shown) && ours && !executedAnyway(w)) {
          overclaimed.push(`${hex(w, 8)} accepted as ${ours}, objdump: ${shown}`);
        }
        if (!refused(shown) && !ours && !rejectedByTheMachine(w, shown)) {
          missing.push(`${hex(w, 8)} refused, objdump: ${shown}`);
        }
        if (!refused(shown) && ours) agreedValid++;
      }
      expect(overclaimed.slice(0, 20)).toEqual([]);
      expect(missing.slice(0, 20)).toEqual([]);
      // Both valid and invalid words were compared, in numbers that mean something.
      expect(agreedValid).toBeGreaterThan(20_000);
    });

    it('accept exactly the compressed parcels binutils decodes, all 65,536 of them', () => {
      const all = Array.from({ length: 0x10000 }, (_, p) => p);
      // A parcel whose low bits are 11 is the first half of a longer instruction, never a
      // compressed one: no row of the 16-bit table may claim it.
      const wide = all.filter((p) => (p & 3) === 3);
      expect(wide.filter((p) => rvcTable().lookup(p) !== undefined).map((p) => hex(p, 4))).toEqual([]);

      const parcels = all.filter((p) => (p & 3) !== 3);
      const text = objdump(parcels, 2, MARCH);
      expect(parcels.filter((p) => !text.has(p)).map((p) => hex(p, 4))).toEqual([]);
      const disagree: string[] = [];
      let agreedValid = 0;
      for (const p of parcels) {
        const shown = text.get(p) as string;
        const ours = accepted16(p);
        if (refused(shown) !== (ours === undefined) && !(ours === undefined && RESERVED_BUT_PRINTED.has(p))) {
          disagree.push(`${hex(p, 4)} ours: ${ours ?? 'refused'}, objdump: ${shown}`);
        }
        if (ours && !refused(shown)) agreedValid++;
      }
      expect(disagree.slice(0, 20)).toEqual([]);
      expect(agreedValid).toBeGreaterThan(40_000);
    });
  },
);
