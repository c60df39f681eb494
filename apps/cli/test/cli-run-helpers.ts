import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CROSS_CC, QEMU } from '@arm64kit/test-programs';
import { commandProblem } from '@arm64kit/vitest-config/prerequisites';

/** The CLI package, and its bin as a user runs it (the built CLI). */
export const CLI_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = join(CLI_ROOT, 'bin/run.js');

/** What `arm64kit run` tests that compare with qemu need: the cross compiler, qemu, the built CLI. */
export function runPrerequisites(): string | null {
  return (
    commandProblem(CROSS_CC, 'gcc-aarch64-linux-gnu') ??
    commandProblem(QEMU, 'qemu-user-static') ??
    (existsSync(join(CLI_ROOT, 'dist/commands/run.js'))
      ? null
      : 'the CLI is not built (pnpm turbo run build --filter arm64kit...)')
  );
}
