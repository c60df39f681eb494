import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { binfmtState as binfmtFiles, notOtherSuites } from '@arm64kit/vitest-config/binfmt-state';

/** The CLI package directory (oclif loads commands from its dist/). */
export const CLI_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI_BIN = join(CLI_ROOT, 'bin', 'run.js');

/** binfmt_misc as bytes, in the kernel's order; the repro's entries are `arm64kit-repro-<pid>`. */
export function binfmtState(): [string, string][] {
  return binfmtFiles(notOtherSuites('arm64kit-repro-'));
}

export interface CliResult {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Runs the built CLI as a user does, in its own process: the test runner's module
 * conditions (which point workspace packages at TypeScript sources) do not apply to it.
 */
export function runCli(
  args: string[],
  options: { onStderr?: (text: string, pid: number) => void; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: options.env === undefined ? undefined : { ...process.env, ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
      options.onStderr?.(stderr, child.pid as number);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ stdout, stderr, code, signal }));
  });
}

export function killCli(pid: number, signal: NodeJS.Signals): void {
  process.kill(pid, signal);
}
