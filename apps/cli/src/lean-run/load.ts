import { join } from 'node:path';
import { requireWithCodeCache } from './code-cache.js';

/**
 * The lean run path, bundled (see main.ts); it sits beside this file in dist/lean-run. This file
 * is built as CommonJS (load.cjs) and required by bin/run.js, so `arm64kit run` never starts
 * Node's ES module loader.
 */
const BUNDLE = join(__dirname, 'bundle.cjs');

interface LeanBundle {
  runLean(raw: readonly string[]): Promise<number | undefined>;
}

/**
 * bin/run.js hands `arm64kit run ...` here first. Returns false when oclif must answer it (--help,
 * a usage error: see parseLeanRun); otherwise the program has run and arm64kit's exit status is set.
 */
export async function runLeanFromBin(raw: readonly string[]): Promise<boolean> {
  const bundle = requireWithCodeCache(BUNDLE);
  const exitCode = await (bundle.exports as LeanBundle).runLean(raw);
  if (exitCode === undefined) return false;
  bundle.saveCache();
  // As oclif ends a command: a non-zero status through process.exit, 0 by running out of work.
  if (exitCode !== 0) process.exit(exitCode);
  return true;
}
