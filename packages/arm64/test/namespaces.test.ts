import { buildProgram, CROSS_CC, runNatively, runUnderEmulator } from '@arm64kit/test-programs';
import { available, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import { describe, expect, it } from 'vitest';
import { inProcess } from './support/in-process.js';

/**
 * The nsfs ioctls on /proc/self/ns links against the host's kernel (qemu-aarch64-static does not
 * know them and answers ENOSYS): the same program built for the host. Every guest process is in
 * the host process's namespaces, so the answers must be the kernel's for that process.
 */
const prerequisites = commandProblem(CROSS_CC, 'gcc-aarch64-linux-gnu') ?? commandProblem('cc', 'gcc');

describe.runIf(available('namespace tests', prerequisites))(
  'namespace descriptors, as the host kernel answers',
  () => {
    it('gives each namespace its type, owning user namespace, parent and owner', async () => {
      const expected = await runNatively(buildProgram('namespaces', { opt: 'O2', native: true }));
      expect(expected.stdout).toContain('pid: open ok, type 0x20000000, user namespace ok (the user link');
      const actual = await runUnderEmulator(buildProgram('namespaces', { opt: 'O2' }), inProcess());
      expect(actual).toEqual(expected);
    });
  },
);
