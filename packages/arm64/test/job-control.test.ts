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

    // restart.c times its calls: it runs here on the default executor, not among the
    // differential programs, whose every-block wasm run is too slow to keep to its times.
    it('restarts blocked calls after a stop and continue as the kernel does, writing the time left', async () => {
      const c = { args: ['rem'] };
      const expected = await runNatively(buildProgram('restart', { native: true }), c);
      expect(expected.stdout).toContain('nanosleep: 0, first deadline kept');
      expect(expected.stdout).toContain('epoll_wait: -1 EINTR, ended early');
      expect(expected.stdout).toContain('pselect: 0, deadline moved by the stop');
      expect(expected.stdout).toContain('rem untouched 0');
      const actual = await runUnderEmulator(buildProgram('restart', { opt: 'O2' }), inProcess(), c);
      expect(actual).toEqual(expected);
    });
  },
);
