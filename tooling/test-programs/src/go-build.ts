import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, SOURCE_DIR } from './build.js';

/** Debian's golang-go cross-builds the Go test programs (`GOARCH=arm64 CGO_ENABLED=0`). */
export const GO = 'go';

let goVersion: string | undefined;

/**
 * Cross-builds Go test program `go/NAME.go` for linux/arm64 (static, no cgo) and returns the
 * binary's path; cached by the source's and the toolchain's hash, like the C programs.
 */
export function buildGoProgram(name: string): string {
  const source = join(SOURCE_DIR, 'go', `${name}.go`);
  goVersion ??= execFileSync(GO, ['version'], { encoding: 'utf8' }).trim();
  const hash = createHash('sha256').update(readFileSync(source)).update(goVersion).digest('hex').slice(0, 16);
  const dir = cacheDir();
  const out = join(dir, `go-${name}-arm64-${hash}`);
  if (existsSync(out)) return out;
  mkdirSync(dir, { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  try {
    execFileSync(GO, ['build', '-o', tmp, source], {
      env: { ...process.env, GOOS: 'linux', GOARCH: 'arm64', CGO_ENABLED: '0', GOFLAGS: '-trimpath' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    renameSync(tmp, out);
  } catch (error) {
    rmSync(tmp, { force: true });
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`building ${name}.go failed:\n${stderr || (error as Error).message}`);
  }
  return out;
}
