import { serveCpuWorker } from '@arm64kit/core';
import { architectureNamed } from '../lib/guest-arch.js';
import { runGuest } from '../lib/run-guest.js';
import { isTypedError, typedErrorLine } from '../lib/typed-error.js';
import { parseLeanRun } from './parse.js';

/**
 * The lean `arm64kit run`: bundled by tsup into one CommonJS file (dist/lean-run/bundle.cjs)
 * with @arm64kit/core and @arm64kit/arm64, so start-up resolves one module and V8 can keep its
 * compiled code between runs (see code-cache.ts). Returns arm64kit's exit status, or undefined
 * when oclif must take the invocation (see parseLeanRun).
 */
export async function runLean(raw: readonly string[]): Promise<number | undefined> {
  const invocation = parseLeanRun(raw);
  if (invocation === undefined) return undefined;
  try {
    // Guest threads may run on CPU workers, which load this same bundle (startCpuWorker).
    return await runGuest(invocation.flags, invocation.guest, {
      file: __filename,
      exportName: 'startCpuWorker',
    });
  } catch (error) {
    // As BaseCommand does for a typed error: one line and its exit status, no stack trace.
    if (!isTypedError(error)) throw error;
    process.stderr.write(`${typedErrorLine(error)}\n`);
    return error.exitCode ?? 1;
  }
}

/** A CPU worker's entry point: it runs guest threads for the run that started it. */
export function startCpuWorker(): Promise<void> {
  return serveCpuWorker(architectureNamed);
}
