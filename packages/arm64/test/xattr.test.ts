import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProgram, CROSS_CC, QEMU, runUnderEmulator, runUnderQemu } from '@arm64kit/test-programs';
import { available, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcess } from './support/in-process.js';

const prerequisites =
  commandProblem(CROSS_CC, 'gcc-aarch64-linux-gnu') ?? commandProblem(QEMU, 'qemu-user-static');

// The guest's files have no extended attributes: every call answers as the kernel does on a file
// system without them. /proc is one such under the kernel, so qemu's answers on a /proc file are
// the ones arm64kit must give on an ordinary file.
describe.runIf(available('extended attributes', prerequisites))(
  'extended attributes, as on a file system without them',
  { timeout: 120_000 },
  () => {
    let dir = '';
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'arm64kit-xattr-'));
      writeFileSync(join(dir, 'file'), 'content');
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('answers set/get/remove EOPNOTSUPP, lists nothing, and checks arguments and files as the kernel', async () => {
      const binary = buildProgram('file-calls');
      const expected = await runUnderQemu(binary, { args: ['xattr', '/proc/self/comm'] });
      expect(expected.stdout).toContain('setxattr: -1 EOPNOTSUPP\n');
      expect(expected.stdout).toContain('listxattr: 0\n');
      const actual = await runUnderEmulator(binary, inProcess(), { args: ['xattr', join(dir, 'file')] });
      expect(actual).toEqual(expected);
    });
  },
);
