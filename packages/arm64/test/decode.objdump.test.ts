import { IrBuilder } from '@arm64kit/core';
import { available, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import { describe, expect, it } from 'vitest';
import { insertField } from '../src/decode/pattern.js';
import { fpForms } from '../src/fp/table.js';
import { LiftContext } from '../src/lift/context.js';
import { simdForms } from '../src/simd/table.js';
import { a64Table } from '../src/table.js';
import { OBJDUMP, objdump } from './support/objdump.js';

/**
 * The integer, branch, system and load/store classes against binutils' disassembler: on random
 * words of those classes and on words generated from every pattern, an encoding is accepted by
 * arm64kit (decoded, and not rejected by its lifter) exactly when objdump decodes it — except for
 * the extensions this CPU does not implement, and the CONSTRAINED UNPREDICTABLE encodings that
 * QEMU executes too.
 */
/** Mnemonics of extensions this CPU leaves out, and of instructions EL0 may not execute. */
const NOT_ON_THIS_CPU =
  /^(msr|mrs|sys|sysl|dc|ic|tlbi|at|cfp|dvp|cpp|brb|hlt|dcps[123]|hvc|smc|tcancel|tstart|tcommit|ttest|ldraa|ldrab|pac\w*|aut\w*|xpac\w*|braa\w*|brab\w*|blraa?\w*|blrab\w*|retaa|retab|eretaa|eretab|stgp|st2g|stzg|stz2g|stg|ldg|ldgm|stgm|stzgm|addg|subg|gmi|irg|subp|subps|smstart|smstop|bc\.\w+|umax|umin|smax|smin|abs|cnt|ctz|cpy\w+|setp\w*|setm\w*|sete\w*|setg\w*|xaflag|axflag|st64b\w*|ld64b|wfet|wfit|rcw\w*|ldclrp\w*|ldsetp\w*|swpp\w*|ldiapp|stilp|ldap1|stl1|gcs\w*|rprfm)$/;

function random32(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>>= 0);
  };
}

/** op0 (bits 28:25) of the classes this test covers; SIMD&FP loads and stores (V = 1) are left out. */
function inIntegerClasses(w: number): boolean {
  const op0 = (w >>> 25) & 0xf;
  if ((op0 & 0x5) === 0x4) return ((w >>> 26) & 1) === 0;
  return (op0 & 0xe) === 0x8 || (op0 & 0xe) === 0xa || (op0 & 0x7) === 0x5;
}

/** Decoded, and not rejected by its lifter as a reserved field value. */
function accepted(word: number): string | undefined {
  const found = a64Table().decode(word);
  if (!found) return undefined;
  const c = new LiftContext(new IrBuilder(0x1000n));
  c.pc = 0x1000n;
  c.insn = word;
  return found.form.handler(found.fields, c) === false ? undefined : found.form.name;
}

/**
 * Encodings the Arm ARM calls CONSTRAINED UNPREDICTABLE that objdump refuses but QEMU (and so
 * arm64kit) executes: exclusive and ordered accesses whose unused Rs/Rt2 fields are not all ones,
 * and load pairs that name one register twice.
 */
function unpredictableButExecuted(form: string, w: number): boolean {
  const rt = w & 31;
  const rt2 = (w >>> 10) & 31;
  const rs = (w >>> 16) & 31;
  if (/^(LDAR|STLR|LDLAR|STLLR|LDXR|LDAXR|STXR|STLXR|LDXP|LDAXP|STXP|STLXP)$/.test(form)) {
    return rs !== 31 || rt2 !== 31 || rt === rs;
  }
  if (/^LD(N)?P/.test(form)) {
    const rn = (w >>> 5) & 31;
    const writeback = /_(pre|post)$/.test(form);
    return rt === rt2 || (writeback && rn !== 31 && (rn === rt || rn === rt2));
  }
  return false;
}

describe.runIf(
  available('decode table against objdump', commandProblem(OBJDUMP, 'binutils-aarch64-linux-gnu')),
)('the integer decode table', () => {
  it('accepts exactly the encodings binutils decodes, for a plain Armv8.0 CPU', () => {
    const next = random32(0xa64);
    const words: number[] = [];
    while (words.length < 40_000) {
      const w = next();
      if (inIntegerClasses(w)) words.push(w);
    }
    const theirs = new Set([...fpForms, ...simdForms].map((f) => f.name));
    for (const cf of a64Table().forms) {
      if (theirs.has(cf.form.name)) continue;
      for (let k = 0; k < 64; k++) {
        let w = (cf.value | (next() & ~cf.mask)) >>> 0;
        for (const f of cf.fields) w = insertField(w, f, next() % 2 ** f.width);
        words.push(w);
      }
    }
    const text = objdump(words);
    // Every word is compared: objdump must have shown each one.
    expect(words.filter((w) => !text.has(w >>> 0)).map((w) => (w >>> 0).toString(16))).toEqual([]);
    const overclaimed: string[] = [];
    const missing: string[] = [];
    for (const w of words) {
      const shown = text.get(w >>> 0) as string;
      const mnemonic = shown.split(/\s+/)[0];
      const ours = accepted(w);
      const hex = (w >>> 0).toString(16).padStart(8, '0');
      if (mnemonic === '.inst' && ours && !unpredictableButExecuted(ours, w)) {
        overclaimed.push(`${hex} accepted as ${ours}, objdump: ${shown}`);
      }
      if (mnemonic !== '.inst' && !ours && !NOT_ON_THIS_CPU.test(mnemonic) && inIntegerClasses(w)) {
        missing.push(`${hex} refused, objdump: ${shown}`);
      }
    }
    expect(overclaimed.slice(0, 10)).toEqual([]);
    expect(missing.slice(0, 10)).toEqual([]);
    // Not only accepted: for the data-processing classes the destination arm64kit decodes (field
    // d) and its width (field f, sf) are objdump's first operand.
    const wrongOperand: string[] = [];
    let operandsCompared = 0;
    for (const w of words) {
      const op0 = (w >>> 25) & 0xf;
      if ((op0 & 0xe) !== 0x8 && (op0 & 0x7) !== 0x5) continue;
      const ours = accepted(w);
      const shown = text.get(w >>> 0) as string;
      const [mnemonic, first] = shown.split(/[\s,]+/);
      // Aliases without a destination (compare, test, conditional compare), and PC-relative ADR/ADRP.
      if (!ours || /^(cmp|cmn|tst|ccmp|ccmn|adrp?)$/.test(mnemonic)) continue;
      const m = /^([wx])(\d+|zr|sp)$/.exec(first) ?? /^(w?)sp$/.exec(first);
      const width = m ? (m[1] === 'x' || (first === 'sp' && m[1] === '') ? 64 : 32) : 0;
      const reg = m ? (/^\d+$/.test(m[2] ?? '') ? Number(m[2]) : 31) : -1;
      // The fields as arm64kit decoded them: d is Rd, f is sf where the form has one.
      const { fields } = a64Table().decode(w) as NonNullable<
        ReturnType<ReturnType<typeof a64Table>['decode']>
      >;
      if (fields.d === undefined) continue;
      const rd = fields.d;
      // CRC32 writes a 32-bit checksum whatever the width (sf) of the data it takes.
      const sf = ours === 'CRC32' ? 0 : (fields.f ?? (w >>> 31) & 1);
      if (reg !== rd || width !== (sf ? 64 : 32)) {
        wrongOperand.push(`${(w >>> 0).toString(16).padStart(8, '0')} ${ours}: Rd ${rd}, objdump: ${shown}`);
      }
      operandsCompared++;
    }
    expect(wrongOperand.slice(0, 10)).toEqual([]);
    expect(operandsCompared).toBeGreaterThan(5000);
  });
});
