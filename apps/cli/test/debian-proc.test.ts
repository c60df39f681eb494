import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureArm64Rootfs } from '@arm64kit/fixtures';
import { BENCH_PACKAGES } from '@arm64kit/test-programs';
import { available, rootProblem } from '@arm64kit/vitest-config/prerequisites';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { underArm64kit } from './debian-root.js';
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
    // The benchmarks' recipe (cached once built): minbase with python3 and procps among others.
    const { tarPath } = await ensureArm64Rootfs({ packages: BENCH_PACKAGES });
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
    const outcome = await execute(underArm64kit(root, program, args, cpu));
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

  it('reports the memory /proc/meminfo holds in free, vmstat and Python (sysinfo)', async () => {
    const meminfo = (await run(['/usr/bin/cat', '/proc/meminfo'])).stdout;
    const kB = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(meminfo)?.[1]);
    const total = kB('MemTotal');
    expect(total).toBeGreaterThan(0);
    expect(kB('MemAvailable')).toBeLessThanOrEqual(total);

    const free = (await run(['/usr/bin/free', '-k'])).stdout.split('\n');
    expect(free[0].trim().split(/\s+/)).toEqual([
      'total',
      'used',
      'free',
      'shared',
      'buff/cache',
      'available',
    ]);
    const [label, memTotal, used, unused, , , available] = free[1].split(/\s+/);
    expect(label).toBe('Mem:');
    expect(Number(memTotal)).toBe(total);
    expect(Number(used) + Number(unused)).toBeLessThanOrEqual(total);
    expect(Number(available)).toBeLessThanOrEqual(total);
    expect(free[2].split(/\s+/)).toEqual(['Swap:', '0', '0', '0']);

    const vmstat = (await run(['/usr/bin/vmstat', '-s'])).stdout;
    expect(vmstat).toMatch(new RegExp(`^ +${total} K total memory$`, 'm'));
    expect(vmstat).toMatch(/^ +0 K total swap$/m);

    // glibc's sysconf answers from sysinfo(2), not from /proc: the same memory all the same.
    const python = await run([
      '/usr/bin/python3',
      '-c',
      'import os; print(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))',
    ]);
    expect(Math.abs(Number(python.stdout) - total * 1024)).toBeLessThan(4096);
  }, 300_000);

  it('lists mounts whose devices match their files, so df and findmnt find them', async () => {
    const mountinfo = (await run(['/usr/bin/cat', '/proc/self/mountinfo'])).stdout.trim().split('\n');
    const points = mountinfo.map((line) => line.split(' ')[4]);
    expect(points).toEqual(['/', '/proc', '/sys', '/dev']);
    // The kernel's rule: a mount's major:minor is the st_dev of the files on it (%Hd:%Ld).
    const devices = (await run(['/usr/bin/stat', '-c', '%Hd:%Ld', ...points])).stdout.trim().split('\n');
    expect(mountinfo.map((line) => line.split(' ')[2])).toEqual(devices);
    const df = await run(['/usr/bin/df', '-P', '/', '/proc']);
    expect(df.stderr).toBe('');
    expect(
      df.stdout
        .trim()
        .split('\n')
        .map((l) => l.split(/\s+/).pop()),
    ).toEqual(['on', '/', '/proc']);
    expect(
      (await run(['/usr/bin/findmnt', '-n', '-o', 'TARGET,FSTYPE', '/proc'])).stdout.trim().split(/\s+/),
    ).toEqual(['/proc', 'proc']);
  }, 300_000);

  it('shows in ps the processes of the run, with the pids and parents the shell knows', async () => {
    const script = [
      'sleep 60 & s=$!',
      'echo "ids $$ $s"',
      'echo ---',
      'ps -o pid=,ppid=,pgid=,stat=,comm=',
      'echo ---',
      'ps -ef',
      'echo ---',
      'pgrep -x sleep; ls -d /proc/[0-9]* | wc -l',
      'kill $s; wait $s; echo "sleep ended $?"',
    ].join('\n');
    const out = (await run(['/usr/bin/bash', '-c', script])).stdout;
    const [head, listed, full, tail] = out.split('---\n');
    const [, shell, sleep] = head.split('\n')[0].split(' ').map(Number);
    const rows = listed
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/));
    expect(rows).toHaveLength(3);
    const [bash, sleeping, ps] = rows;
    // The shell is the host process arm64kit runs as, and keeps the group this test process gave
    // it (it is not started as a leader); a non-interactive shell's children stay in that group.
    const group = String(ownProcessGroup());
    expect(bash[0]).toBe(String(shell));
    expect(bash.slice(2)).toEqual([group, expect.stringMatching(/^S/), 'bash']);
    expect(sleeping).toEqual([String(sleep), String(shell), group, expect.stringMatching(/^S/), 'sleep']);
    expect(ps.slice(1)).toEqual([String(shell), group, expect.stringMatching(/^R/), 'ps']);

    const table = full.trim().split('\n');
    expect(table[0].split(/\s+/)).toEqual(['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD']);
    const byPid = new Map(table.slice(1).map((l) => [Number(l.split(/\s+/)[1]), l.split(/\s+/)] as const));
    expect(byPid.size).toBe(3);
    for (const row of byPid.values()) expect([row[0], row[5]]).toEqual(['root', '?']);
    expect(byPid.get(shell)?.slice(7, 9)).toEqual(['/usr/bin/bash', '-c']);
    expect(byPid.get(sleep)?.slice(2)).toEqual([
      String(shell),
      expect.stringMatching(/^\d+$/), // C: CPU use over its life, which emulated startup dominates
      expect.stringMatching(/^\d\d:\d\d$/), // STIME: started today
      '?',
      '00:00:00',
      'sleep',
      '60',
    ]);
    const self = [...byPid.values()].find((row) => row.slice(7).join(' ') === 'ps -ef');
    expect(self?.[2]).toBe(String(shell));

    // pgrep finds the sleep; /proc lists the shell, the sleep, ls and wc (pids only, no host's).
    expect(tail.split('\n').slice(0, 3)).toEqual([String(sleep), '4', 'sleep ended 143']);
  }, 300_000);

  it("shows a Python process's threads in ps -L, and the CPU time os.times counts", async () => {
    const script = [
      'import os, subprocess, threading',
      'done = threading.Event()',
      'thread = threading.Thread(target=done.wait)',
      'thread.start()',
      'pid = os.getpid()',
      'ps = subprocess.run(["ps", "-L", "-o", "lwp=,nlwp=,comm=", "-p", str(pid)], capture_output=True, text=True)',
      'print(sorted([pid, thread.native_id]), ps.stdout.split())',
      'done.set(); thread.join()',
      'before = os.times()',
      'stat = subprocess.run(["cat", "/proc/%d/stat" % pid], capture_output=True, text=True).stdout',
      'after = os.times()',
      'fields = stat[stat.rindex(")") + 2:].split()',
      'ticks = int(fields[11]) + int(fields[12])',
      'print(int((before.user + before.system) * 100) - 1 <= ticks <= round((after.user + after.system) * 100) + 1, ticks > 0)',
    ].join('\n');
    const out = (await run(['/usr/bin/python3', '-c', script])).stdout.split('\n');
    const [tids, ps] = out[0].split('] [').map((s) => s.replace(/[[\]',]/g, '').split(' '));
    expect(ps).toEqual([tids[0], '2', 'python3.11', tids[1], '2', 'python3.11']);
    expect(out[1]).toBe('True True');
  }, 300_000);
});

/** This process's group id (fifth field of /proc/self/stat), which the processes it starts inherit. */
function ownProcessGroup(): number {
  const stat = readFileSync('/proc/self/stat', 'latin1');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}
