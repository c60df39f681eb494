import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareProgram } from '@arm64kit/core';
import { buildProgram, CROSS_CC } from '@arm64kit/test-programs';
import { available, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import { describe, expect, it } from 'vitest';
import { aarch64 } from '../src/index.js';

describe.runIf(available('aarch64 external signal test', commandProblem(CROSS_CC, 'gcc-aarch64-linux-gnu')))(
  'a signal sent from outside the guest',
  () => {
    it('reaches a guest that is computing, between blocks', async () => {
      const binary = buildProgram('timers');
      const dir = mkdtempSync(join(tmpdir(), 'arm64kit-external-'));
      const out = openSync(join(dir, 'out'), 'w');
      try {
        const { machine, kernel } = prepareProgram({
          arch: aarch64,
          path: binary,
          argv: [binary, 'external'],
          stdout: out,
        });
        // Sent while runAsync gives the event loop its turns, as a CLI forwarding Ctrl-C would.
        const timer = setTimeout(() => kernel.sendSignal(2), 100);
        const exit = await machine.runAsync(kernel, { timeoutMs: 60_000, sliceMs: 10 });
        clearTimeout(timer);
        expect(exit).toEqual({ exitCode: 0 });
        expect(readFileSync(join(dir, 'out'), 'utf8')).toBe('waiting for SIGINT\ngot it: code 0\n');
        expect(() => kernel.sendSignal(65)).toThrow(RangeError);
      } finally {
        closeSync(out);
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);
