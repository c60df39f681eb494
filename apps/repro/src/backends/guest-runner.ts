import { ReproError } from '../errors.js';
import type { Observed } from './backend.js';
import { findExecutable } from './host-facts.js';
import { runCommand } from './run-command.js';

/** One aarch64 program run, as an interpreter started by binfmt_misc would run it. */
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
 * qemu-aarch64-static started directly (no binfmt_misc): `-0` sets the program's argv[0]
 * and `-L` the sysroot. Used as a reference for the embedded backend's own runner.
 */
export function qemuRunner(qemu = findExecutable('qemu-aarch64-static')): GuestRunner {
  if (qemu === null) {
    throw new ReproError(
      'BACKEND_UNAVAILABLE',
      'qemu-aarch64-static not found (apt-get install qemu-user-static)',
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

/** The arm64kit emulator (@arm64kit/core with @arm64kit/arm64). */
export async function emulatorRunner(): Promise<GuestRunner> {
  throw new ReproError(
    'BACKEND_UNAVAILABLE',
    'the arm64kit emulator cannot run programs in this build yet (use --backend host or --backend docker)',
  );
}
