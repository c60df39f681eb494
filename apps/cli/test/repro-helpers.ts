import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The CLI package directory (oclif loads commands from its dist/). */
export const CLI_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI_BIN = join(CLI_ROOT, 'bin', 'run.js');

/** Entries other arm64kit suites register meanwhile (`arm64kit-test-*`, `arm64kit-fixtures-*`); ours are `arm64kit-repro-<pid>`. */
const FOREIGN_TEST_ENTRY = /^arm64kit-(?!repro-)/;

/** Every file of /proc/sys/fs/binfmt_misc (but the write-only `register`) and its exact bytes. */
export function binfmtState(dir = '/proc/sys/fs/binfmt_misc'): Record<string, string> {
  const state: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    if (name === 'register' || FOREIGN_TEST_ENTRY.test(name)) continue;
    state[name] = readFileSync(join(dir, name)).toString('latin1');
  }
  return state;
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
  options: { onStderr?: (text: string, pid: number) => void } = {},
): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
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
