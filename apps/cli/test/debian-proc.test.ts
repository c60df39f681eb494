import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureArm64Rootfs } from '@arm64kit/fixtures';
import { available, rootProblem } from '@arm64kit/vitest-config/prerequisites';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_BIN } from './repro-helpers.js';
import { execute, type Outcome } from './spawn-outcome.js';

/**
 * /proc, /sys and /dev as Debian's own programs see them under `arm64kit run --sysroot`, with a
 * root filesystem whose /proc and /dev are empty: the kernel's files are there anyway, they
 * agree with each other and with what the guest was given (one CPU, the advertised HWCAPs, its
 * own program and descriptors), and the root's host path never shows.
 */
const ready = available('Debian /proc (root, to unpack the root filesystem)', rootProblem());

describe.runIf(ready)('Debian programs read /proc, /sys and /dev under arm64kit run', () => {
  let root: string;

  beforeAll(async () => {
    // The benchmarks' recipe (cached once built): minbase with python3-minimal among others.
    const { tarPath } = await ensureArm64Rootfs({
      packages: ['openssl', 'python3-minimal', 'sqlite3', 'xz-utils'],
    });
    root = mkdtempSync(join(tmpdir(), 'arm64kit-proc-'));
    const untar = spawnSync('tar', ['-xf', tarPath, '-C', root, '--exclude=./dev/*'], { encoding: 'utf8' });
    expect(untar.status, untar.stderr).toBe(0);
    expect(readdirSync(join(root, 'proc'))).toEqual([]);
    expect(readdirSync(join(root, 'dev'))).toEqual([]);
  }, 1_800_000);

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  /** Runs a program of the root filesystem; no output may name the root's host directory. */
  async function run(argv: string[], options: { cpu?: string } = {}): Promise<Outcome> {
    const [program, ...args] = argv;
    const cpu = options.cpu ? ['--cpu', options.cpu] : [];
    // argv[0] is the guest path, as a shell in the root would give it.
    const outcome = await execute([
      process.execPath,
      CLI_BIN,
      'run',
      ...cpu,
      '--sysroot',
      root,
      '--argv0',
      program,
      join(root, program),
      ...args,
    ]);
    expect(outcome.stdout).not.toContain(root);
    expect(outcome.stderr).not.toContain(root);
    expect(outcome.status, outcome.stderr).toBe(0);
    return outcome;
  }

  it('counts the same CPUs in /proc/cpuinfo, nproc, /sys and Python, and names the machine', async () => {
    const cpuinfo = (await run(['/usr/bin/cat', '/proc/cpuinfo'])).stdout;
    const processors = cpuinfo.split('\n').filter((l) => l.startsWith('processor\t:')).length;
    expect(processors).toBeGreaterThan(0);
    expect((await run(['/usr/bin/nproc'])).stdout).toBe(`${processors}\n`);
    const online = (await run(['/usr/bin/cat', '/sys/devices/system/cpu/online'])).stdout;
    expect(online).toBe(processors === 1 ? '0\n' : `0-${processors - 1}\n`);
    const python = await run([
      '/usr/bin/python3.11',
      '-c',
      'import os,platform; print(os.cpu_count(), platform.machine())',
    ]);
    expect(python.stdout).toBe(`${processors} aarch64\n`);
  }, 300_000);

  it('lists in /proc/cpuinfo exactly the features the CPU profile advertises', async () => {
    const features = (text: string) =>
      text
        .split('\n')
        .find((l) => l.startsWith('Features'))
        ?.split(': ')[1];
    expect(features((await run(['/usr/bin/cat', '/proc/cpuinfo'], { cpu: 'v8.0' })).stdout)).toBe('fp asimd');
    const n1 = features((await run(['/usr/bin/cat', '/proc/cpuinfo'], { cpu: 'neoverse-n1' })).stdout);
    expect(n1?.split(' ')).toEqual(
      expect.arrayContaining(['fp', 'asimd', 'aes', 'crc32', 'atomics', 'cpuid']),
    );
    expect(n1).not.toContain('sve');
  }, 300_000);

  it('shows each program its own path and descriptors', async () => {
    expect((await run(['/usr/bin/readlink', '/proc/self/exe'])).stdout).toBe('/usr/bin/readlink\n');
    const ls = (await run(['/usr/bin/ls', '-l', '/proc/self/exe', '/proc/self/fd/'])).stdout;
    expect(ls).toMatch(/^l\S+ .* \/proc\/self\/exe -> \/usr\/bin\/ls$/m);
    // 0–2 are the pipes of the test; 3 is the directory ls reads, as the kernel lists it.
    const fds = ls.split('\n').filter((l) => l.startsWith('l') && !l.includes('/proc/self/exe'));
    expect(fds.map((l) => l.split(' -> ')[0].split(' ').pop())).toEqual(['0', '1', '2', '3']);
    // The test's pipes to the CLI (Node makes them socket pairs): the host kernel's names.
    expect(fds[0]).toMatch(/ -> (pipe|socket):\[\d+\]$/);
    expect(fds[3]).toMatch(/ -> \/proc\/\d+\/fd$/);
  }, 300_000);

  it('gives /proc/self files that agree with the process', async () => {
    const script = [
      'import os',
      'status = dict(l.split(":\\t", 1) for l in open("/proc/self/status").read().splitlines())',
      'stat = open("/proc/self/stat").read()',
      'fields = stat[stat.rindex(")") + 2:].split()',
      'print(status["Name"], status["Pid"] == str(os.getpid()), status["PPid"] == str(os.getppid()), status["Threads"])',
      'print(stat[stat.index("(") + 1:stat.rindex(")")], fields[0], fields[1] == str(os.getppid()))',
      'print(open("/proc/self/cmdline", "rb").read().split(b"\\0")[:2])',
      'print(b"PROBE=1" in open("/proc/self/environ", "rb").read().split(b"\\0"))',
      'maps = open("/proc/self/maps").read()',
      'print("/usr/bin/python3.11" in maps, "[stack]" in maps, "[heap]" in maps, "libc.so.6" in maps)',
      'print(open("/proc/sys/kernel/ostype").read().strip(), os.readlink("/proc/self/root"), os.readlink("/proc/self/cwd"))',
    ].join('\n');
    const out = await run(['/usr/bin/env', 'PROBE=1', '/usr/bin/python3.11', '-c', script]);
    expect(out.stdout.split('\n')).toEqual([
      'python3.11 True True 1',
      'python3.11 R True',
      "[b'/usr/bin/python3.11', b'-c']",
      'True',
      'True True True True',
      'Linux / /',
      '',
    ]);
  }, 300_000);

  it('has working devices in an empty /dev', async () => {
    const script =
      'echo gone > /dev/null; head -c 4 /dev/zero | od -An -tx1; head -c 16 /dev/urandom | wc -c; ' +
      '(echo full > /dev/full) 2>&1; readlink /dev/stdin /dev/fd; (echo through-a-pipe > /dev/stdout) | cat; ls /dev';
    const out = await run(['/usr/bin/bash', '-c', script]);
    expect(out.stdout).toBe(
      [
        ' 00 00 00 00',
        '16',
        '/usr/bin/bash: line 1: echo: write error: No space left on device',
        '/proc/self/fd/0',
        '/proc/self/fd',
        'through-a-pipe',
        'fd',
        'full',
        'null',
        'ptmx',
        'pts',
        'random',
        'stderr',
        'stdin',
        'stdout',
        'tty',
        'urandom',
        'zero',
        '',
      ].join('\n'),
    );
    expect(out.stderr).toBe('');
  }, 300_000);

  it('reports memory in /proc/meminfo the way free reads it (procps is not in minbase)', async () => {
    const meminfo = (await run(['/usr/bin/cat', '/proc/meminfo'])).stdout;
    const total = Number(/^MemTotal:\s+(\d+) kB$/m.exec(meminfo)?.[1]);
    expect(total).toBeGreaterThan(0);
    expect(Number(/^MemAvailable:\s+(\d+) kB$/m.exec(meminfo)?.[1])).toBeLessThanOrEqual(total);
  }, 300_000);
});
