import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { available, dockerProblem } from '@arm64kit/vitest-config/prerequisites';
import { suiteTempDir } from '@arm64kit/vitest-config/suite-temp-dir';
import { afterAll, describe, expect, it } from 'vitest';

/** `docker import` says on stderr what it is doing (archiving, sending, the build steps); stdout stays data. */

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'run.js');
const TAG = `arm64kit-test/import-progress:${process.pid}`;

describe.runIf(available('a Docker engine', dockerProblem()))('arm64kit docker import', () => {
  const scratch = suiteTempDir('arm64kit-import-progress-');
  afterAll(() => {
    spawnSync('docker', ['rmi', '--force', TAG], { stdio: 'ignore' });
  });

  it('shows its progress on stderr and prints only the image ID on stdout', () => {
    const rootfs = join(scratch(), 'rootfs');
    mkdirSync(join(rootfs, 'etc'), { recursive: true });
    writeFileSync(join(rootfs, 'etc', 'hostname'), 'arm64kit\n');
    const result = spawnSync(process.execPath, [BIN, 'docker', 'import', rootfs, '-t', TAG], {
      encoding: 'utf8',
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^sha256:[0-9a-f]{64}\n$/);
    const lines = result.stderr.split('\n');
    const archiving = lines.indexOf(`archiving ${rootfs}`);
    const sending = lines.findIndex((line) => /^sending \d+\.\d MiB to the engine$/.test(line));
    const step = lines.findIndex((line) => line.startsWith('step 2/2: ADD rootfs.tar /'));
    expect(archiving).toBeGreaterThan(-1);
    expect(sending).toBeGreaterThan(archiving);
    expect(step).toBeGreaterThan(sending);
  });
});
