import { spawnSync } from 'node:child_process';
import { closeSync, fstatSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProgramAsync } from '@arm64kit/core';
import { buildProgram, CROSS_CC, QEMU } from '@arm64kit/test-programs';
import { available, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aarch64 } from '../src/index.js';

const prerequisites =
  commandProblem(CROSS_CC, 'gcc-aarch64-linux-gnu') ?? commandProblem(QEMU, 'qemu-user-static');

describe.runIf(available('inherited descriptors 0-2', prerequisites))(
  'descriptors 0-2 the guest inherits',
  { timeout: 60_000 },
  () => {
    let dir = '';
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'arm64kit-stdio-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    /** `host-signals stdio` under arm64kit with host descriptor `stdin` as its descriptor 0. */
    async function ours(stdin: number): Promise<string> {
      const outPath = join(dir, 'out');
      const out = openSync(outPath, 'w');
      try {
        await runProgramAsync({
          arch: aarch64,
          path: buildProgram('host-signals'),
          argv: ['host-signals', 'stdio'],
          env: [],
          stdin,
          stdout: out,
          stderr: out,
          timeoutMs: 30_000,
        });
      } finally {
        closeSync(out);
      }
      return readFileSync(outPath, 'utf8');
    }

    /** The same under qemu-aarch64-static, its descriptor 0 set up by `redirect` in a shell. */
    function theirs(redirect: string): string {
      const run = spawnSync('/bin/sh', [
        '-c',
        `exec ${redirect}; exec "$@"`,
        'sh',
        QEMU,
        buildProgram('host-signals'),
        'stdio',
      ]);
      return run.stdout.toString();
    }

    it('sees a descriptor the host does not have as closed: EBADF everywhere, as under qemu with <&-', async () => {
      const closed = 999; // a host descriptor number this process has not opened
      expect(() => fstatSync(closed)).toThrow(/EBADF/);
      const expected = theirs('<&-');
      expect(expected).toContain('read(0): -1 EBADF\n');
      expect(expected).toContain('fstat(0): EBADF\n');
      expect(await ours(closed)).toBe(expected);
    });

    it('sees /dev/null opened for reading and writing as it is, as under qemu with <>/dev/null', async () => {
      const devNull = openSync('/dev/null', 'r+');
      try {
        const expected = theirs('<>/dev/null');
        expect(expected).toContain('F_GETFL(0): O_RDWR\n');
        expect(await ours(devNull)).toBe(expected);
      } finally {
        closeSync(devNull);
      }
    });
  },
);
