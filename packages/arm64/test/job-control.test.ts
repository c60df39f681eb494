import { buildProgram, CROSS_CC, runNatively, runUnderEmulator } from '@arm64kit/test-programs';
import { available, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import { describe, expect, it } from 'vitest';
import { inProcess } from './support/in-process.js';

const prerequisites = commandProblem(CROSS_CC, 'gcc-aarch64-linux-gnu') ?? commandProblem('cc', 'gcc');

/**
 * What the differential stop program cannot compare with qemu: qemu-aarch64-static does not pass
 * SA_NOCLDSTOP on to the host, so its guests get SIGCHLD when a child stops or continues. The
 * host's kernel, running the same program built for the host, is the oracle here.
 */
describe.runIf(available('job control where qemu is no oracle', prerequisites))(
  'job control where qemu is no oracle',
  () => {
    it('sends no SIGCHLD for a stop or a continue to a parent with SA_NOCLDSTOP, as the kernel', async () => {
      const c = { args: ['nocldstop'] };
      const expected = await runNatively(buildProgram('stop', { native: true }), c);
      expect(expected.stdout).toContain('SIGCHLD after the stop: 0');
      const actual = await runUnderEmulator(buildProgram('stop', { opt: 'O2' }), inProcess(), c);
      expect(actual).toEqual(expected);
    });
  },
);
