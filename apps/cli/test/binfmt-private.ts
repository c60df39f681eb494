import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootProblem } from '@arm64kit/vitest-config/prerequisites';

/**
 * A binfmt_misc instance of the test's own (Linux ≥ 6.7 mounts one per user namespace),
 * reached through /proc/<pid>/root of the process holding it. The binfmt commands run
 * against it with --dir, so `install aarch64` or `disable --global` change nothing on the
 * host that other programs could see.
 */
export interface PrivateBinfmt {
  dir: string;
  close(): void;
}

export function privateBinfmtProblem(): string | null {
  const root = rootProblem();
  if (root) return root;
  const mount = mkdtempSync(join(tmpdir(), 'arm64kit-cli-probe-'));
  try {
    const probe = spawnSync(
      'unshare',
      ['-Urm', 'sh', '-c', 'mount -t binfmt_misc binfmt_misc "$1"', 'sh', mount],
      {
        stdio: 'pipe',
        timeout: 10_000,
      },
    );
    return probe.status === 0
      ? null
      : 'cannot mount a private binfmt_misc in a user namespace (Linux ≥ 6.7, unshare)';
  } finally {
    rmSync(mount, { recursive: true, force: true });
  }
}

export async function privateBinfmt(): Promise<PrivateBinfmt> {
  const mount = mkdtempSync(join(tmpdir(), 'arm64kit-cli-bm-'));
  const child = spawn(
    'unshare',
    [
      '-Urm',
      'sh',
      '-c',
      'mount -t binfmt_misc binfmt_misc "$1" && echo ready && exec sleep 3600',
      'sh',
      mount,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`private binfmt_misc did not start (${code})`)));
  });
  return {
    dir: `/proc/${child.pid}/root${mount}`,
    close() {
      child.kill('SIGKILL');
      rmSync(mount, { recursive: true, force: true });
    },
  };
}
