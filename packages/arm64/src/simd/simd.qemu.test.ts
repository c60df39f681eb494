import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { available, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import { describe, expect, it } from 'vitest';
import { runOracle } from './oracle/compare.js';

/**
 * Every implemented AdvSIMD form and the scalar FP forms (moves, selects, compares, conversions,
 * fixed point, FPCR modes), run by arm64kit and by qemu-aarch64-static on the same binary
 * (oracle/simd-oracle.c): one line per instruction with a hash of all its results over edge-case
 * and random operands, so a failure names the instruction that differs.
 */
const prerequisite =
  commandProblem('aarch64-linux-gnu-gcc', 'gcc-aarch64-linux-gnu') ??
  commandProblem('qemu-aarch64-static', 'qemu-user-static');

describe.runIf(available('AdvSIMD forms against qemu-aarch64-static', prerequisite))(
  'AdvSIMD forms match qemu-aarch64-static',
  () => {
    it('gives the same results for every instruction', { timeout: 120_000 }, () => {
      const source = join(dirname(fileURLToPath(import.meta.url)), 'oracle', 'simd-oracle.c');
      const run = runOracle(source, 'armv8.5-a+crypto+sha3');
      expect({ exit: run.exitCode, report: run.report, lines: run.actual.length }).toEqual({
        exit: 0,
        report: null,
        lines: run.expected.length,
      });
      expect(run.differing).toEqual([]);
    });
  },
);
