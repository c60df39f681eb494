import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aarch64 } from '@arm64kit/arm64';
import { runProgramAsync } from '@arm64kit/core';
import { ensureArm64Rootfs } from '@arm64kit/fixtures';
import { QEMU } from '@arm64kit/test-programs';
import { available, commandProblem, rootProblem } from '@arm64kit/vitest-config/prerequisites';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chrootOracleCommand, chrootOracleProblem } from './chroot-oracle.js';
import { CLI_BIN } from './repro-helpers.js';
import { execute } from './spawn-outcome.js';

/**
 * Debian bookworm's bash doing what shells do — pipelines, subshells, command substitution,
 * xargs, find -exec, here-documents, background jobs — under `arm64kit run --sysroot` and under
 * qemu-aarch64-static in a chroot of the same root filesystem: the same stdout, stderr and status.
 */
const SCRIPTS: Record<string, string> = {
  pipeline: 'echo hello world | tr a-z A-Z | rev',
  'sort | uniq -c | sort -rn | head':
    'printf "b\\na\\nb\\nc\\nb\\na\\n" | sort | uniq -c | sort -rn | head -2',
  subshells: '(cd /etc && pwd; exit 3); echo "subshell said $?"; pwd',
  'command substitution': 'n=$(ls /etc/apt | wc -l); echo "entries: $n"; echo "$(echo "$(echo nested)")"',
  xargs: 'seq 1 12 | xargs -n 5 echo',
  'find -exec': 'find /etc/apt -maxdepth 1 -name "*.d" -exec basename {} \\; | sort',
  'here-document': 'cat <<EOF | tr a-z A-Z\nfirst line\nsecond $((40 + 2))\nEOF',
  'background jobs and wait':
    'sleep 0.2 & a=$!; (exit 7) & b=$!; wait $b; echo "b: $?"; wait $a; echo "a: $?"',
  'exit status of a pipeline':
    // biome-ignore lint/suspicious/noTemplateCurlyInString: bash's own expansion syntax
    'false | true; echo "$? ${PIPESTATUS[*]}"; set -o pipefail; false | true; echo $?',
  'fork and exec in a loop': 'for i in $(seq 1 40); do /bin/true || echo failed; done; echo done',
  'signal status': 'sh -c "kill -TERM \\$\\$"; echo "status $?"',
  'named pipe':
    'cd /tmp && mkfifo ff && { echo "through a fifo" > ff & } && cat ff && wait && ls -l ff | cut -c1-10 && rm ff',
  // Without a terminal bash has no job control: `jobs` still says Running (it does not wait
  // with WUNTRACED), and the pid `jobs -l` would print differs between runs.
  'stop and continue a background job':
    'sleep 1 & p=$!; kill -STOP $p; jobs; kill -CONT $p; wait $p; echo "wait: $?"; ' +
    'sleep 5 & p=$!; kill -STOP $p; kill -TERM $p; kill -CONT $p; wait $p; echo "wait: $?"',
};

const ready =
  available('Debian shell scripts (root, to unpack the root filesystem)', rootProblem()) &&
  available('Debian shell scripts (qemu)', commandProblem(QEMU, 'qemu-user-static')) &&
  available('Debian shell scripts (debootstrap)', commandProblem('debootstrap', 'debootstrap')) &&
  available('Debian shell scripts (a private binfmt_misc for the chroot oracle)', chrootOracleProblem());

describe.runIf(ready)('bash from Debian bookworm forks and execs under arm64kit as under qemu', () => {
  let root: string;

  beforeAll(async () => {
    const { tarPath } = await ensureArm64Rootfs();
    root = mkdtempSync(join(tmpdir(), 'arm64kit-shell-'));
    const untar = spawnSync('tar', ['-xf', tarPath, '-C', root], { encoding: 'utf8' });
    expect(untar.status, untar.stderr).toBe(0);
  }, 1_800_000);

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it.each(Object.entries(SCRIPTS))(
    '%s',
    async (_, script) => {
      const expected = await execute(chrootOracleCommand(root, ['/usr/bin/bash', '-c', script]));
      const actual = await execute([
        process.execPath,
        CLI_BIN,
        'run',
        '--sysroot',
        root,
        join(root, 'usr/bin/bash'),
        '-c',
        script,
      ]);
      expect(actual, actual.stderr).toEqual(expected);
      expect(expected.status).not.toBe(125); // the oracle itself ran
    },
    240_000,
  );

  it('leaves no descriptor open after a loop of forks, execs and pipes', async () => {
    const hostFds = () => readdirSync('/proc/self/fd').length;
    const loop = async () => {
      const devNull = openSync('/dev/null', 'w');
      const result = await runProgramAsync({
        arch: aarch64,
        path: join(root, 'usr/bin/bash'),
        argv: [
          'bash',
          '-c',
          'for i in $(seq 1 20); do echo $i | cat > /dev/null; done; exec 3</etc/passwd; echo ok',
        ],
        sysroot: root,
        cwd: '/',
        stdout: devNull,
        timeoutMs: 200_000,
      });
      closeSync(devNull);
      expect(result.exitCode).toBe(0);
    };
    // The first run may start what lives as long as the process (the tiered executor's compile
    // worker and its message port); a leak is what each run leaves on top of that.
    await loop();
    const before = hostFds();
    await loop();
    await loop();
    expect(hostFds()).toBe(before);
  }, 240_000);
});
