import { GuestDeadlockError, runProgramAsync } from '@arm64kit/core';
import { buildProgram, CROSS_CC, runUnderEmulator } from '@arm64kit/test-programs';
import { available, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import { describe, expect, it } from 'vitest';
import { aarch64 } from '../src/index.js';

describe.runIf(available('aarch64 deadlock test', commandProblem(CROSS_CC, 'gcc-aarch64-linux-gnu')))(
  'a guest that would wait forever',
  () => {
    /** Runs test program `name` with `args` and returns what it wrote and the error that ended the run. */
    async function stuck(name: string, args: string[]): Promise<{ stdout: string; thrown: unknown }> {
      let thrown: unknown = null;
      const outcome = await runUnderEmulator(
        buildProgram(name),
        async (path, io) => {
          try {
            return await runProgramAsync({ arch: aarch64, path, ...io, timeoutMs: 60_000 });
          } catch (error) {
            thrown = error;
            return { exitCode: -1 };
          }
        },
        { args },
      );
      return { stdout: outcome.stdout, thrown };
    }

    // The kernel (and qemu) would block this read for ever; there is no oracle to compare with.
    it('ends with GuestDeadlockError instead of hanging, after what it wrote', async () => {
      const { stdout, thrown } = await stuck('pipes', ['deadlock']);
      expect(thrown).toBeInstanceOf(GuestDeadlockError);
      expect((thrown as GuestDeadlockError).message).toContain('read from an empty pipe');
      expect(stdout).toBe('reading an empty pipe we hold the write end of\n');
    });

    // The kernel leaves a stopped process stopped until something sends SIGCONT; when nothing in
    // the run can, the run ends rather than spinning or sleeping for ever.
    it('ends when the first process waits for a stopped child nothing can continue', async () => {
      const { stdout, thrown } = await stuck('stop', ['stuck-child']);
      expect(thrown).toBeInstanceOf(GuestDeadlockError);
      expect((thrown as GuestDeadlockError).message).toMatch(
        /wait for a child that cannot end, while nothing can continue process \d+ \(stopped by SIGSTOP\)/,
      );
      expect(stdout).toBe('child stopped; waiting for it to end\n');
    });

    it('ends when the first process stops itself', async () => {
      const { stdout, thrown } = await stuck('stop', ['stuck-self']);
      expect(thrown).toBeInstanceOf(GuestDeadlockError);
      expect((thrown as GuestDeadlockError).message).toMatch(
        /a stopped first process, while nothing can continue process \d+ \(stopped by SIGSTOP\)/,
      );
      expect(stdout).toBe('stopping myself\n');
    });
  },
);
