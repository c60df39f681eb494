import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BINFMT_DIR } from '@arm64kit/vitest-config/prerequisites';
import { runCommand } from '@oclif/test';
import type { DoctorResult } from '../src/commands/doctor.js';

/** The CLI package directory (oclif loads commands from its dist/). */
export const CLI_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The aarch64 preset's magic and mask, as a register line spells them. */
const AARCH64_MAGIC =
  '\\x7f\\x45\\x4c\\x46\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xb7\\x00';
const AARCH64_MASK =
  '\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff';

/** Every entry's name and status text plus the global status: compared byte for byte after the suite. */
export function snapshotBinfmt(): Record<string, string> {
  const snapshot: Record<string, string> = {};
  for (const name of execFileSync('ls', ['-f', BINFMT_DIR], { encoding: 'utf8' }).split('\n')) {
    if (!name || name === '.' || name === '..' || name === 'register') continue;
    try {
      snapshot[name] = readFileSync(join(BINFMT_DIR, name), 'utf8');
    } catch {}
  }
  return snapshot;
}

/** Registers a copy of the aarch64 preset under a test name, with the given interpreter and flags. */
export function registerAarch64(name: string, interpreter: string, flags: string): void {
  writeFileSync(
    join(BINFMT_DIR, 'register'),
    `:${name}:M::${AARCH64_MAGIC}:${AARCH64_MASK}:${interpreter}:${flags}`,
  );
}

export function setEntry(name: string, value: '0' | '1' | '-1'): void {
  writeFileSync(join(BINFMT_DIR, name), value);
}

export function setGlobalStatus(value: '0' | '1'): void {
  writeFileSync(join(BINFMT_DIR, 'status'), value);
}

/** Removes every entry whose name starts with the prefix (each test's teardown). */
export function removeEntries(prefix: string): void {
  for (const name of Object.keys(snapshotBinfmt())) {
    if (!name.startsWith(prefix)) continue;
    try {
      setEntry(name, '-1');
    } catch {}
  }
}

/** Scratch interpreters: a static one (a copy of qemu-aarch64-static) and a dynamic one (/bin/true). */
export interface Scratch {
  dir: string;
  staticInterp: string;
  dynamicInterp: string;
  missingInterp: string;
  /** A directory holding an `arm64kit` that runs this checkout's CLI, for the printed fixes. */
  binDir: string;
  cleanup(): void;
}

export function makeScratch(): Scratch {
  const dir = mkdtempSync(join(tmpdir(), 'arm64kit-doctor-'));
  const staticInterp = join(dir, 'qemu-aarch64-static');
  const dynamicInterp = join(dir, 'true-dynamic');
  copyFileSync('/usr/bin/qemu-aarch64-static', staticInterp);
  copyFileSync('/bin/true', dynamicInterp);
  chmodSync(staticInterp, 0o755);
  chmodSync(dynamicInterp, 0o755);
  const binDir = join(dir, 'bin');
  execFileSync('mkdir', ['-p', binDir]);
  const shim = join(binDir, 'arm64kit');
  writeFileSync(
    shim,
    `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(join(CLI_ROOT, 'bin/run.js'))} "$@"\n`,
  );
  chmodSync(shim, 0o755);
  return {
    dir,
    staticInterp,
    dynamicInterp,
    missingInterp: join(dir, 'no-such-interpreter'),
    binDir,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Runs `arm64kit doctor ... --json` in process and returns its report and exit code. */
export async function doctor(args: string[]): Promise<{ result: DoctorResult; exit: number }> {
  const { stdout, error } = await runCommand(['doctor', ...args, '--json'], { root: CLI_ROOT });
  const exit = (error as { oclif?: { exit?: number } } | undefined)?.oclif?.exit ?? (error ? 125 : 0);
  if (error && exit !== 1) throw error;
  return { result: JSON.parse(stdout) as DoctorResult, exit };
}

/** Runs a printed fix command in a shell, with this checkout's `arm64kit` first on PATH. */
export function runFix(command: string, binDir: string): string {
  return execFileSync('sh', ['-c', command], {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${binDir}:${process.env.PATH}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
