import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ReproError } from './errors.js';

/** The aarch64 programs the scenarios run, C sources in the package's programs/ directory. */
export type ProgramName = 'ccache-probe' | 'argv-example';
export const PROGRAM_NAMES: readonly ProgramName[] = ['ccache-probe', 'argv-example'];

const CROSS_COMPILER = process.env.ARM64KIT_AARCH64_CC ?? 'aarch64-linux-gnu-gcc';
const INSTALL_HINT = 'apt-get install gcc-aarch64-linux-gnu libc6-dev-arm64-cross';

// This module runs from dist/ once built and from src/ under the test runner; both sit
// directly below the package root.
const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The path of a static aarch64 build of `name`: the one the package build put in
 * dist/programs/, or else one compiled now from the shipped source (cached by the source's
 * hash in the temp directory). Throws PROGRAMS_MISSING, saying how to get the cross
 * compiler, when neither is possible.
 */
export function programPath(name: ProgramName): string {
  const built = join(packageRoot, 'dist', 'programs', name);
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
  const cacheDir = join(tmpdir(), `arm64kit-programs-${process.getuid?.() ?? 'user'}`, digest);
  const cached = join(cacheDir, name);
  if (existsSync(cached)) return cached;
  mkdirSync(cacheDir, { recursive: true });
  const partial = `${cached}.${process.pid}.tmp`;
  try {
    execFileSync(CROSS_COMPILER, ['-static', '-O2', '-o', partial, source], { stdio: 'pipe' });
  } catch (error) {
    const err = error as NodeJS.ErrnoException & { stderr?: Buffer };
    if (err.code === 'ENOENT') {
      throw new ReproError(
        'PROGRAMS_MISSING',
        `the aarch64 ${name} program is not built and ${CROSS_COMPILER} is not installed to build it (${INSTALL_HINT})`,
      );
    }
    throw new ReproError(
      'PROGRAMS_MISSING',
      `building the aarch64 ${name} program failed: ${String(err.stderr ?? err.message).trim()} (${INSTALL_HINT})`,
    );
  }
  renameSync(partial, cached);
  return cached;
}
