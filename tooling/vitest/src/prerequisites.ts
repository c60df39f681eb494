import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * Tests that need root, qemu, the cross compiler or a Docker engine ask here first.
 * Missing prerequisites skip those tests with a reason printed once; with
 * ARM64KIT_REQUIRE_ALL=1 (set by .ci/run) a missing prerequisite fails the run instead.
 */
export const requireAll = process.env.ARM64KIT_REQUIRE_ALL === '1';

/** Returns true when `problem` is null; otherwise skips (or fails under ARM64KIT_REQUIRE_ALL). */
export function available(what: string, problem: string | null): boolean {
  if (problem === null) return true;
  if (requireAll) {
    throw new Error(`prerequisite missing with ARM64KIT_REQUIRE_ALL=1: ${what}: ${problem}`);
  }
  process.stderr.write(`skipping ${what}: ${problem}\n`);
  return false;
}

export function findCommand(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return null;
}

export function rootProblem(): string | null {
  return process.getuid?.() === 0 ? null : 'needs root (uid 0)';
}

export function commandProblem(name: string, debianPackage: string): string | null {
  return findCommand(name) ? null : `${name} not found (apt-get install ${debianPackage})`;
}

export const BINFMT_DIR = '/proc/sys/fs/binfmt_misc';

export function binfmtProblem(): string | null {
  return (
    rootProblem() ??
    (existsSync(join(BINFMT_DIR, 'register'))
      ? null
      : `binfmt_misc is not mounted at ${BINFMT_DIR} (mount -t binfmt_misc binfmt_misc ${BINFMT_DIR})`)
  );
}

export function dockerProblem(): string | null {
  try {
    execFileSync('docker', ['version', '--format', '{{.Server.Version}}'], {
      stdio: 'pipe',
      timeout: 10_000,
    });
    return null;
  } catch {
    return 'no Docker engine answers (start one: dockerd --bridge=none --iptables=false &)';
  }
}

/**
 * What running cross-compiled aarch64 programs in an arm64 container needs: the base image
 * (@arm64kit/fixtures' ensureArm64BaseImage) is debootstrap'd here because no registry is
 * reachable, the programs are built with the cross compiler, and the container runs them
 * through qemu-aarch64-static registered in the host's binfmt_misc.
 */
export function arm64DockerProblem(): string | null {
  return (
    binfmtProblem() ??
    dockerProblem() ??
    commandProblem('qemu-aarch64-static', 'qemu-user-static') ??
    commandProblem('aarch64-linux-gnu-gcc', 'gcc-aarch64-linux-gnu') ??
    commandProblem('debootstrap', 'debootstrap')
  );
}
