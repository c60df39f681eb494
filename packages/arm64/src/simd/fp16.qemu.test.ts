import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { available, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import { describe, expect, it } from 'vitest';
import { runOracle } from './oracle/compare.js';

/**
 * Every half-precision (FEAT_FP16) form, scalar and AdvSIMD, run by arm64kit and by
 * qemu-aarch64-static on the same binary (oracle/fp16-oracle.c): NaNs, infinities, denormals, signed
 * zeros and random halves, under every rounding mode, FZ16, DN and AHP, one line per instruction
 * and FPCR setting with a hash of all its results and FPSR flags.
 */
const prerequisite =
  commandProblem('aarch64-linux-gnu-gcc', 'gcc-aarch64-linux-gnu') ??
  commandProblem('qemu-aarch64-static', 'qemu-user-static');

describe.runIf(available('FP16 forms against qemu-aarch64-static', prerequisite))(
  'half-precision forms match qemu-aarch64-static',
  () => {
    it('gives the same results and flags for every instruction and FPCR setting', {
      timeout: 300_000,
    }, () => {
      const source = join(dirname(fileURLToPath(import.meta.url)), 'oracle', 'fp16-oracle.c');
      const run = runOracle(source, 'armv8.3-a+fp16');
      expect({ exit: run.exitCode, report: run.report, lines: run.actual.length }).toEqual({
        exit: 0,
        report: null,
        lines: run.expected.length,
      });
      // the program covers what it claims: a few hundred instruction lines, FZ16 among them
      expect(run.expected.length).toBeGreaterThan(800);
      expect(run.expected.filter((line) => line.includes('#0x80000;')).length).toBeGreaterThan(50);
      expect(run.differing).toEqual([]);
    });
  },
);
