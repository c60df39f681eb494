import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootProblem } from './prerequisites.js';

/**
 * A binfmt_misc instance of its own: since Linux 6.7 each user namespace can mount one.
 * A child process (`unshare -Urm`) mounts it and sleeps; we reach the mount through
 * /proc/<pid>/root. Entries registered there only apply to that namespace, so tests can
 * install `qemu-aarch64`, flip the global switch or restore a full snapshot without
 * touching the host's registrations.
 * Shared by the binfmt library tests and the CLI tests.
 */
export interface PrivateBinfmt {
  dir: string;
  /** A process inside the namespace: `nsenter -t PID -U -m CMD` runs CMD under this instance. */
  pid: number;
  close(): void;
}

let problem: string | null | undefined;

/** Why a private instance cannot be made here, or null. */
export function privateBinfmtProblem(): string | null {
  if (problem !== undefined) return problem;
  problem = rootProblem();
  if (problem) return problem;
  const mount = mkdtempSync(join(tmpdir(), 'arm64kit-bm-probe-'));
  try {
    const probe = spawnSync(
      'unshare',
      ['-Urm', 'sh', '-c', 'mount -t binfmt_misc binfmt_misc "$1" && test -e "$1/register"', 'sh', mount],
      {
        stdio: 'pipe',
        timeout: 10_000,
      },
    );
    problem =
      probe.status === 0
        ? null
        : `cannot mount a private binfmt_misc in a user namespace (needs Linux ≥ 6.7 and unshare): ${String(probe.stderr).trim() || probe.error}`;
  } finally {
    rmSync(mount, { recursive: true, force: true });
  }
  return problem;
}

export async function privateBinfmt(): Promise<PrivateBinfmt> {
  const mount = mkdtempSync(join(tmpdir(), 'arm64kit-bm-'));
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
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`private binfmt_misc did not start (${code}): ${stderr}`)));
  });
  const pid = child.pid as number;
  return {
    dir: `/proc/${pid}/root${mount}`,
    pid,
    close() {
      child.kill('SIGKILL');
      rmSync(mount, { recursive: true, force: true });
    },
  };
}

/** A do-nothing interpreter in a temporary directory; remove() deletes both. */
export interface StubInterpreter {
  /** The temporary directory, for paths next to the interpreter (e.g. a missing one). */
  dir: string;
  /** An executable `qemu-aarch64-static` there that exits 0. */
  path: string;
  remove(): void;
}

/**
 * An interpreter to register on a private instance. It must be a real executable file:
 * with the F flag the kernel opens the interpreter when the entry is registered.
 */
export function stubInterpreter(prefix: string): StubInterpreter {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const path = join(dir, 'qemu-aarch64-static');
  writeFileSync(path, '#!/bin/sh\nexit 0\n');
  chmodSync(path, 0o755);
  return { dir, path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
