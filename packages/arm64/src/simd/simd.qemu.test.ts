import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProgram } from '@arm64kit/core';
import { available, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aarch64 } from '../arch.js';

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
    let dir: string;
    let binary: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'arm64kit-simd-oracle-'));
      binary = join(dir, 'simd-oracle');
      const source = join(dirname(fileURLToPath(import.meta.url)), 'oracle', 'simd-oracle.c');
      execFileSync(
        'aarch64-linux-gnu-gcc',
        ['-static', '-O1', '-march=armv8.5-a+crypto+sha3', '-o', binary, source],
        { stdio: 'pipe' },
      );
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('gives the same results for every instruction', { timeout: 120_000 }, () => {
      const expected = execFileSync('qemu-aarch64-static', [binary]).toString().trim().split('\n');
      const outPath = join(dir, 'out.txt');
      const fd = openSync(outPath, 'w');
      let result: ReturnType<typeof runProgram>;
      try {
        result = runProgram({ arch: aarch64, path: binary, argv: [binary], stdout: fd, timeoutMs: 100_000 });
      } finally {
        closeSync(fd);
      }
      const actual = readFileSync(outPath, 'utf8').trim().split('\n');
      const differing = expected.filter((line, i) => actual[i] !== line).map((line) => line.slice(17));
      expect({ exit: result.exitCode, report: result.report ?? null, lines: actual.length }).toEqual({
        exit: 0,
        report: null,
        lines: expected.length,
      });
      expect(differing).toEqual([]);
    });
  },
);
