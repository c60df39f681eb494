import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureArm64Rootfs } from '@arm64kit/fixtures';
import { QEMU } from '@arm64kit/test-programs';
import { available, commandProblem, rootProblem } from '@arm64kit/vitest-config/prerequisites';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_BIN } from './repro-helpers.js';
import { underArm64kit, underQemu, unpackRootfs } from './sysroot-oracle.js';

/**
 * Debian bookworm's own arm64 programs, dynamically linked against its glibc, run from a
 * debootstrap root filesystem with `arm64kit run --sysroot` and with `qemu-aarch64-static -L`:
 * stdout (bytes), stderr and exit status must be the same. None of them forks (programs that
 * do are in debian-processes.test.ts, against a chroot); every path they touch exists inside the root filesystem, where qemu's
 * -L and arm64kit's sysroot agree.
 */
const PROGRAMS: { argv: string[]; stdin?: string }[] = [
  { argv: ['/usr/bin/sort', '/etc/passwd'] },
  { argv: ['/usr/bin/sha256sum', '/etc/os-release', '/etc/passwd'] },
  { argv: ['/usr/bin/md5sum', '/etc/os-release'] },
  { argv: ['/usr/bin/perl', '-e', 'printf "%d %s\\n", 6 * 7, join ",", map { $_ ** 2 } 1 .. 5'] },
  { argv: ['/usr/bin/gzip', '-9', '-c', '/etc/os-release'] },
  { argv: ['/usr/bin/grep', '-c', 'root', '/etc/passwd'] },
  { argv: ['/usr/bin/sed', '-n', 's/^ID=//p', '/etc/os-release'] },
  { argv: ['/usr/bin/find', '/etc/apt', '-maxdepth', '1'] },
  { argv: ['/usr/bin/tar', '-cf', '-', '/etc/apt/apt.conf.d'] },
  { argv: ['/usr/bin/bash', '-c', 'echo $((6 * 7)); for i in 1 2 3; do printf "%s-" "$i"; done; echo'] },
  { argv: ['/usr/bin/date', '-u', '-d', '@86400', '+%F %T %A'] },
  { argv: ['/usr/bin/factor', '1234567890', '600851475143'] },
  { argv: ['/usr/bin/base64', '/etc/os-release'] },
  { argv: ['/usr/bin/cat'], stdin: 'from stdin\n' },
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax
  { argv: ['/usr/bin/dpkg-query', '-W', '-f', '${Package} ${Version}\\n', 'bash', 'coreutils', 'libc6'] },
  { argv: ['/usr/bin/apt-get', '--version'] },
  { argv: ['/usr/sbin/nologin'] },
  { argv: ['/usr/bin/chage', '--help'] }, // opens the audit socket first
  { argv: ['/usr/bin/nice'] },
];

const ready =
  available('Debian programs (root, to unpack the root filesystem)', rootProblem()) &&
  available('Debian programs (qemu)', commandProblem(QEMU, 'qemu-user-static')) &&
  available('Debian programs (debootstrap)', commandProblem('debootstrap', 'debootstrap'));

describe.runIf(ready)('Debian bookworm programs under arm64kit run and qemu', () => {
  let root: string;

  beforeAll(async () => {
    const { tarPath } = await ensureArm64Rootfs();
    root = unpackRootfs(tarPath, 'arm64kit-debian-');
  }, 1_800_000);

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it.each(PROGRAMS.map((p) => [p.argv.join(' '), p] as const))(
    '%s',
    async (_, run) => {
      const expected = await underQemu(QEMU, root, run);
      const actual = await underArm64kit(root, run);
      expect(actual, actual.stderr).toEqual(expected);
    },
    120_000,
  );

  // perl asks lseek(1, 0, SEEK_CUR) at start-up: the shell's own writes before and after its
  // output go to the same open file, and must neither overwrite it nor be overwritten by it.
  it('a program that asks its stdout offset shares a redirected file with the shell', () => {
    const perl = ['/usr/bin/perl', '-e', 'print "middle\\n"'];
    const inShell = (emulator: readonly string[], out: string) => {
      const quoted = [...emulator, join(root, perl[0]), ...perl.slice(1)].map((w) => `'${w}'`).join(' ');
      const shell = spawnSync('sh', ['-c', `(echo first; ${quoted}; echo last) > '${out}'`], {
        encoding: 'utf8',
      });
      expect(shell.status, shell.stderr).toBe(0);
      return readFileSync(out, 'latin1');
    };
    const expected = inShell([QEMU, '-L', root], join(root, 'tmp/qemu.out'));
    expect(expected).toBe('first\nmiddle\nlast\n');
    const actual = inShell(
      [process.execPath, CLI_BIN, 'run', '--sysroot', root],
      join(root, 'tmp/arm64kit.out'),
    );
    expect(actual).toBe(expected);
  }, 120_000);
});
