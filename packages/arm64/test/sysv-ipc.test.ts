import { buildProgram, CROSS_CC, runNatively, runUnderEmulator } from '@arm64kit/test-programs';
import { available, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import { describe, expect, it } from 'vitest';
import { inProcess } from './support/in-process.js';

/**
 * System V IPC against the host's kernel: the same program built for the host, with the cases
 * qemu-aarch64-static answers differently from the kernel (the differential suite compares the
 * rest with qemu). The host run uses the host's IPC namespace and arm64kit the run's own, so the
 * program prints nothing that depends on ids, keys or other processes' objects.
 */
const prerequisites = commandProblem(CROSS_CC, 'gcc-aarch64-linux-gnu') ?? commandProblem('cc', 'gcc');

describe.runIf(available('System V IPC tests', prerequisites))(
  'System V IPC, as the host kernel answers',
  () => {
    it('answers shmat, msgsnd and msgctl where qemu departs from the kernel', async () => {
      const run = { args: ['kernel'] };
      const expected = await runNatively(buildProgram('sysv-ipc', { opt: 'O2', native: true }), run);
      expect(expected.stdout).toContain('SHM_REMAP without address: EINVAL');
      expect(expected.stdout).toContain('message over msgmax: EINVAL');
      expect(expected.stdout).toContain('lrpid self 1');
      const actual = await runUnderEmulator(buildProgram('sysv-ipc', { opt: 'O2' }), inProcess(), run);
      expect(actual).toEqual(expected);
    });
  },
);
