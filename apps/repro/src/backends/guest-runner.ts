import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Architecture, runProgram } from '@arm64kit/core';
import { type ReproArch, type ReproTarget, reproTarget } from '../arch.js';
import { ReproError } from '../errors.js';
import type { Observed } from './backend.js';
import { findExecutable } from './host-facts.js';
import { runCommand } from './run-command.js';

/** One guest program run, as an interpreter started by binfmt_misc would run it. */
export interface GuestRun {
  /** The program, as the guest sees it (absolute; inside `sysroot` when there is one). */
  path: string;
  /** The argv the program gets. */
  argv: string[];
  env: Record<string, string>;
  /** The working directory, as the guest sees it. */
  cwd: string;
  sysroot?: string;
  /** The AT_FLAGS the kernel gave the interpreter (bit 0: P). */
  atFlags: number;
}

export interface GuestRunner {
  description: string;
  run(run: GuestRun): Promise<Observed>;
}

/**
 * The target's qemu-user-static (qemu-aarch64-static, qemu-riscv64-static) started directly (no
 * binfmt_misc): `-0` sets the program's argv[0] and `-L` the sysroot. Used as a reference for the
 * embedded backend's own runner.
 */
export function qemuRunner(
  target: ReproTarget = reproTarget(),
  qemu = findExecutable(target.qemu),
): GuestRunner {
  if (qemu === null) {
    throw new ReproError(
      'BACKEND_UNAVAILABLE',
      `${target.qemu} not found (apt-get install qemu-user-static)`,
    );
  }
  return {
    description: `${qemu} (started directly)`,
    run: (r) => {
      const args = [
        '-0',
        r.argv[0],
        ...(r.sysroot === undefined ? [] : ['-L', r.sysroot]),
        r.path,
        ...r.argv.slice(1),
      ];
      // qemu runs in the caller's cwd; a shell hop puts it in the guest's.
      const cwd = r.sysroot === undefined ? r.cwd : `${r.sysroot}${r.cwd}`;
      return runCommand(
        '/bin/sh',
        ['-c', 'cd "$1" || exit 125; shift; exec "$@"', 'sh', cwd, qemu, ...args],
        {
          env: r.env,
        },
      );
    },
  };
}

/** How long one guest program may run on the emulator before it is stopped. */
const EMULATOR_TIMEOUT_MS = 120_000;

/** The emulator's frontend for the architecture; each is loaded only when its programs run. */
async function frontend(arch: ReproArch): Promise<Architecture> {
  if (arch === 'riscv64') return (await import('@arm64kit/riscv64')).riscv64;
  return (await import('@arm64kit/arm64')).aarch64;
}

/**
 * The arm64kit emulator (@arm64kit/core with the target's frontend, @arm64kit/arm64 or
 * @arm64kit/riscv64), in this process. Output goes through temporary files because the emulator
 * writes to host descriptors.
 */
export async function emulatorRunner(target: ReproTarget = reproTarget()): Promise<GuestRunner> {
  const arch = await frontend(target.arch);
  return {
    description: 'arm64kit emulator (in process)',
    run: async (r) => {
      const dir = mkdtempSync(join(tmpdir(), 'arm64kit-repro-out-'));
      try {
        return runCaptured(arch, r, dir);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** One emulator run with stdin from /dev/null and stdout/stderr captured in files under `dir`. */
function runCaptured(arch: Architecture, r: GuestRun, dir: string): Observed {
  const stdin = openSync('/dev/null', 'r');
  const stdout = openSync(join(dir, 'stdout'), 'w+');
  const stderr = openSync(join(dir, 'stderr'), 'w+');
  let exitCode: number;
  let report = '';
  try {
    const result = runProgram({
      arch,
      path: r.sysroot === undefined ? r.path : join(r.sysroot, r.path),
      argv: r.argv,
      env: Object.entries(r.env).map(([k, v]) => `${k}=${v}`),
      ...(r.sysroot === undefined ? {} : { sysroot: r.sysroot }),
      cwd: r.cwd,
      stdin,
      stdout,
      stderr,
      atFlags: r.atFlags,
      timeoutMs: EMULATOR_TIMEOUT_MS,
    });
    exitCode = result.exitCode;
    if (result.report !== undefined) report = `${result.report}\n`;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code !== 'string') throw error;
    const missingLoader = code === 'PROGRAM_NOT_FOUND' && (error as { path?: string }).path !== r.path;
    const hint =
      missingLoader && r.sysroot === undefined
        ? ' (it is dynamically linked: give --rootfs DIR, a root filesystem with its libraries)'
        : '';
    throw new ReproError(
      'BACKEND_FAILED',
      `the arm64kit emulator cannot run ${r.path}: ${(error as Error).message}${hint}`,
    );
  } finally {
    for (const fd of [stdin, stdout, stderr]) {
      try {
        closeSync(fd);
      } catch {}
    }
  }
  return {
    exitCode,
    stdout: readFileSync(join(dir, 'stdout'), 'utf8'),
    stderr: readFileSync(join(dir, 'stderr'), 'utf8') + report,
  };
}
