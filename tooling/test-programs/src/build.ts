import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Directory holding the C sources (one program per `NAME.c`). */
const here = dirname(fileURLToPath(import.meta.url));
// This module runs from src/ (tests) or bundled into dist/bench/ (pnpm bench); sources are in src/.
export const SOURCE_DIR = existsSync(join(here, 'argv.c')) ? here : resolve(here, '../../src');

export const CROSS_CC = 'aarch64-linux-gnu-gcc';

/** A guest architecture the programs are cross-built for, and the qemu that runs them. */
export interface GuestTarget {
  /** `uname -m` name, also the cache key of builds. */
  readonly name: string;
  readonly cc: string;
  readonly qemu: string;
}

export const AARCH64_TARGET: GuestTarget = { name: 'aarch64', cc: CROSS_CC, qemu: 'qemu-aarch64-static' };
export const RISCV64_TARGET: GuestTarget = {
  name: 'riscv64',
  cc: 'riscv64-linux-gnu-gcc',
  qemu: 'qemu-riscv64-static',
};

export type Optimization = 'O0' | 'O2';

export interface BuildOptions {
  /** Optimization level; default O2. */
  readonly opt?: Optimization;
  /** Build for the host (x86_64, with `cc`) instead of aarch64; used by benchmarks. */
  readonly native?: boolean;
  /** Extra preprocessor definitions, e.g. `['N=1000']`. */
  readonly defines?: readonly string[];
  /** Target architecture and extensions (`-march`), e.g. `armv8.2-a+fp16`; default the compiler's. */
  readonly march?: string;
  /** The guest architecture (default aarch64). */
  readonly target?: GuestTarget;
}

/** Build products live outside git, keyed by a hash of source, compiler and flags. */
export function cacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'arm64kit', 'programs');
}

/** Names of all test programs (the `*.c` files beside this module). */
export function programNames(): string[] {
  return readdirSync(SOURCE_DIR)
    .filter((f) => f.endsWith('.c'))
    .map((f) => f.slice(0, -2))
    .sort();
}

/** Names of the benchmark programs (`bench/*.c`), as `bench/NAME`. */
export function benchmarkNames(): string[] {
  return readdirSync(join(SOURCE_DIR, 'bench'))
    .filter((f) => f.endsWith('.c'))
    .map((f) => `bench/${f.slice(0, -2)}`)
    .sort();
}

export function sourcePath(name: string): string {
  return join(SOURCE_DIR, `${name}.c`);
}

function compilerFor(options: BuildOptions): string {
  return options.native ? 'cc' : (options.target ?? AARCH64_TARGET).cc;
}

function flagsFor(options: BuildOptions): string[] {
  return [
    '-static',
    `-${options.opt ?? 'O2'}`,
    '-std=gnu11',
    '-Wall',
    ...(options.march ? [`-march=${options.march}`] : []),
    ...(options.defines ?? []).map((d) => `-D${d}`),
  ];
}

const compilerVersions = new Map<string, string>();
function compilerVersion(cc: string): string {
  let v = compilerVersions.get(cc);
  if (v === undefined) {
    v = execFileSync(cc, ['--version'], { encoding: 'utf8' }).split('\n')[0];
    compilerVersions.set(cc, v);
  }
  return v;
}

/**
 * Compiles test program `name` (static, `-O2` unless told otherwise) and returns the binary's
 * path. Builds are cached by content hash, so repeated calls are free; concurrent builders
 * write to a temporary name and rename, so they never see half-written files.
 */
export function buildProgram(name: string, options: BuildOptions = {}): string {
  const source = sourcePath(name);
  const cc = compilerFor(options);
  const flags = flagsFor(options);
  const hash = createHash('sha256')
    .update(readFileSync(source))
    .update('\0')
    .update(compilerVersion(cc))
    .update('\0')
    .update(flags.join(' '))
    .digest('hex')
    .slice(0, 16);
  const dir = cacheDir();
  const out = join(
    dir,
    `${name.replaceAll('/', '-')}-${options.native ? 'native' : (options.target ?? AARCH64_TARGET).name}-${options.opt ?? 'O2'}-${hash}`,
  );
  if (existsSync(out)) return out;
  mkdirSync(dir, { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  try {
    execFileSync(cc, [...flags, '-o', tmp, source, '-lm'], { stdio: ['ignore', 'pipe', 'pipe'] });
    renameSync(tmp, out);
  } catch (error) {
    rmSync(tmp, { force: true });
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`building ${name} with ${cc} failed:\n${stderr || (error as Error).message}`);
  }
  return out;
}
