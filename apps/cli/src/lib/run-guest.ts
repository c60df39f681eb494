import { type PathLike, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { posix, resolve } from 'node:path';
import { AT_FLAGS_PRESERVE_ARGV0, programArgv } from '@arm64kit/binfmt';
import {
  type CpuWorkerEntry,
  type Executor,
  envToStrings,
  PathResolver,
  prepareProgram,
} from '@arm64kit/core';
import { type GuestArch, guestArchitecture } from './guest-arch.js';
import { endBySignal, forwardSignals } from './host-process.js';
import { connectHostTerminal } from './host-terminal.js';
import { ownFlagsEnd, valueFlagsOf } from './pass-through.js';

/**
 * What `arm64kit run` does once its flags are parsed. Both ways in share it: the oclif command
 * (commands/run.ts) and the lean start-up path (lean-run/), which parses the same flags without
 * loading oclif. Nothing here may import oclif, Docker or the repro.
 */

/** run's own flags, as oclif's parser and the lean parser both hand them over. */
export interface RunFlags {
  readonly strace?: boolean;
  readonly argv0?: string;
  readonly sysroot?: string;
  readonly 'binfmt-preserve-argv0'?: boolean;
  readonly stats?: boolean;
  readonly executor?: string;
  /** The CPU profile the program is told about (default: ARM64KIT_CPU, else the minimal one). */
  readonly cpu?: string;
  /** The architecture to run the program as (default: the one its ELF header names). */
  readonly arch?: string;
  /** The guest's working directory (inside the sysroot when there is one). */
  readonly cwd?: string;
  /** K=V settings of the guest's environment, after --clear-env and --unset-env (like qemu -E). */
  readonly env?: readonly string[];
  /** Variables removed from the guest's environment (like qemu -U). */
  readonly 'unset-env'?: readonly string[];
  /** Start the guest's environment empty instead of from arm64kit's own. */
  readonly 'clear-env'?: boolean;
}

/** --cwd or --sysroot names no directory. */
export class RunDirectoryError extends Error {
  readonly code: string;
  readonly exitCode = 125;
  constructor(
    readonly flag: '--cwd' | '--sysroot',
    readonly path: string,
    why: string,
  ) {
    super(`${flag} ${path}: ${why}`);
    this.code = `RUN_${flag.slice(2).toUpperCase()}_NOT_DIRECTORY`;
  }
}

/** Why host path `path` is no directory ('missing' or 'not a directory'), or undefined when it is one. */
function notADirectory(path: PathLike): 'missing' | 'not a directory' | undefined {
  try {
    return statSync(path).isDirectory() ? undefined : 'not a directory';
  } catch {
    return 'missing';
  }
}

/**
 * Checks that --sysroot is a directory before anything is looked up in it: a misspelt one would
 * otherwise surface as whatever the program's first missing file happens to be.
 */
function checkSysroot(flags: RunFlags): void {
  const sysroot = flags.sysroot;
  if (sysroot === undefined) return;
  const problem = notADirectory(sysroot);
  if (problem === 'missing') throw new RunDirectoryError('--sysroot', sysroot, 'no such directory');
  if (problem !== undefined) throw new RunDirectoryError('--sysroot', sysroot, problem);
}

/** Splits raw argv into run's own flags and [PROGRAM, ...ARGS], stopping at the program (or `--`). */
export function splitRunArgv(raw: readonly string[]): { own: string[]; guest: string[] } {
  const end = ownFlagsEnd(raw, valueFlagsOf('run'));
  return { own: raw.slice(0, end), guest: raw.slice(raw[end] === '--' ? end + 1 : end) };
}

/** Why [PROGRAM, ...ARGS] cannot be run with these flags (a usage error, exit 2), or undefined. */
export function runUsageProblem(flags: RunFlags, guest: readonly string[]): string | undefined {
  if (guest.length === 0) return 'missing PROGRAM';
  if (flags['binfmt-preserve-argv0'] && guest.length === 1)
    return '--binfmt-preserve-argv0 needs the original argv[0] after PROGRAM';
  for (const setting of flags.env ?? []) {
    if (!/^[^=]+=/.test(setting)) return `--env takes NAME=VALUE, got "${setting}"`;
  }
  for (const name of flags['unset-env'] ?? []) {
    if (name === '' || name.includes('=')) return `--unset-env takes a variable name, got "${name}"`;
  }
  return undefined;
}

/** The guest's environment: arm64kit's own (unless --clear-env), less --unset-env, plus --env. */
export function guestEnvironment(flags: RunFlags, host: readonly string[]): string[] {
  const env = new Map<string, string>();
  const add = (setting: string) => env.set(setting.slice(0, setting.indexOf('=')), setting);
  if (!flags['clear-env']) for (const setting of host) if (setting.includes('=')) add(setting);
  for (const name of flags['unset-env'] ?? []) env.delete(name);
  for (const setting of flags.env ?? []) add(setting);
  return [...env.values()];
}

/**
 * The guest path --cwd names: with a sysroot a path inside it (a relative one from its "/"),
 * resolved as the guest would resolve it, so it cannot lead outside; else a host path.
 */
export function guestCwd(flags: RunFlags): string | undefined {
  const cwd = flags.cwd;
  if (cwd === undefined) return undefined;
  const guest = flags.sysroot === undefined ? resolve(cwd) : posix.resolve('/', cwd);
  const host = flags.sysroot === undefined ? guest : new PathResolver(resolve(flags.sysroot)).toHost(guest);
  const problem = notADirectory(host);
  if (problem === 'missing') {
    const why = flags.sysroot === undefined ? 'no such directory' : 'no such directory in the sysroot';
    throw new RunDirectoryError('--cwd', cwd, why);
  }
  if (problem !== undefined) throw new RunDirectoryError('--cwd', cwd, problem);
  return guest;
}

/** More CPU workers than this gain nothing on any host here (and each costs its own memory). */
const MOST_CPU_WORKERS = 3;

/** ARM64KIT_CPU_WORKERS is not a count arm64kit can use. */
export class CpuWorkersSettingError extends Error {
  readonly code = 'RUN_CPU_WORKERS_SETTING';
  readonly exitCode = 125;
  constructor(value: string) {
    super(
      `ARM64KIT_CPU_WORKERS must be a whole number from 0 to ${MOST_CPU_WORKERS} (got ${JSON.stringify(value)})`,
    );
  }
}

/**
 * How many worker threads may run guest threads beside the kernel's: ARM64KIT_CPU_WORKERS, by
 * default one fewer than the host's processors (at most MOST_CPU_WORKERS). A process moves to
 * shared memory when it starts its second thread; single-threaded ones never pay for it.
 */
function cpuWorkers(entry: CpuWorkerEntry | undefined): {
  cpuWorkers?: { count: number; entry: CpuWorkerEntry };
} {
  const named = process.env.ARM64KIT_CPU_WORKERS;
  let count = Math.min(MOST_CPU_WORKERS, availableParallelism() - 1);
  if (named !== undefined && named !== '') {
    count = /^\d+$/.test(named) ? Number(named) : Number.NaN;
    if (!Number.isInteger(count) || count < 0 || count > MOST_CPU_WORKERS)
      throw new CpuWorkersSettingError(named);
  }
  if (count === 0 || entry === undefined) return {};
  return { cpuWorkers: { count, entry } };
}

/**
 * Runs [PROGRAM, ...ARGS] (already checked by runUsageProblem) and returns the exit status for
 * arm64kit. Reports of a fatal signal and --stats go to stderr; typed errors (a file that is
 * not an aarch64 program, a missing file) are thrown for the caller to print.
 */
export async function runGuest(
  flags: RunFlags,
  guest: readonly string[],
  workerEntry?: CpuWorkerEntry,
): Promise<number> {
  const [program, ...rest] = guest;
  const preserve = flags['binfmt-preserve-argv0'] === true;
  // As a binfmt_misc interpreter we received [us, PROGRAM, ...]; @arm64kit/binfmt says which
  // argv the program itself gets from that, with and without P.
  const seen = programArgv(['arm64kit', program, ...rest], preserve ? AT_FLAGS_PRESERVE_ARGV0 : 0);
  const argv = flags.argv0 === undefined ? seen : [flags.argv0, ...seen.slice(1)];

  checkSysroot(flags);
  const started = process.hrtime.bigint();
  const { system, kernel } = prepareProgram({
    arch: await guestArchitecture(program, flags.arch as GuestArch | undefined, flags.cpu),
    path: program,
    argv,
    env: guestEnvironment(flags, envToStrings(process.env)),
    sysroot: flags.sysroot,
    cwd: guestCwd(flags),
    executor: flags.executor as Executor | undefined,
    ...cpuWorkers(workerEntry),
    strace: flags.strace ? (line) => process.stderr.write(`arm64kit strace: ${line}\n`) : undefined,
    // The guest has descriptors 0-2 as this process has them: an open one (/dev/null opened for
    // reading and writing, as subprocess.DEVNULL gives, included) is open, a closed one closed.
    // Node itself opens /dev/null on a 0-2 that was closed when it started, before any script
    // runs, and leaves nothing to tell that apart from a /dev/null the parent opened; so those
    // are open here too.
    stdin: 0,
    stdout: 1,
    stderr: 2,
  });
  // The event loop runs between slices of the guest, so host signals reach it there; they go
  // to the first process, as a terminal's Ctrl-C goes to the program arm64kit started.
  const stopForwarding = forwardSignals((signo) => kernel.sendSignal(signo));
  // A terminal on stdin becomes the guest's controlling terminal, as it is under the kernel.
  const disconnectTerminal = connectHostTerminal(kernel);
  let result: Awaited<ReturnType<typeof system.runAsync>> & { instructions: number };
  try {
    result = { ...(await system.runAsync()), instructions: system.instructions };
  } finally {
    disconnectTerminal?.();
    stopForwarding();
    system.shutdown();
  }
  // A crash gets one line; a program ended by SIGPIPE, SIGTERM or SIGKILL ends this process by
  // that signal, quietly (endBySignal, after the statistics).
  if (result.report && result.dumpsCore) process.stderr.write(`arm64kit: ${result.report}\n`);
  if (flags.stats) {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const rate = result.instructions / seconds / 1e6;
    process.stderr.write(
      `arm64kit: ${result.instructions} instructions in ${seconds.toFixed(3)} s (${rate.toFixed(2)} M/s)\n`,
    );
    const t = system.translationStats;
    if (t) {
      process.stderr.write(
        `arm64kit: translations: ${t.lifted} lifted, ${t.reused} reused (${t.reusedWasm} as wasm), ${t.mismatched} mismatched, ${t.evicted} evicted; ${t.entries} cached in ${(t.bytes / 1048576).toFixed(1)} MiB\n`,
      );
    }
    const w = system.cpuWorkerStats;
    if (w) {
      const share = result.instructions > 0 ? (100 * w.instructions) / result.instructions : 0;
      process.stderr.write(
        `arm64kit: CPU workers: ${w.workers} started, ${w.runs} runs, ${w.instructions} instructions (${share.toFixed(1)}%)\n`,
      );
    }
  }
  if (result.signal !== undefined && !result.dumpsCore) endBySignal(result.signal);
  return result.exitCode;
}
