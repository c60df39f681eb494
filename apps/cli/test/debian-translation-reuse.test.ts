import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aarch64 } from '@arm64kit/arm64';
import { type RunResult, runProgramAsync } from '@arm64kit/core';
import { ensureArm64Rootfs } from '@arm64kit/fixtures';
import { QEMU } from '@arm64kit/test-programs';
import { available, commandProblem, rootProblem } from '@arm64kit/vitest-config/prerequisites';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chrootOracleCommand, chrootOracleProblem } from './chroot-oracle.js';
import { CLI_BIN } from './repro-helpers.js';
import { execute } from './spawn-outcome.js';

/**
 * Shell scripts that fork and exec the same programs many times (as builds and configure scripts
 * do): every process after the first takes the translations of the code it shares with the
 * ones before it (bash, the dynamic loader, libc) from the run's cache, and prints what the
 * same script prints under qemu-aarch64-static in a chroot.
 */
const SCRIPTS: Record<string, string> = {
  'exec in a loop': 'for i in $(seq 1 30); do /bin/true || echo failed; done; echo done',
  pipelines: 'for i in $(seq 1 10); do echo "line $i" | cat | wc -c; done',
  'different programs at the same addresses':
    'for i in 1 2 3; do /bin/echo "echo $i"; /usr/bin/printf "printf %s\\n" $i; /bin/true; done | sort | uniq -c',
};

const ready =
  available('translation reuse (root, to unpack the root filesystem)', rootProblem()) &&
  available('translation reuse (qemu)', commandProblem(QEMU, 'qemu-user-static')) &&
  available('translation reuse (debootstrap)', commandProblem('debootstrap', 'debootstrap')) &&
  available('translation reuse (a private binfmt_misc for the chroot oracle)', chrootOracleProblem());

describe.runIf(ready)('processes of a run reuse the translations of code they share', () => {
  let root: string;
  let out: string;

  beforeAll(async () => {
    const { tarPath } = await ensureArm64Rootfs();
    root = mkdtempSync(join(tmpdir(), 'arm64kit-reuse-'));
    out = mkdtempSync(join(tmpdir(), 'arm64kit-reuse-out-'));
    const untar = spawnSync('tar', ['-xf', tarPath, '-C', root], { encoding: 'utf8' });
    expect(untar.status, untar.stderr).toBe(0);
  }, 1_800_000);

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
    if (out) rmSync(out, { recursive: true, force: true });
  });

  /** Runs bash -c `script` in this process, its stdout to a file: what it printed and the result. */
  async function runHere(script: string): Promise<{ stdout: string; result: RunResult }> {
    const file = join(out, 'stdout');
    const fd = openSync(file, 'w');
    try {
      const result = await runProgramAsync({
        arch: aarch64,
        path: join(root, 'usr/bin/bash'),
        argv: ['bash', '-c', script],
        sysroot: root,
        cwd: '/',
        stdout: fd,
        timeoutMs: 200_000,
      });
      return { stdout: readFileSync(file, 'utf8'), result };
    } finally {
      closeSync(fd);
    }
  }

  it.each(Object.entries(SCRIPTS))(
    '%s: the output of qemu, and most blocks taken from the cache',
    async (_, script) => {
      const expected = await execute(chrootOracleCommand(root, ['/usr/bin/bash', '-c', script]));
      expect(expected.status).toBe(0); // the oracle itself ran
      const { stdout, result } = await runHere(script);
      expect({ stdout, status: result.exitCode }).toEqual({ stdout: expected.stdout, status: 0 });
      const t = result.translations;
      expect(t).toBeDefined();
      if (t === undefined) return;
      // Each process after the first lifts little: most of its blocks come from the cache, some
      // as wasm compiled by an earlier process.
      expect(t.reused).toBeGreaterThan(2 * t.lifted);
      expect(t.reusedWasm).toBeGreaterThan(0);
    },
    240_000,
  );

  it('prints what it reused with run --stats, and runs the same with the cache off', async () => {
    const script = SCRIPTS['exec in a loop'];
    const argv = [process.execPath, CLI_BIN, 'run', '--stats', '--sysroot', root, join(root, 'usr/bin/bash')];
    const on = await execute([...argv, '-c', script]);
    const line = /translations: (\d+) lifted, (\d+) reused \((\d+) as wasm\)/.exec(on.stderr);
    expect(line, on.stderr).not.toBeNull();
    expect(Number(line?.[2])).toBeGreaterThan(Number(line?.[1]));
    const off = await execute(['env', 'ARM64KIT_TRANSLATION_CACHE_MB=0', ...argv, '-c', script]);
    expect(off.stderr).not.toMatch(/translations:/);
    expect({ stdout: off.stdout, status: off.status }).toEqual({ stdout: on.stdout, status: on.status });
  }, 240_000);
});
