import {
  chownSync,
  copyFileSync,
  lutimesSync,
  mkdirSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureRiscv64Rootfs } from '@arm64kit/fixtures';
import { RISCV64_TARGET } from '@arm64kit/test-programs';
import { available, commandProblem, rootProblem } from '@arm64kit/vitest-config/prerequisites';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Outcome } from './spawn-outcome.js';
import { type SysrootRun, underArm64kit, underQemu, unpackRootfs } from './sysroot-oracle.js';

/**
 * Debian trixie's own riscv64 programs (coreutils, bash, perl, python3...) run from a
 * debootstrap root filesystem with `arm64kit run --sysroot` and with `qemu-riscv64-static -L`:
 * stdout (bytes), stderr and exit status must be the same. They run in /work inside the root
 * filesystem, with a fixed environment, on files whose content, owners and times are fixed.
 *
 * Left out, because qemu -L is no oracle for them: programs that look for a file the root
 * filesystem lacks (qemu then reads the host's: infocmp's terminfo, apt-config's zstd and
 * foreign architectures), anything that prints the working directory or Python's sys.path
 * (qemu shows host paths), and the CPU count (arm64kit tells guests they have one).
 */
const QEMU = RISCV64_TARGET.qemu;
const SCRIPTS = join(dirname(fileURLToPath(import.meta.url)), 'riscv64-programs');
const ENV = { PATH: '/usr/bin:/bin', LC_ALL: 'C', TZ: 'UTC', HOME: '/root' };

/** Each stage's stdout is the next one's stdin: a pipeline of separately emulated programs. */
interface Case {
  name: string;
  stages: { argv: string[]; stdin?: string }[];
}

const one = (argv: string[], stdin?: string): Case => ({ name: argv.join(' '), stages: [{ argv, stdin }] });

const CASES: Case[] = [
  one(['/usr/bin/ls', '-la', 'fixed']),
  // Relative: qemu 7.2's statx does not look under -L, so `ls /work/fixed` fails there.
  one(['/usr/bin/ls', '-laRi', '--time-style=full-iso', 'fixed']),
  one(['/usr/bin/sort', 'words.txt']),
  one(['/usr/bin/sort', '-t,', '-k2,2n', '-k1,1r', 'table.csv']),
  one(['/usr/bin/wc', 'words.txt', 'table.csv', 'script.py']),
  one(['/usr/bin/sha256sum', 'words.txt', 'table.csv', '/etc/os-release']),
  one(['/usr/bin/date', '-d', '@0', '-u']),
  one(['/usr/bin/date', '-u', '-d', '2024-02-29 12:34:56 +0530', '+%F %T %A %j %s']),
  {
    name: 'seq 1 25 | tr 0-9 a-j',
    stages: [{ argv: ['/usr/bin/seq', '1', '25'] }, { argv: ['/usr/bin/tr', '0-9', 'a-j'] }],
  },
  one(['/usr/bin/stat', 'fixed/alpha.txt']),
  one([
    '/usr/bin/stat',
    '-c',
    '%n %s %a %A %U:%G %u:%g %h %F %y',
    'fixed/alpha.txt',
    'fixed/link',
    'fixed/sub',
  ]),
  one(['/usr/bin/bash', 'script.bash']),
  one([
    '/usr/bin/bash',
    '-c',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: bash's own expansion syntax
    'RANDOM=42; echo $RANDOM $RANDOM; f() { echo "job $1"; }; f 1 & wait; coproc { read -r x; echo "got $x"; }; echo hi >&"${COPROC[1]}"; read -r y <&"${COPROC[0]}"; echo "$y"',
  ]),
  // The starting soft RLIMIT_NOFILE is left out: qemu has Node's (raised to the hard one).
  one([
    '/usr/bin/bash',
    '-c',
    'ulimit -Sn 200; ulimit -a; ulimit -Hc 0; ulimit -c; (ulimit -n 100; ulimit -n); ulimit -n',
  ]),
  one(['/usr/bin/perl', 'script.pl']),
  one(['/usr/bin/perl', 'processes.pl']),
  one(['/usr/bin/python3', 'script.py']),
  one(['/usr/bin/python3', 'processes.py']),
  one(['/usr/bin/python3', 'fp.py']),
  one([
    '/usr/bin/mawk',
    '-F,',
    '{ s += $2; printf "%s %.3f\\n", $1, $2 / 7 } END { print s, s / NR }',
    'table.csv',
  ]),
  one(['/usr/bin/sed', '-E', 's/([a-z]+)-([0-9]+)/\\2:\\1/', 'words.txt']),
  one(['/usr/bin/grep', '-n', '-E', '^[a-c]', 'words.txt']),
  one([
    '/usr/bin/dash',
    '-c',
    'i=0; while [ $i -lt 5 ]; do i=$((i + 1)); printf "%d " $((i * i)); done; echo',
  ]),
  one(['/usr/bin/factor', '1234567890', '600851475143', '18446744073709551557']),
  one(['/usr/bin/od', '-A', 'x', '-t', 'x1z', 'fixed/alpha.txt']),
  one(['/usr/bin/numfmt', '--to=iec-i', '--suffix=B', '1023', '1048576', '123456789012']),
  one(['/usr/bin/printf', '%.3e %g %d %s\\n', '12345.678', '0.0001', '-42', 'done']),
  one(['/usr/bin/dpkg', '--print-architecture']),
  one(['/usr/bin/uname', '-m']),
  one(['/usr/bin/id']),
  one(['/usr/bin/cat'], 'from stdin\n'),
  // Failures: the message and the status must match too.
  one(['/usr/bin/ls', 'missing']),
  one(['/usr/bin/sort', '--bogus']),
  one(['/usr/bin/python3', '-c', 'import sys; print("out"); sys.exit("failed: 7")']),
  one(['/usr/bin/perl', '-e', 'die "perl died\\n"']),
];

const ready =
  available('Debian riscv64 programs (root, to unpack the root filesystem)', rootProblem()) &&
  available('Debian riscv64 programs (qemu)', commandProblem(QEMU, 'qemu-user-static')) &&
  available('Debian riscv64 programs (debootstrap)', commandProblem('debootstrap', 'debootstrap'));

describe.runIf(ready)('Debian trixie riscv64 programs under arm64kit run and qemu', () => {
  let root: string;

  beforeAll(async () => {
    const fixture = await ensureRiscv64Rootfs();
    if (fixture.built)
      process.stderr.write(`trixie riscv64 root filesystem built in ${fixture.buildSeconds} s\n`);
    root = unpackRootfs(fixture.tarPath, 'arm64kit-trixie-');
    makeWorkDir(join(root, 'work'));
  }, 1_800_000);

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  for (const { name, stages } of CASES) {
    it(name, { timeout: 300_000 }, async () => {
      const expected = await pipeline(stages, (run) => underQemu(QEMU, root, run));
      const actual = await pipeline(stages, (run) => underArm64kit(root, run));
      expect(actual, actual.map((o) => o.stderr).join('')).toEqual(expected);
    });
  }
});

async function pipeline(
  stages: Case['stages'],
  start: (run: SysrootRun) => Promise<Outcome>,
): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let input: string | undefined;
  for (const stage of stages) {
    const outcome = await start({ argv: stage.argv, stdin: stage.stdin ?? input, cwd: '/work', env: ENV });
    outcomes.push(outcome);
    input = outcome.stdout;
  }
  return outcomes;
}

/** /work: the scripts, text files to sort and count, and a directory whose listing is fixed. */
function makeWorkDir(work: string): void {
  mkdirSync(join(work, 'fixed', 'sub'), { recursive: true });
  for (const script of ['script.bash', 'script.pl', 'script.py', 'processes.pl', 'processes.py', 'fp.py'])
    copyFileSync(join(SCRIPTS, script), join(work, script));
  writeFileSync(
    join(work, 'words.txt'),
    'pear-4\nApple-11\nfig-2\nbanana-10\nkiwi-7\napple-3\n\ncherry-1\nBanana-5\n',
  );
  writeFileSync(join(work, 'table.csv'), 'pear,4\napple,11\nfig,2\nbanana,10\nkiwi,7\nplum,4\n');
  const fixed = join(work, 'fixed');
  writeFileSync(join(fixed, 'alpha.txt'), 'alpha\nbeta\tgamma\n\u00e9t\u00e9\n', { mode: 0o640 });
  writeFileSync(join(fixed, 'run.sh'), '#!/bin/sh\necho run\n', { mode: 0o755 });
  writeFileSync(join(fixed, 'empty'), '', { mode: 0o600 });
  writeFileSync(join(fixed, 'sub', 'deep.txt'), 'deep\n');
  symlinkSync('alpha.txt', join(fixed, 'link'));
  // daemon:adm and an id no account has: names from the root filesystem's passwd and group.
  chownSync(join(fixed, 'run.sh'), 1, 4);
  chownSync(join(fixed, 'empty'), 4242, 4242);
  const when = new Date('2024-02-29T12:34:56.789Z');
  for (const path of ['alpha.txt', 'run.sh', 'empty', 'sub/deep.txt', 'sub', '.'])
    utimesSync(join(fixed, path), when, when);
  lutimesSync(join(fixed, 'link'), when, when);
}
