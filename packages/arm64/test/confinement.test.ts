import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  copyFileSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { runProgramAsync } from '@arm64kit/core';
import { buildProgram, CROSS_CC, QEMU } from '@arm64kit/test-programs';
import { available, commandProblem, findCommand, rootProblem } from '@arm64kit/vitest-config/prerequisites';
import { suiteTempDir } from '@arm64kit/vitest-config/suite-temp-dir';
import { describe, expect, it } from 'vitest';
import { aarch64 } from '../src/index.js';

const prerequisites =
  commandProblem(CROSS_CC, 'gcc-aarch64-linux-gnu') ??
  commandProblem(QEMU, 'qemu-user-static') ??
  commandProblem('unshare', 'util-linux') ??
  commandProblem('chroot', 'coreutils') ??
  rootProblem();

const SECRET = 'SECRET-CONTENT-never-shown';

/**
 * A root directory for the probe and, beside it, an "outside" directory holding the secret.
 * Every symlink in the root aims outside: absolute, relative, chained, or climbing with "..".
 */
function fixture(base: string, probe: string): { root: string; outside: string } {
  const outside = join(base, 'outside');
  const root = join(base, 'root');
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(outside, 'secret'), `${SECRET}\n`);
  writeFileSync(join(outside, 'locked'), 'locked\n');
  chmodSync(join(outside, 'locked'), 0);
  copyFileSync(probe, join(outside, 'program'));
  chmodSync(join(outside, 'program'), 0o755);
  for (const dir of ['etc', 'a/b', 'names', 'moving', 'proc', 'dev'])
    mkdirSync(join(root, dir), { recursive: true });
  // What devtmpfs holds; arm64kit's /dev has it whatever the root holds.
  symlinkSync('/proc/self/fd', join(root, 'dev/fd'));
  copyFileSync(probe, join(root, 'probe'));
  chmodSync(join(root, 'probe'), 0o755);
  writeFileSync(join(root, 'etc/hello'), 'hello\n');
  writeFileSync(join(root, 'x'), 'root-x\n');
  writeFileSync(join(root, 'a/x'), 'a-x\n');
  writeFileSync(join(root, 'victim1'), 'victim1\n');
  writeFileSync(join(root, 'victim2'), 'victim2\n');
  const climb = '../'.repeat(12);
  symlinkSync(join(outside, 'secret'), join(root, 'abs'));
  symlinkSync(join(outside, 'secret'), join(root, 'abs2'));
  symlinkSync(`${climb}${outside.slice(1)}/secret`, join(root, 'rel'));
  symlinkSync('/chain2', join(root, 'chain1'));
  symlinkSync(`${climb}${outside.slice(1)}`, join(root, 'chain2'));
  symlinkSync(climb, join(root, 'updir'));
  symlinkSync('/a/b', join(root, 'dirlink'));
  symlinkSync(join(outside, 'locked'), join(root, 'locked'));
  return { root, outside };
}

/** Every name, mode, size, mtime and content under `dir`: what the probe must leave alone. */
function snapshot(dir: string): string {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .sort()
    .map((name) => {
      const st = lstatSync(join(dir, name));
      const content = st.isFile() ? readFileSync(join(dir, name)).toString('hex') : '';
      return `${name} ${st.mode.toString(8)} ${st.size} ${st.mtimeMs} ${content}`;
    })
    .join('\n');
}

/** The probe under arm64kit with `--sysroot root`, started from `binary` (a host path). */
async function underArm64kit(binary: string, root: string, args: string[]): Promise<string> {
  const outPath = join(root, '..', 'arm64kit.out');
  const out = openSync(outPath, 'w');
  const stdin = openSync('/dev/null', 'r');
  try {
    const result = await runProgramAsync({
      arch: aarch64,
      path: binary,
      argv: ['/probe', ...args],
      env: [],
      sysroot: root,
      cwd: '/',
      stdin,
      stdout: out,
      stderr: out,
      timeoutMs: 120_000,
    });
    expect(result.exitCode).toBe(0);
  } finally {
    closeSync(out);
    closeSync(stdin);
  }
  return readFileSync(outPath, 'latin1');
}

/** The probe under qemu-aarch64-static in a real chroot, in a private mount namespace. */
function underChroot(root: string, args: string[]): string {
  const qemu = findCommand(QEMU) as string;
  copyFileSync(qemu, join(root, 'qemu'));
  chmodSync(join(root, 'qemu'), 0o755);
  try {
    const chroot = findCommand('chroot') as string;
    // The kernel's /proc, mounted in the root as a system would have it, in the namespace only.
    const script = 'mount -t proc proc "$1/proc" && exec "$0" "$1" /qemu /probe "$@"';
    const run = spawnSync('unshare', ['-m', 'sh', '-c', script, chroot, root, ...args], {
      env: {},
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 120_000,
    });
    expect(run.status, run.stderr.toString()).toBe(0);
    return run.stdout.toString('latin1');
  } finally {
    rmSync(join(root, 'qemu'));
  }
}

describe.runIf(available('sysroot confinement suite', prerequisites))(
  '--sysroot confines the guest as a chroot does',
  () => {
    const scratch = suiteTempDir('arm64kit-confine-');

    it('answers every escape attempt as qemu in a chroot does, and nothing outside changes', async () => {
      const probe = buildProgram('confine');
      const ours = fixture(join(scratch(), 'ours'), probe);
      const theirs = fixture(join(scratch(), 'theirs'), probe);
      const before = snapshot(ours.outside);
      const got = await underArm64kit(join(ours.root, 'probe'), ours.root, [ours.outside]);
      // Both fixtures name their own outside directory; the probe prints none of it.
      const expected = underChroot(theirs.root, [ours.outside]);
      expect(got).toBe(expected);
      expect(got).not.toContain(SECRET);
      expect(snapshot(ours.outside)).toBe(before);
      // The lines the issue named, spelled out.
      for (const line of [
        'access nofollow locked symlink: ok',
        'access locked symlink: ENOENT',
        'rmdir root: EBUSY',
        'open path over PATH_MAX: ENAMETOOLONG',
        'dotdot after symlink: ok [a-x|]',
        'cwd after chdir through symlink: /a/b',
        'create through renamed dirfd: ok',
        'created where the directory went: ok',
        'open non-UTF-8 name: ok [bytes]',
        'listed: ff fe 2d 6c 61 74 69 6e e9',
        'open /proc/self/fd: ok []',
        'open /dev/fd: ok []',
        'open /proc/self/root inside: ok [hello|]',
        'open /proc/self/root dotdot: ENOENT',
        'readlink /proc/self/root: /',
        'readlink /proc/self/cwd: /',
        'readlink directory fd: /a/b',
        'open /proc/PID/fd/N/..: ok [a-x|]',
        'open /proc/PID/fd/N escape: ENOENT',
        'bind host path: ENOENT',
        'bind through symlink chain: ENOENT',
        'connect host path: ENOENT',
        'bind inside: ok',
        'connect inside without listener: ECONNREFUSED',
      ])
        expect(got.split('\n')).toContain(line);
    });

    it('shows /proc/self/exe inside the root, and never lets it be written', async () => {
      const probe = buildProgram('confine');
      const inside = fixture(join(scratch(), 'exe-inside'), probe);
      const insideBefore = readFileSync(join(inside.root, 'probe'));
      const got = await underArm64kit(join(inside.root, 'probe'), inside.root, [inside.outside, 'exe']);
      // A running program cannot be opened for writing (ETXTBSY on the kernel; qemu, whose
      // own binary is the running one, lets the guest write it).
      expect(got).toBe(
        [
          'exe readlink: /probe',
          'exe append: ETXTBSY',
          'exe read-write: ETXTBSY',
          'exe truncate: ETXTBSY',
          'exe read: ELF',
          '',
        ].join('\n'),
      );
      expect(readFileSync(join(inside.root, 'probe')).equals(insideBefore)).toBe(true);
    });

    it('keeps a program started from outside the root read-only through /proc/self/exe', async () => {
      const probe = buildProgram('confine');
      const { root, outside } = fixture(join(scratch(), 'exe-outside'), probe);
      const program = join(outside, 'program');
      const before = snapshot(outside);
      const got = await underArm64kit(program, root, [outside, 'exe']);
      // The kernel shows an executable outside a process's root by its full path.
      expect(got.split('\n')).toEqual([
        `exe readlink: ${program}`,
        'exe append: ETXTBSY',
        'exe read-write: ETXTBSY',
        'exe truncate: ETXTBSY',
        'exe read: ELF',
        '',
      ]);
      expect(snapshot(outside)).toBe(before);
    });
  },
);
