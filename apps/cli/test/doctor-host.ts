import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { binfmtState, notOtherSuites } from '@arm64kit/vitest-config/binfmt-state';
import { BINFMT_DIR, requireAll } from '@arm64kit/vitest-config/prerequisites';
import { expect } from 'vitest';
import type { DoctorResult } from '../src/commands/doctor.js';

/** The CLI package directory (oclif loads commands from its dist/). */
export const CLI_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The aarch64 preset's magic and mask, as a register line spells them. */
const AARCH64_MAGIC =
  '\\x7f\\x45\\x4c\\x46\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xb7\\x00';
const AARCH64_MASK =
  '\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff';

/** Every entry the doctor tests register starts with this. */
export const TEST_PREFIX = 'arm64kit-test-doctor-';

/** binfmt_misc as [name, bytes] pairs in the kernel's order (the shared state reader). */
export type BinfmtBytes = [string, string][];

/**
 * The global status and every entry, byte for byte and in the kernel's order: under
 * ARM64KIT_REQUIRE_ALL (CI, one package at a time) the whole directory; elsewhere all but the
 * entries other test suites (all named arm64kit-…) register meanwhile, the doctor's own kept.
 */
export function snapshotBinfmt(): BinfmtBytes {
  return binfmtState(requireAll ? undefined : notOtherSuites(TEST_PREFIX));
}

/** The host's binfmt_misc is as it was, order included, and none of the doctor's entries is left. */
export function expectHostUnchanged(before: BinfmtBytes): void {
  expect(snapshotBinfmt()).toEqual(before);
}

/** The global status file's text in a snapshot. */
export function globalStatus(snapshot: BinfmtBytes): string {
  const status = snapshot.find(([name]) => name === 'status');
  if (!status) throw new Error('binfmt_misc snapshot without its status file');
  return status[1];
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
  for (const [name] of binfmtState((n) => n.startsWith(prefix))) setEntry(name, '-1');
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

/** Runs a program without blocking the test worker; never rejects on a non-zero exit. */
function spawnAsync(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ stdout: string; stderr: string; status: number }> {
  return new Promise((resolveRun, reject) => {
    execFile(
      file,
      args,
      { encoding: 'utf8', env, timeout: 180_000, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        const code = (error as { code?: unknown } | null)?.code;
        if (error && typeof code !== 'number') return reject(error);
        resolveRun({ stdout, stderr, status: typeof code === 'number' ? code : 0 });
      },
    );
  });
}

/** Runs the built CLI as users do: `node bin/run.js ARGS`, outside vitest's module conditions. */
export function cli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ stdout: string; stderr: string; status: number }> {
  return spawnAsync(process.execPath, [join(CLI_ROOT, 'bin/run.js'), ...args], {
    ...process.env,
    NODE_OPTIONS: '',
    ...env,
  });
}

/** Runs `arm64kit doctor ... --json` and returns its report and exit code. */
export async function doctor(args: string[]): Promise<{ result: DoctorResult; exit: number }> {
  const { stdout, stderr, status } = await cli(['doctor', ...args, '--json']);
  if (status !== 0 && status !== 1) throw new Error(`doctor exited ${status}: ${stderr}`);
  return { result: JSON.parse(stdout) as DoctorResult, exit: status };
}

/** Runs a printed fix command in a shell, with this checkout's `arm64kit` first on PATH; throws if it fails. */
export async function runFix(command: string, binDir: string): Promise<string> {
  const run = await spawnAsync('sh', ['-c', command], {
    ...process.env,
    NODE_OPTIONS: '',
    PATH: `${binDir}:${process.env.PATH}`,
  });
  if (run.status !== 0) throw new Error(`fix "${command}" exited ${run.status}: ${run.stderr}`);
  return run.stdout;
}

/**
 * Runs a shell script in a private mount namespace where binfmt_misc is unmounted: the host's
 * mount is untouched, so other processes keep their handlers.
 */
export async function inUnmountedNamespace(script: string, binDir: string): Promise<string> {
  const run = await spawnAsync(
    'unshare',
    ['--mount', '--propagation', 'private', 'sh', '-c', `umount ${BINFMT_DIR} || exit 99\n${script}`],
    { ...process.env, NODE_OPTIONS: '', PATH: `${binDir}:${process.env.PATH}` },
  );
  if (run.status !== 0) throw new Error(`namespace script exited ${run.status}: ${run.stderr}`);
  return run.stdout;
}
