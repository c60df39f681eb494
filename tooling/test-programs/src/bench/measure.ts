import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** GNU time (Debian package `time`): it reports the child's peak RSS from wait4's rusage. */
export const GNU_TIME = '/usr/bin/time';

export interface Measured {
  /** Wall-clock seconds from spawn to exit (GNU time's own start-up included, alike for every row). */
  readonly seconds: number;
  /** Peak resident set of the process, in MiB (ru_maxrss). */
  readonly peakMiB: number;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** Runs `command args` once under GNU time; a non-zero exit is an error (a benchmark must do its work). */
export function measure(command: string, args: readonly string[], cwd?: string): Measured {
  const dir = mkdtempSync(join(tmpdir(), 'arm64kit-bench-'));
  try {
    const report = join(dir, 'rusage');
    const start = process.hrtime.bigint();
    const r = spawnSync(GNU_TIME, ['-f', '%M', '-o', report, command, ...args], {
      cwd,
      maxBuffer: 1 << 28,
      timeout: 1_800_000,
    });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (r.error) throw r.error;
    const stderr = r.stderr.toString('utf8');
    if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${r.status}: ${stderr}`);
    const kib = Number(readFileSync(report, 'utf8').trim().split('\n').pop());
    return { seconds, peakMiB: kib / 1024, stdout: r.stdout, stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The fastest of `repeat` runs (the least disturbed by other load); its peak RSS is the largest seen. */
export function best(repeat: number, command: string, args: readonly string[], cwd?: string): Measured {
  let result = measure(command, args, cwd);
  let peakMiB = result.peakMiB;
  for (let i = 1; i < repeat; i++) {
    const next = measure(command, args, cwd);
    peakMiB = Math.max(peakMiB, next.peakMiB);
    if (next.seconds < result.seconds) result = next;
  }
  return { ...result, peakMiB };
}
