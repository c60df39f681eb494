import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_BIN } from './repro-helpers.js';
import { execute, type Outcome } from './spawn-outcome.js';

/**
 * `arm64kit run --sysroot ROOT` against `qemu-ARCH-static -L ROOT`, for programs of a Debian
 * root filesystem. qemu's -L applies to absolute paths only, so a program that must agree
 * under both names its files by absolute path or runs in a directory inside the root: the
 * guest's cwd is that directory for arm64kit (`--cwd`) and its host path for qemu. Neither can
 * exec a program of the guest from inside (qemu -L would exec the host's), so what forks here
 * must not exec.
 */
export interface SysrootRun {
  /** Absolute guest path of the program, then its arguments. */
  argv: readonly string[];
  stdin?: string;
  /** Guest directory to start in; default `/`. */
  cwd?: string;
  /** The whole environment; default this process's. */
  env?: Readonly<Record<string, string>>;
}

/** Unpacks a root filesystem tar into a fresh temporary directory and returns it. */
export function unpackRootfs(tarPath: string, prefix: string): string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  // As root, tar recreates /dev's nodes (null, zero, urandom...) that the programs open.
  const untar = spawnSync('tar', ['-xf', tarPath, '-C', root], { encoding: 'utf8' });
  if (untar.status !== 0) throw new Error(`cannot unpack ${tarPath} into ${root}: ${untar.stderr}`);
  return root;
}

/** The program under `qemu -L root`. */
export function underQemu(qemu: string, root: string, run: SysrootRun): Promise<Outcome> {
  const [program, ...args] = run.argv;
  return execute([qemu, '-L', root, join(root, program), ...args], run.stdin, {
    cwd: join(root, run.cwd ?? '/'),
    env: run.env,
  });
}

/** The program under `arm64kit run --sysroot root`. */
export function underArm64kit(root: string, run: SysrootRun): Promise<Outcome> {
  const [program, ...args] = run.argv;
  return execute(
    [
      process.execPath,
      CLI_BIN,
      'run',
      '--sysroot',
      root,
      '--cwd',
      run.cwd ?? '/',
      join(root, program),
      ...args,
    ],
    run.stdin,
    { env: run.env },
  );
}
