import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aarch64ForCpu, DEFAULT_CPU } from '@arm64kit/arm64';
import { runProgramAsync } from '@arm64kit/core';
import {
  buildProgram,
  CROSS_CC,
  type EmulatorRunner,
  QEMU,
  runUnderEmulator,
  runUnderQemu,
} from '@arm64kit/test-programs';
import { available, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const prerequisites =
  commandProblem(CROSS_CC, 'gcc-aarch64-linux-gnu') ?? commandProblem(QEMU, 'qemu-user-static');

/** The run's private /dev/shm directories the host holds now. */
const privateShmDirectories = () => readdirSync(tmpdir()).filter((name) => name.startsWith('arm64kit-shm-'));

/**
 * Under --sysroot, a root filesystem with no /dev/shm at all (here: a directory holding only
 * the program) still gives shm_open and sem_open a /dev/shm: one private to the run, removed
 * when it ends. The guest sees what qemu's guest sees of the host's /dev/shm.
 */
describe.runIf(available('aarch64 /dev/shm under a sysroot', prerequisites))(
  '/dev/shm under a sysroot',
  () => {
    let root: string;
    beforeEach(() => {
      root = mkdtempSync(join(tmpdir(), 'arm64kit-shm-root-'));
    });
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    const inSysroot: EmulatorRunner = async (binary, io) => {
      const inside = join(root, 'shm');
      copyFileSync(binary, inside);
      return runProgramAsync({
        arch: aarch64ForCpu(DEFAULT_CPU),
        ...io,
        path: inside,
        argv: ['/shm'],
        sysroot: root,
        cwd: '/',
        timeoutMs: 120_000,
      });
    };

    it('works without one in the root filesystem, and leaves nothing behind', async () => {
      const binary = buildProgram('shm', { opt: 'O2' });
      const before = privateShmDirectories();
      const expected = await runUnderQemu(binary);
      const actual = await runUnderEmulator(binary, inSysroot);
      expect(actual).toEqual(expected);
      expect(privateShmDirectories()).toEqual(before);
      expect(readdirSync(root)).toEqual(['shm']); // nothing was made in the root filesystem
    });
  },
);
