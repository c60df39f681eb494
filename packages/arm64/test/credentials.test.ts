import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildProgram, CROSS_CC, runNatively, runUnderEmulator } from '@arm64kit/test-programs';
import { available, commandProblem, rootProblem } from '@arm64kit/vitest-config/prerequisites';
import { suiteTempDir } from '@arm64kit/vitest-config/suite-temp-dir';
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

/** The user that owns the set-id copies: nobody, as an unprivileged owner other than the caller. */
const NOBODY = 65534;

describe.runIf(available('set-user-ID execve tests', prerequisites ?? rootProblem()))(
  'set-user-ID and set-group-ID programs, as the host kernel runs them',
  () => {
    const scratch = suiteTempDir('arm64kit-setid-');

    /** A copy of `binary` owned by nobody, with the set-user-ID and set-group-ID bits. */
    function setIdCopy(binary: string, name: string): string {
      chmodSync(scratch(), 0o755); // an unprivileged caller must reach it
      const copy = join(scratch(), name);
      copyFileSync(binary, copy);
      chownSync(copy, NOBODY, NOBODY);
      chmodSync(copy, 0o6755);
      return copy;
    }

    it("gives the file owner's ids, AT_SECURE and a root-owned /proc/PID, except under no_new_privs", async () => {
      const native = setIdCopy(buildProgram('credentials', { opt: 'O2', native: true }), 'native');
      const guest = setIdCopy(buildProgram('credentials', { opt: 'O2' }), 'aarch64');
      const expected = await runNatively(buildProgram('credentials', { opt: 'O2', native: true }), {
        args: ['setid', native],
      });
      expect(expected.stdout).toContain(`after exec: uids 0 ${NOBODY} ${NOBODY}`);
      expect(expected.stdout).toContain('AT_SECURE 1, LD_LIBRARY_PATH gone');
      const actual = await runUnderEmulator(buildProgram('credentials', { opt: 'O2' }), inProcess(), {
        args: ['setid', guest],
      });
      expect(actual).toEqual(expected);
    });
  },
);
