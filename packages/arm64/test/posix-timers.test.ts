import { EXECUTORS } from '@arm64kit/core';
import { buildProgram, CROSS_CC, runNatively, runUnderEmulator } from '@arm64kit/test-programs';
import { available, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import { describe, expect, it } from 'vitest';
import { inProcess } from './support/in-process.js';

/**
 * POSIX timers against the host's kernel: the same program built for the host. qemu is no oracle
 * here, since it keeps timers itself and shows its own ids (0x0caf0000 + n) and the host's in
 * si_timerid.
 */
const prerequisites = commandProblem(CROSS_CC, 'gcc-aarch64-linux-gnu') ?? commandProblem('cc', 'gcc');

describe.runIf(available('POSIX timer tests', prerequisites))(
  'timer_create and friends, as the host kernel answers',
  () => {
    it.each(EXECUTORS)('on the %s executor', async (executor) => {
      const expected = await runNatively(buildProgram('posix-timers', { opt: 'O2', native: true }));
      expect(expected.stdout).toContain('create (no sigevent): ok, id 0');
      expect(expected.stdout).toContain('SIGEV_THREAD callback: value 5');
      const actual = await runUnderEmulator(buildProgram('posix-timers', { opt: 'O2' }), inProcess(executor));
      expect(actual).toEqual(expected);
    });
  },
);
