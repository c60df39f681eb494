import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildProgram, CROSS_CC, QEMU } from '@arm64kit/test-programs';
import { available, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import { describe, expect, it } from 'vitest';

/** `arm64kit run`, as a user runs it: the built CLI in a child process with real stdio. */
const CLI_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(CLI_ROOT, 'bin/run.js');

interface Ran {
  status: number | null;
  /** The signal that ended the CLI, or null when it exited. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI without blocking the test worker (long synchronous waits starve vitest's RPC). */
function run(args: string[]): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'run', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}

const problem =
  commandProblem(CROSS_CC, 'gcc-aarch64-linux-gnu') ??
  (existsSync(join(CLI_ROOT, 'dist/commands/run.js'))
    ? null
    : 'the CLI is not built (pnpm turbo run build --filter arm64kit...)');

describe.runIf(available('arm64kit run', problem))('arm64kit run', { timeout: 180_000 }, () => {
  it('passes arguments through, sets argv[0] with --argv0, and exits 0', async () => {
    const argv = buildProgram('argv');
    const r = await run(['--argv0', 'custom', argv, '-x', '--strace', 'two words']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      'Total Number of args: 4\n0th argv: custom\n1th argv: -x\n2th argv: --strace\n3th argv: two words\n',
    );
    expect(r.status).toBe(0);
  });

  it('takes --cpu before PROGRAM and refuses a profile it does not know', async () => {
    const argv = buildProgram('argv');
    const r = await run(['--cpu', 'neoverse-n1', argv, '--cpu']);
    expect([r.status, r.stdout]).toEqual([
      0,
      `Total Number of args: 2\n0th argv: ${argv}\n1th argv: --cpu\n`,
    ]);
    const bad = await run(['--cpu', 'cortex-x9', argv]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('Expected --cpu=cortex-x9 to be one of: v8.0, neoverse-n1, max');
  });

  it('sets the environment with --clear-env, --env and --unset-env, and the directory with --cwd', async () => {
    const program = buildProgram('environment');
    const dir = mkdtempSync(join(tmpdir(), 'arm64kit-cwd-'));
    try {
      const r = await run([
        '--clear-env',
        '--env',
        'A=1',
        '--env=B=two words',
        '--cwd',
        dir,
        program,
        '--env',
        'X=y',
      ]);
      expect([r.status, r.stderr]).toEqual([0, '']);
      expect(r.stdout).toBe(`cwd ${realpathSync(dir)}\nenv A=1\nenv B=two words\n`);
      const kept = await run(['--unset-env', 'HOME', '--env', 'PATH=/only', program]);
      expect(kept.stdout).toContain('env PATH=/only\n');
      expect(kept.stdout).not.toMatch(/^env HOME=/m);
      const other = Object.keys(process.env).find((name) => name !== 'HOME' && name !== 'PATH');
      expect(kept.stdout).toContain(`env ${other}=${process.env[other ?? '']}\n`); // the rest is kept

      // Inside a sysroot, --cwd is a guest path there.
      mkdirSync(join(dir, 'work'));
      const inRoot = await run(['--sysroot', dir, '--cwd', '/work', '--clear-env', program]);
      expect([inRoot.status, inRoot.stdout]).toEqual([0, 'cwd /work\n']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a --cwd or --sysroot that is no directory and an --env that is not NAME=VALUE', async () => {
    const program = buildProgram('environment');
    const missing = await run(['--cwd', '/no/such/dir', program]);
    expect([missing.status, missing.stdout, missing.stderr]).toEqual([
      125,
      '',
      'arm64kit: --cwd /no/such/dir: no such directory\n',
    ]);
    const outside = await run(['--sysroot', tmpdir(), '--cwd', '/no-such-dir-here', program]);
    expect([outside.status, outside.stderr]).toEqual([
      125,
      'arm64kit: --cwd /no-such-dir-here: no such directory in the sysroot\n',
    ]);
    const noRoot = await run(['--sysroot', '/no/such/root', program]);
    expect([noRoot.status, noRoot.stdout, noRoot.stderr]).toEqual([
      125,
      '',
      'arm64kit: --sysroot /no/such/root: no such directory\n',
    ]);
    const fileRoot = await run(['--sysroot', program, program]);
    expect([fileRoot.status, fileRoot.stderr]).toEqual([
      125,
      `arm64kit: --sysroot ${program}: not a directory\n`,
    ]);
    const malformed = await run(['--env', 'NOVALUE', program]);
    expect(malformed.status).toBe(2);
    expect(malformed.stderr).toContain('--env takes NAME=VALUE, got "NOVALUE"');
    expect(malformed.stdout).toBe('');
  });

  it('hands --help after PROGRAM to the program, and answers --help before it', async () => {
    const argv = buildProgram('argv');
    const r = await run([argv, '--help', '--version']);
    expect(r.stdout).toBe(
      `Total Number of args: 3\n0th argv: ${argv}\n1th argv: --help\n2th argv: --version\n`,
    );
    const viaBinfmt = await run(['--binfmt-preserve-argv0', argv, 'tool', '--help']);
    expect(viaBinfmt.stdout).toBe('Total Number of args: 2\n0th argv: tool\n1th argv: --help\n');
    const ours = await run(['--help']);
    expect([ours.status, ours.stdout]).toEqual([
      0,
      expect.stringContaining('USAGE\n  $ arm64kit run PROGRAM'),
    ]);
  });

  it('runs on every IR backend the same (--executor)', async () => {
    const argv = buildProgram('argv');
    for (const executor of ['tiered', 'wasm', 'threaded', 'compiled', 'reference']) {
      const r = await run(['--executor', executor, argv, executor]);
      expect([r.status, r.stdout, r.stderr]).toEqual([
        0,
        `Total Number of args: 2\n0th argv: ${argv}\n1th argv: ${executor}\n`,
        '',
      ]);
    }
  });

  it('follows the binfmt_misc P convention with --binfmt-preserve-argv0', async () => {
    const r = await run(['--binfmt-preserve-argv0', buildProgram('argv'), 'original', 'a']);
    expect(r.stdout).toBe('Total Number of args: 2\n0th argv: original\n1th argv: a\n');
  });

  it("exits with the guest's status, and like the kernel for fatal signals, with one line", async () => {
    const faults = buildProgram('faults', { opt: 'O0' });
    expect((await run([faults, 'exit', '42'])).status).toBe(42);
    const segv = await run([faults, 'segv']);
    expect(segv.status).toBe(139);
    expect(segv.stdout).toBe('about to: segv\n');
    expect(segv.stderr).toMatch(
      /^arm64kit: guest terminated by SIGSEGV: fault address 0xdead0000 \(write\) at pc 0x[0-9a-f]+\n$/,
    );
    const abort = await run([faults, 'abort']);
    expect(abort.status).toBe(134);
    expect(abort.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });

  const withQemu = available('qemu-aarch64-static', commandProblem(QEMU, 'qemu-user-static'));
  it.runIf(withQemu)(
    'ends by the signal, quietly, as qemu does, when it is no crash: SIGPIPE, SIGTERM, SIGINT, SIGKILL',
    async () => {
      const faults = buildProgram('faults', { opt: 'O0' });
      for (const signal of ['SIGPIPE', 'SIGTERM', 'SIGINT', 'SIGKILL'] as const) {
        const signo = String(constants.signals[signal]);
        const ours = await run([faults, 'raise', signo]);
        // qemu-aarch64-static ends itself by the signal too, and prints nothing either.
        const qemu = spawnSync(QEMU, [faults, 'raise', signo], { encoding: 'utf8' });
        expect([qemu.status, qemu.signal, qemu.stderr]).toEqual([null, signal, '']);
        expect([ours.status, ours.signal, ours.stdout, ours.stderr]).toEqual([null, signal, qemu.stdout, '']);
      }
    },
  );

  it('reports undefined instructions with PC and encoding (SIGILL, 132)', async () => {
    const reserved = buildProgram('reserved');
    const r = await run([reserved, '0']);
    expect(r.status).toBe(132);
    expect(r.stderr).toMatch(/^arm64kit: guest terminated by SIGILL: .*0x[0-9a-f]{8}.* at pc 0x[0-9a-f]+\n$/);
  });

  it('traces system calls with --strace', async () => {
    const r = await run(['--strace', buildProgram('argv')]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(
      /^arm64kit strace: write\(1, "Total Number of args: 1\\n0th argv"\.\.\., (\d+)\) = \1$/m,
    );
    expect(r.stderr).toMatch(/^arm64kit strace: exit_group\(0\) = \?$/m);
  });

  it('refuses files it cannot run with docker-run exit codes', async () => {
    const notArm = await run(['/bin/true']);
    expect(notArm.status).toBe(126);
    expect(notArm.stderr).toBe(
      'arm64kit: /bin/true is for x86_64 (ELF machine 62); arm64kit runs aarch64 and riscv64 programs\n',
    );
    const missing = await run(['/nonexistent/prog']);
    expect(missing.status).toBe(127);
    expect(missing.stderr).toBe('arm64kit: cannot run /nonexistent/prog: no such file\n');
  });

  const onTerminalProblem = commandProblem('script', 'bsdutils') ?? commandProblem(QEMU, 'qemu-user-static');
  it.runIf(available('terminal ioctls under a pseudo-terminal', onTerminalProblem))(
    'on a terminal, answers TCGETS with the kernel struct termios only, as qemu does',
    async () => {
      const terminal = buildProgram('terminal');
      // script(1) gives the program a pseudo-terminal as stdin and stdout. Its own input stays
      // open while the program runs: at the end of its input script types an end-of-file
      // character chosen by the terminal's mode, and arm64kit keeps the host terminal in raw
      // mode (its own line discipline does the guest's), so that character would differ.
      const onTerminal = (command: string) =>
        spawnSync('sh', ['-c', 'sleep 2 | script -qec "$0" /dev/null', command], {
          encoding: 'utf8',
          timeout: 120_000,
        });
      const expected = onTerminal(`${QEMU} ${terminal}`);
      expect(expected.stdout).toContain('untouched: 28 of 28');
      const actual = onTerminal(`${process.execPath} ${BIN} run ${terminal}`);
      expect([actual.status, actual.stdout]).toEqual([expected.status, expected.stdout]);
    },
  );
});
