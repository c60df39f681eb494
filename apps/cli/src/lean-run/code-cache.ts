import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

/**
 * Loads a CommonJS file through V8's code cache: the bytecode of every function the previous run
 * compiled is kept in the user's cache directory and handed back to V8, so a new process skips
 * parsing and compiling them. (Node 22 does this for every module with module.enableCompileCache;
 * Node 20 has only vm.Script's cachedData.) V8 itself rejects data made by another V8 or with
 * other flags; the file name carries the bundle's size and time, so a rebuilt bundle never meets
 * the code of the old one, and a hash of its path, so two installations (a global one and a
 * project's) keep a cache each instead of replacing each other's on every run. Without a
 * writable cache directory it is a plain require.
 */
export interface CachedModule {
  readonly exports: unknown;
  /** Writes the cache when it was missing or rejected; call it after the work, so it holds the code that ran. */
  saveCache(): void;
}

/** FNV-1a of the file's path: what tells one installation's cache files from another's. */
function pathHash(file: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < file.length; i++) hash = Math.imul(hash ^ file.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/** The start of the names of every cache file of `file` (this build's and earlier builds'). */
function cachePrefix(file: string): string {
  return `${basename(file)}-${pathHash(file)}-`;
}

function cachePathFor(file: string): string | undefined {
  try {
    const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
    const { size, mtimeMs } = statSync(file);
    const name = `${cachePrefix(file)}${size}-${Math.trunc(mtimeMs)}-${process.version}-${process.arch}.v8`;
    return join(base, 'arm64kit', 'code-cache', name);
  } catch {
    return undefined;
  }
}

function readOrUndefined(path: string | undefined): Buffer | undefined {
  if (path === undefined) return undefined;
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/** Replaces the cache atomically and drops the caches of earlier builds of the same file. */
function writeCache(path: string, data: Buffer, file: string): void {
  try {
    const dir = dirname(path);
    // One level at a time: Node's recursive mkdir never returns under /proc (ENOENT, retried).
    for (const level of [dirname(dirname(dir)), dirname(dir), dir]) {
      try {
        mkdirSync(level, { mode: 0o700 });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return;
      }
    }
    const partial = `${path}.${process.pid}.partial`;
    writeFileSync(partial, data);
    renameSync(partial, path);
    const stale = cachePrefix(file);
    for (const entry of readdirSync(dir)) {
      if (entry.startsWith(stale) && entry !== basename(path) && !entry.endsWith('.partial')) {
        rmSync(join(dir, entry), { force: true });
      }
    }
  } catch {
    // A read-only or full cache directory only costs the next start-up its speed.
  }
}

export function requireWithCodeCache(file: string): CachedModule {
  const source = readFileSync(file, 'utf8');
  const cachePath = cachePathFor(file);
  const cachedData = readOrUndefined(cachePath);
  // The wrapper CommonJS gives every module, on the first line so line numbers stay the file's.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    cachedData,
  });
  const module = { exports: {} as unknown };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  const stale = cachedData === undefined || script.cachedDataRejected === true;
  return {
    exports: module.exports,
    saveCache() {
      if (stale && cachePath !== undefined) writeCache(cachePath, script.createCachedData(), file);
    },
  };
}
