import { spawnSync } from 'node:child_process';
import { buildProgram, CROSS_CC, runUnderEmulator } from '@arm64kit/test-programs';
import { available, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import { describe, expect, it } from 'vitest';
import { inProcess } from './support/in-process.js';

/**
 * What the differential credentials program cannot compare with qemu, which cannot execute an
 * aarch64 program: the ids and capabilities execve leaves, compared with the same program built
 * for the host and run on the host's kernel.
 */
const prerequisites = commandProblem(CROSS_CC, 'gcc-aarch64-linux-gnu') ?? commandProblem('cc', 'gcc');

describe.runIf(available('aarch64 credentials tests', prerequisites))(
  'credentials across execve, as the host kernel keeps them',
  () => {
    it('keeps the real and effective ids, sets saved and fs ids to the effective ones', async () => {
      const native = buildProgram('credentials', { opt: 'O2', native: true });
      const host = spawnSync(native, ['exec'], { encoding: 'utf8', env: { LANG: 'C' }, timeout: 60_000 });
      const emulated = await runUnderEmulator(buildProgram('credentials', { opt: 'O2' }), inProcess(), {
        args: ['exec'],
      });
      expect(host.stdout).toContain('after exec: ');
      expect(emulated).toEqual({ stdout: host.stdout, stderr: host.stderr, status: host.status });
    });
  },
);
