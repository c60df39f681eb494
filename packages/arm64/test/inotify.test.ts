import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildProgram, CROSS_CC, runNatively, runUnderEmulator } from '@arm64kit/test-programs';
import { available, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import { suiteTempDir } from '@arm64kit/vitest-config/suite-temp-dir';
import { describe, expect, it } from 'vitest';
import { inProcess } from './support/in-process.js';

/**
 * inotify against the host's kernel: the same program built for the host, each run in an empty
 * directory of its own. The events, their order, masks, names, cookies and watch descriptors
 * must be the kernel's, including those a forked child's file operations cause.
 */
const prerequisites = commandProblem(CROSS_CC, 'gcc-aarch64-linux-gnu') ?? commandProblem('cc', 'gcc');

describe.runIf(available('inotify tests', prerequisites))('inotify, as the host kernel reports it', () => {
  const scratch = suiteTempDir('arm64kit-inotify-');

  it('reports what each file operation did to watched directories and files', async () => {
    const nativeDir = join(scratch(), 'native');
    const emulatedDir = join(scratch(), 'emulated');
    mkdirSync(nativeDir);
    mkdirSync(emulatedDir);
    const expected = await runNatively(buildProgram('inotify', { opt: 'O2', native: true }), {
      args: [nativeDir],
    });
    expect(expected.stdout).toContain('1 MOVED_TO cookie:same "renamed"');
    expect(expected.stdout).toContain('blocking read: 32 bytes, CREATE "file"');
    const actual = await runUnderEmulator(buildProgram('inotify', { opt: 'O2' }), inProcess(), {
      args: [emulatedDir],
    });
    expect(actual).toEqual(expected);
  });
});
