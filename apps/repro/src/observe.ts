import type { Subject } from './scenario.js';

/**
 * The argv a program reports having received, read back from its output: the write-up's
 * example prints `Nth argv: X`, the probe `argv[N]: X`. A real ccache prints nothing of the
 * kind, so its argv is not observable (null).
 */
export function observedArgv(subject: Subject, stdout: string): string[] | null {
  const pattern =
    subject === 'argv-example'
      ? /^(\d+)th argv: (.*)$/
      : subject === 'ccache-probe'
        ? /^argv\[(\d+)\]: (.*)$/
        : null;
  if (pattern === null) return null;
  const argv: string[] = [];
  for (const line of stdout.split('\n')) {
    const m = pattern.exec(line);
    if (m === null) continue;
    // Entries arrive in order; a gap means the output was not the program's own.
    if (Number(m[1]) !== argv.length) return null;
    argv.push(m[2]);
  }
  return argv.length > 0 ? argv : null;
}

/** The first lines a program wrote, stderr first (that is where a failure explains itself). */
export function outputHead(stdout: string, stderr: string, lines = 3): string[] {
  const all = [...stderr.split('\n'), ...stdout.split('\n')].map((l) => l.trimEnd()).filter((l) => l !== '');
  return all.slice(0, lines);
}

export const RECURSIVE_INVOCATION = 'Recursive invocation';
