import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureArm64Rootfs } from '@arm64kit/fixtures';
import { BENCH_PACKAGES } from '@arm64kit/test-programs';
import { CLI_BIN } from './repro-helpers.js';

/**
 * A fresh copy of the shared Debian root filesystem (minbase with python3, curl, procps…) in a
 * temporary directory of its own, which the test may change and removes when done. /dev is left
 * empty: the emulator makes up its devices, and unpacking them would need mknod.
 */
export async function unpackDebianRoot(prefix: string): Promise<string> {
  const { tarPath } = await ensureArm64Rootfs({ packages: BENCH_PACKAGES });
  const root = mkdtempSync(join(tmpdir(), prefix));
  const untar = spawnSync('tar', ['-xf', tarPath, '-C', root, '--exclude=./dev/*'], { encoding: 'utf8' });
  if (untar.status !== 0) throw new Error(`cannot unpack ${tarPath}: ${untar.stderr}`);
  return root;
}

/**
 * argv running a program of `root` under arm64kit run (argv[0] the guest path, as a shell gives
 * it); `flags` are more options of run (--env…).
 */
export function underArm64kit(
  root: string,
  program: string,
  args: readonly string[],
  flags: readonly string[] = [],
): string[] {
  return [
    process.execPath,
    CLI_BIN,
    'run',
    ...flags,
    '--sysroot',
    root,
    '--argv0',
    program,
    join(root, program),
    ...args,
  ];
}
