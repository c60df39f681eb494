import { GuestDeadlockError, runProgramAsync } from '@arm64kit/core';
import { buildProgram, CROSS_CC, runUnderEmulator } from '@arm64kit/test-programs';
import { available, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import { describe, expect, it } from 'vitest';
import { aarch64 } from '../src/index.js';

describe.runIf(available('aarch64 deadlock test', commandProblem(CROSS_CC, 'gcc-aarch64-linux-gnu')))(
  'a guest that would wait forever',
  () => {
    // The kernel (and qemu) would block this read for ever; there is no oracle to compare with.
    it('ends with GuestDeadlockError instead of hanging, after what it wrote', async () => {
      const binary = buildProgram('pipes');
      let thrown: unknown = null;
      const outcome = await runUnderEmulator(
        binary,
        async (path, io) => {
          try {
            return await runProgramAsync({ arch: aarch64, path, ...io, timeoutMs: 60_000 });
          } catch (error) {
            thrown = error;
            return { exitCode: -1 };
          }
        },
        { args: ['deadlock'] },
      );
      expect(thrown).toBeInstanceOf(GuestDeadlockError);
      expect((thrown as GuestDeadlockError).message).toContain('read from an empty pipe');
      expect(outcome.stdout).toBe('reading an empty pipe we hold the write end of\n');
    });
  },
);
