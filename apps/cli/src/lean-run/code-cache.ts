import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { pruneCacheDirectory } from './prune-cache.js';

/**
 * Loads a CommonJS file through V8's code cache: the bytecode of every function the previous run
 * compiled is kept in the user's cache directory and handed back to V8, so a new process skips
 * parsing and compiling them. (Node 22 does this for every module with module.enableCompileCache;
 * Node 20 has only vm.Script's cachedData.) V8 itself rejects data made by another V8 or under
 * other flags. The file name says what the cache is for:
 * - a hash of the bundle's path, so two installations (a global one and a project's) keep a
 *   cache each instead of replacing each other's on every run;
 * - the bundle's size and time, so a rebuilt bundle never meets the code of the old one;
 * - Node's version and a hash of the flags it was started with, so a run under other flags
 *   (NODE_OPTIONS, --cpu-prof) keeps a cache of its own instead of rejecting and rewriting the
 *   usual one on every switch.
 * Without a writable cache directory it is a plain require.
 */
export interface CachedModule {
  readonly exports: unknown;
  /** Writes the cache when it was missing or rejected; call it after the work, so it holds the code that ran. */
  saveCache(): void;
}

/** FNV-1a of a string, as 8 hex digits (of the bundle's path: what tells installations apart). */
function hash32(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/**
 * Node's version and architecture and the flags it was started with: V8 rejects a cache made
 * under other V8 flags. (node:v8's cachedDataVersionTag says exactly that, but loading node:v8
 * takes about 2 ms of every start.)
 */
function runtimeTag(): string {
  const flags = `${process.execArgv.join(' ')}\0${process.env.NODE_OPTIONS ?? ''}`;
  return `${process.version}-${process.arch}-${hash32(flags)}`;
}

interface CacheFile {
  readonly path: string;
  /** The start of the names of every cache of this installation of the file (any build). */
  readonly bundle: string;
  /** The start of the names of every cache of this build of it (any flags). */
  readonly build: string;
}

function cacheFileFor(file: string): CacheFile | undefined {
  try {
    const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
    const { size, mtimeMs } = statSync(file);
    const bundle = `${basename(file)}-${hash32(file)}-`;
    const build = `${bundle}${size}-${Math.trunc(mtimeMs)}-`;
    return { path: join(base, 'arm64kit', 'code-cache', `${build}${runtimeTag()}.v8`), bundle, build };
  } catch {
    return undefined;
  }
}

function readOrUndefined(cache: CacheFile | undefined): Buffer | undefined {
  if (cache === undefined) return undefined;
  try {
    return readFileSync(cache.path);
  } catch {
    return undefined;
  }
}

/** Replaces the cache atomically and drops caches no run will read again (see prune-cache.ts). */
function writeCache(cache: CacheFile, data: Buffer): void {
  const { path } = cache;
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
    pruneCacheDirectory(dir, { keep: basename(path), bundle: cache.bundle, build: cache.build });
  } catch {
    // A read-only or full cache directory only costs the next start-up its speed.
  }
}

/**
 * The `require` the loaded file gets. The lean-run bundle requires Node built-ins only (the
 * emulator packages are inside it; test/lean-run.test.ts checks), and those resolve alike from
 * any file, so this loader's own `require` serves: node:module's createRequire would load
 * node:module and with it parts of the ES module loader, about 1.5 ms of every start. Loaded as an
 * ES module (the tests), where there is no `require`, createRequire makes one.
 */
function requireFor(file: string): NodeJS.Require {
  return typeof require === 'function'
    ? require
    : process.getBuiltinModule('node:module').createRequire(file);
}

export function requireWithCodeCache(file: string): CachedModule {
  const source = readFileSync(file, 'utf8');
  const cache = cacheFileFor(file);
  const cachedData = readOrUndefined(cache);
  // The wrapper CommonJS gives every module, on the first line so line numbers stay the file's.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    cachedData,
  });
  const module = { exports: {} as unknown };
  script.runInThisContext()(module.exports, requireFor(file), module, file, dirname(file));
  const stale = cachedData === undefined || script.cachedDataRejected === true;
  return {
    exports: module.exports,
    saveCache() {
      if (stale && cache !== undefined) writeCache(cache, script.createCachedData());
    },
  };
}
