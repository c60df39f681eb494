import { available, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import { describe, expect, it } from 'vitest';
import { decodeBitMasks } from '../src/lift/bitmask.js';
import { OBJDUMP, objdump } from './support/objdump.js';

/**
 * Every logical-immediate encoding (N:immr:imms, 32- and 64-bit) against binutils' disassembler:
 * the immediate objdump prints must be the one decodeBitMasks computes, and the encodings objdump
 * calls undefined must be the ones decodeBitMasks rejects.
 */

describe.runIf(
  available('bitmask immediates against objdump', commandProblem(OBJDUMP, 'binutils-aarch64-linux-gnu')),
)('DecodeBitMasks', () => {
  it('agrees with binutils on every AND (immediate) encoding', () => {
    const cases: { word: number; sf: number; n: number; immr: number; imms: number }[] = [];
    for (const sf of [0, 1])
      for (let n = 0; n < 2; n++)
        for (let immr = 0; immr < 64; immr++)
          for (let imms = 0; imms < 64; imms++) {
            // and xd/wd, x1/w1, #imm with Rd = 0.
            const word = ((sf << 31) | 0x12000000 | (n << 22) | (immr << 16) | (imms << 10) | (1 << 5)) >>> 0;
            cases.push({ word, sf, n, immr, imms });
          }
    const text = objdump(cases.map((c) => c.word));
    const mismatches: string[] = [];
    let valid = 0;
    for (const c of cases) {
      const shown = text.get(c.word) ?? '';
      const width = c.sf ? 64 : 32;
      // A 32-bit form with N = 1 is reserved; immr<5> is simply ignored there.
      const ours = c.sf || !c.n ? decodeBitMasks(c.n, c.imms, c.immr, true, width) : undefined;
      const m = /^and\s+[wx]0, [wx]1, #(0x[0-9a-f]+)/.exec(shown);
      if (!m) {
        if (ours)
          mismatches.push(`${c.word.toString(16)}: objdump "${shown}", ours 0x${ours.wmask.toString(16)}`);
        continue;
      }
      valid++;
      if (!ours || ours.wmask !== BigInt(m[1])) {
        mismatches.push(
          `${c.word.toString(16)}: objdump ${m[1]}, ours ${ours ? `0x${ours.wmask.toString(16)}` : 'reserved'}`,
        );
      }
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
    // Every one of the 5334 64-bit encodings, plus the 32-bit ones: the parse above really matched.
    expect(valid).toBeGreaterThan(5334);
  });
});
