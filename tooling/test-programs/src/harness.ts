import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';

export const QEMU = 'qemu-aarch64-static';

/** One run of a program: its arguments, stdin, environment and working directory. */
export interface RunCase {
  readonly args?: readonly string[];
  /** argv[0] the guest sees; default: the binary's path. */
  readonly argv0?: string;
  readonly stdin?: string | Uint8Array;
  /** The whole environment of the guest (nothing is inherited). */
  readonly env?: Readonly<Record<string, string>>;
  /** Working directory; default a fresh temporary directory, removed afterwards. */
  readonly cwd?: string;
  /** arm64kit's CPU profile for this run (`--cpu`); default the emulator runner's. */
  readonly cpu?: string;
  /** qemu's CPU model for this run (`-cpu`); default qemu's own. */
  readonly qemuCpu?: string;
}

/** What a run produced, for comparison. */
export interface Outcome {
  readonly stdout: string;
  readonly stderr: string;
  /** Exit status as a shell reports it (128 + signal for a fatal signal). */
  readonly status: number;
}

/** Host descriptors and settings an emulator runner gets for one run. */
export interface RunnerIo {
  readonly argv: readonly string[];
  readonly env: readonly string[];
  readonly cwd: string;
  readonly stdin: number;
  readonly stdout: number;
  readonly stderr: number;
  /** The CPU profile the run asks for (RunCase.cpu), if any. */
  readonly cpu?: string;
}

/** Runs `binary` in arm64kit (in-process or not) and returns the guest's exit status. */
export type EmulatorRunner = (
  binary: string,
  io: RunnerIo,
) => { exitCode: number } | Promise<{ exitCode: number }>;

export const DEFAULT_ENV: Readonly<Record<string, string>> = {
  PATH: '/usr/local/bin:/usr/bin:/bin',
  HOME: '/root',
  LANG: 'C',
  TZ: 'UTC',
};

/** Host signal numbers by name (every signal a guest can die of, SIGUSR1 and SIGTERM included). */
const SIGNAL_NUMBERS: Readonly<Record<string, number>> = constants.signals;

/** qemu reports fatal guest signals on stderr; that line is qemu's, not the program's. */
function withoutQemuNotes(stderr: string): string {
  return stderr
    .split('\n')
    .filter((line) => !line.startsWith('qemu: uncaught target signal'))
    .join('\n');
}

interface Scratch {
  dir: string;
  cwd: string;
  stdinPath: string;
  cleanup(): void;
}

function scratch(c: RunCase): Scratch {
  const dir = mkdtempSync(join(tmpdir(), 'arm64kit-diff-'));
  const cwd = c.cwd ?? join(dir, 'work');
  if (!c.cwd) mkdirSync(cwd);
  const stdinPath = join(dir, 'stdin');
  writeFileSync(stdinPath, c.stdin ?? '');
  return { dir, cwd, stdinPath, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function envList(c: RunCase): string[] {
  return Object.entries(c.env ?? DEFAULT_ENV).map(([k, v]) => `${k}=${v}`);
}

/**
 * Runs `binary` under `qemu` (qemu-aarch64-static unless told otherwise) with stdin, stdout and
 * stderr on regular files.
 */
export async function runUnderQemu(binary: string, c: RunCase = {}, qemu: string = QEMU): Promise<Outcome> {
  const argv0 = c.argv0 === undefined ? [] : ['-0', c.argv0];
  const cpu = c.qemuCpu === undefined ? [] : ['-cpu', c.qemuCpu];
  return runHostCommand(qemu, [...cpu, ...argv0, binary, ...(c.args ?? [])], c);
}

/**
 * Runs `binary`, built for this host (`buildProgram(name, { native: true })`), on the host's
 * own kernel, as runUnderQemu runs an aarch64 one: the oracle where qemu departs from the kernel.
 */
export async function runNatively(binary: string, c: RunCase = {}): Promise<Outcome> {
  if (c.argv0 !== undefined || c.qemuCpu !== undefined)
    throw new Error('a native run takes no argv0 or qemuCpu');
  return runHostCommand(binary, [...(c.args ?? [])], c);
}

async function runHostCommand(command: string, args: readonly string[], c: RunCase): Promise<Outcome> {
  const s = scratch(c);
  const outPath = join(s.dir, 'out');
  const errPath = join(s.dir, 'err');
  const fds = [openSync(s.stdinPath, 'r'), openSync(outPath, 'w'), openSync(errPath, 'w')];
  try {
    // Asynchronous, so the test worker stays responsive while the program runs.
    const status = await new Promise<number>((resolve, reject) => {
      const child = spawn(command, args, {
        cwd: s.cwd,
        env: c.env ?? DEFAULT_ENV,
        stdio: fds,
        timeout: 120_000,
      });
      child.on('error', reject);
      child.on('close', (code, signal) => resolve(code ?? 128 + (SIGNAL_NUMBERS[signal ?? ''] ?? 0)));
    });
    return {
      stdout: readFileSync(outPath, 'utf8'),
      stderr: withoutQemuNotes(readFileSync(errPath, 'utf8')),
      status,
    };
  } finally {
    for (const fd of fds) closeSync(fd);
    s.cleanup();
  }
}

/** Runs `binary` through `runner` with the same files, argv, environment and cwd as qemu gets. */
export async function runUnderEmulator(
  binary: string,
  runner: EmulatorRunner,
  c: RunCase = {},
): Promise<Outcome> {
  const s = scratch(c);
  const outPath = join(s.dir, 'out');
  const errPath = join(s.dir, 'err');
  const fds = [openSync(s.stdinPath, 'r'), openSync(outPath, 'w'), openSync(errPath, 'w')];
  try {
    const { exitCode } = await runner(binary, {
      argv: [c.argv0 ?? binary, ...(c.args ?? [])],
      env: envList(c),
      cwd: s.cwd,
      stdin: fds[0],
      stdout: fds[1],
      stderr: fds[2],
      ...(c.cpu === undefined ? {} : { cpu: c.cpu }),
    });
    return { stdout: readFileSync(outPath, 'utf8'), stderr: readFileSync(errPath, 'utf8'), status: exitCode };
  } finally {
    for (const fd of fds) closeSync(fd);
    s.cleanup();
  }
}
