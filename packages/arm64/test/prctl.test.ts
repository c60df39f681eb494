import { buildProgram, CROSS_CC, runUnderEmulator } from '@arm64kit/test-programs';
import { available, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import { describe, expect, it } from 'vitest';
import { inProcess } from './support/in-process.js';

/**
 * What the differential prctl program cannot compare with qemu (which answers these with the
 * host's or its own state): the kernel's answers as prctl(2) documents them.
 */
describe.runIf(available('aarch64 prctl tests', commandProblem(CROSS_CC, 'gcc-aarch64-linux-gnu')))(
  'prctl where qemu is no oracle',
  () => {
    it('names a thread after its program until PR_SET_NAME, cut to 15 bytes', async () => {
      const binary = buildProgram('prctl', { opt: 'O2' });
      const { stdout, status } = await runUnderEmulator(binary, inProcess(), {
        argv0: 'ignored-argv0',
        args: ['name'],
      });
      const base = binary.slice(binary.lastIndexOf('/') + 1).slice(0, 15);
      expect(stdout).toBe(`first name: "${base}" (byte 15: 0, byte 16: x)\n`);
      expect(status).toBe(0);
    });

    it('re-parents an orphan to the child subreaper, which reaps it', async () => {
      const binary = buildProgram('prctl', { opt: 'O2' });
      const { stdout, status } = await runUnderEmulator(binary, inProcess(), { args: ['subreaper'] });
      expect(stdout).toBe(
        [
          'PR_SET_CHILD_SUBREAPER: 0 ok',
          'PR_GET_CHILD_SUBREAPER: 1',
          'child inherits the flag: 0',
          'grandchild adopted by the subreaper',
          'child: exit 0',
          'wait adopted the grandchild: 1, exit 5',
          '',
        ].join('\n'),
      );
      expect(status).toBe(0);
    });
  },
);
