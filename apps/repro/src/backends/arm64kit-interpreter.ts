import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Quotes a word for /bin/sh. */
function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * Writes the two binfmt_misc interpreter scripts that hand guest programs to arm64kit's
 * emulator (`<command> run ...`). A `#!` interpreter sees AT_FLAGS = 0, so it cannot ask the
 * kernel whether the handler has P: each handler names the script that knows its convention
 * (`--binfmt-preserve-argv0`: the program's path is followed by the original argv[0]).
 * Returns their paths.
 */
export function writeArm64kitInterpreters(
  dir: string,
  command: readonly string[],
): { withoutP: string; withP: string } {
  const write = (name: string, extra: string[]) => {
    const path = join(dir, name);
    const exec = [...command, 'run', ...extra].map(shellQuote).join(' ');
    writeFileSync(
      path,
      `#!/bin/sh\n# binfmt_misc interpreter: runs the program on the arm64kit emulator\nexec ${exec} "$@"\n`,
    );
    chmodSync(path, 0o755);
    return path;
  };
  return {
    withoutP: write('arm64kit-binfmt', []),
    withP: write('arm64kit-binfmt-P', ['--binfmt-preserve-argv0']),
  };
}
