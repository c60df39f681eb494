import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { available, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import { describe, expect, it } from 'vitest';
import { runOracle } from './oracle/compare.js';

/**
 * Every implemented AdvSIMD form and the scalar FP forms (moves, selects, compares, conversions,
 * fixed point, FPCR modes), run by arm64kit and by qemu-aarch64-static on the same binary: one
 * line per instruction with a hash of all its results over edge-case and random operands, so a
 * failure names the instruction that differs. oracle/simd-oracle.c covers single, double and
 * integer lanes; oracle/fp16-oracle.c every half-precision (FEAT_FP16) form, scalar and vector,
 * on NaNs, infinities, denormals, signed zeros and random halves under every rounding mode, FZ16,
 * DN and AHP.
 */
const prerequisite =
  commandProblem('aarch64-linux-gnu-gcc', 'gcc-aarch64-linux-gnu') ??
  commandProblem('qemu-aarch64-static', 'qemu-user-static');

const ORACLES = [
  // program, -march, fewest instruction lines it must print
  ['simd-oracle.c', 'armv8.5-a+crypto+sha3', 600],
  ['fp16-oracle.c', 'armv8.3-a+fp16', 800],
] as const;

describe.runIf(available('AdvSIMD forms against qemu-aarch64-static', prerequisite))(
  'AdvSIMD and FP forms match qemu-aarch64-static',
  () => {
    it.each(ORACLES)(
      '%s: the same results for every instruction',
      { timeout: 300_000 },
      (program, march, least) => {
        const source = join(dirname(fileURLToPath(import.meta.url)), 'oracle', program);
        const run = runOracle(source, march);
        expect({ exit: run.exitCode, report: run.report, lines: run.actual.length }).toEqual({
          exit: 0,
          report: null,
          lines: run.expected.length,
        });
        expect(run.expected.length).toBeGreaterThan(least);
        expect(run.differing).toEqual([]);
      },
    );

    // The wasm executor runs the integer forms it can as native vector code (every block is
    // compiled there, so each instruction meets that code on every operand).
    it('simd-oracle.c on the wasm executor: the same results for every instruction', {
      timeout: 300_000,
    }, () => {
      const source = join(dirname(fileURLToPath(import.meta.url)), 'oracle', 'simd-oracle.c');
      const run = runOracle(source, 'armv8.5-a+crypto+sha3', 'wasm');
      expect({ exit: run.exitCode, report: run.report, lines: run.actual.length }).toEqual({
        exit: 0,
        report: null,
        lines: run.expected.length,
      });
      expect(run.differing).toEqual([]);
    });
  },
);
