import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ReproTarget, reproTarget } from './arch.js';
import { ReproError } from './errors.js';

/** The programs the scenarios run, C sources in the package's programs/ directory. */
export type ProgramName = 'ccache-probe' | 'argv-example';
export const PROGRAM_NAMES: readonly ProgramName[] = ['ccache-probe', 'argv-example'];

/**
 * Debian's cross compiler for the target (`aarch64-linux-gnu-gcc`), or the one
 * ARM64KIT_<ARCH>_CC names (ARM64KIT_AARCH64_CC, ARM64KIT_RISCV64_CC); scripts/build-programs.mjs
 * follows the same rule.
 */
export function crossCompiler(target: ReproTarget): string {
  return process.env[`ARM64KIT_${target.arch.toUpperCase()}_CC`] ?? `${target.arch}-linux-gnu-gcc`;
}

/** The Debian packages that provide the cross compiler and the static libc it links against. */
export function crossInstallHint(target: ReproTarget): string {
  return `apt-get install gcc-${target.arch}-linux-gnu libc6-dev-${target.debian}-cross`;
}

// This module runs from dist/ once built and from src/ under the test runner; both sit
// directly below the package root.
const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The path of a static build of `name` for the target (default aarch64): the one the package
 * build put in dist/programs/<arch>/, or else one compiled now from the shipped source (cached by
 * the source's hash in the temp directory). Throws PROGRAMS_MISSING, saying how to get the cross
 * compiler, when neither is possible.
 */
export function programPath(name: ProgramName, target: ReproTarget = reproTarget()): string {
  const { arch } = target;
  const built = join(packageRoot, 'dist', 'programs', arch, name);
  const source = join(packageRoot, 'programs', `${name}.c`);
  if (!existsSync(source)) {
    if (existsSync(built)) return built;
    throw new ReproError('PROGRAMS_MISSING', `the source of the ${name} program is missing (${source})`);
  }
  const text = readFileSync(source);
  // A build older than the source is not trusted: the cache key is the source itself.
  const digest = createHash('sha256').update(text).digest('hex').slice(0, 16);
  if (existsSync(built) && existsSync(`${built}.sha256`)) {
    if (readFileSync(`${built}.sha256`, 'utf8').trim() === digest) return built;
  }
  const cacheDir = join(tmpdir(), `arm64kit-programs-${process.getuid?.() ?? 'user'}`, arch, digest);
  const cached = join(cacheDir, name);
  if (existsSync(cached)) return cached;
  mkdirSync(cacheDir, { recursive: true });
  const partial = `${cached}.${process.pid}.tmp`;
  const compiler = crossCompiler(target);
  try {
    execFileSync(compiler, ['-static', '-O2', '-o', partial, source], { stdio: 'pipe' });
  } catch (error) {
    const err = error as NodeJS.ErrnoException & { stderr?: Buffer };
    if (err.code === 'ENOENT') {
      throw new ReproError(
        'PROGRAMS_MISSING',
        `the ${arch} ${name} program is not built and ${compiler} is not installed to build it (${crossInstallHint(target)})`,
      );
    }
    throw new ReproError(
      'PROGRAMS_MISSING',
      `building the ${arch} ${name} program failed: ${String(err.stderr ?? err.message).trim()} (${crossInstallHint(target)})`,
    );
  }
  renameSync(partial, cached);
  return cached;
}
