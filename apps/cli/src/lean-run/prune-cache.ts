import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * How many code caches the directory keeps. Every installation of the CLI (a global one, each
 * project's, each checkout of the repository) and every set of Node flags has a cache of its own,
 * of under a megabyte; one whose installation is gone would otherwise stay forever. An evicted
 * cache that is still wanted costs its installation one slower start, which writes it again: the
 * limit is generous so that a few installations in use at once do not evict each other in turn.
 */
export const MAX_CACHE_FILES = 16;
/** A `.partial` file older than this was left by a process that died while writing it. */
const PARTIAL_MAX_AGE_MS = 60 * 60 * 1000;

export interface PruneOptions {
  /** The cache just written: always kept. */
  readonly keep: string;
  /** The name prefix of this installation's caches: those of other builds of it go at once. */
  readonly bundle: string;
  /** The name prefix of this build's caches (under other flags: kept, within `maxFiles`). */
  readonly build: string;
  /** Default MAX_CACHE_FILES. */
  readonly maxFiles?: number;
  /** Default Date.now(). */
  readonly now?: number;
}

/**
 * Tidies the code-cache directory after a cache was written (which happens only when a cache was
 * missing or rejected, so a start-up that found its cache pays nothing here): the caches of this
 * installation's earlier builds go, then the least recently written ones beyond `maxFiles`, and
 * partial files nobody finished. Only this directory's own kinds of file are touched.
 */
export function pruneCacheDirectory(dir: string, options: PruneOptions): void {
  const now = options.now ?? Date.now();
  const others: { name: string; mtimeMs: number }[] = [];
  for (const name of readdirSync(dir)) {
    if (name === options.keep) continue;
    const path = join(dir, name);
    if (name.endsWith('.partial')) {
      if (now - mtimeOf(path) > PARTIAL_MAX_AGE_MS) rmSync(path, { force: true });
    } else if (name.endsWith('.v8')) {
      if (name.startsWith(options.bundle) && !name.startsWith(options.build)) rmSync(path, { force: true });
      else others.push({ name, mtimeMs: mtimeOf(path) });
    }
  }
  others.sort((a, b) => b.mtimeMs - a.mtimeMs);
  // The kept file counts as one of the newest.
  for (const { name } of others.slice(Math.max(0, (options.maxFiles ?? MAX_CACHE_FILES) - 1))) {
    rmSync(join(dir, name), { force: true });
  }
}

/** A file another process removed meanwhile counts as new (the other process tidies it). */
function mtimeOf(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}
