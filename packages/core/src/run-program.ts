import { resolve } from 'node:path';
import type { Architecture } from './arch.js';
import type { TranslationCacheStats } from './exec/translation-cache.js';
import type { CpuWorkerEntry } from './linux/cpu-workers.js';
import { E, errnoOf } from './linux/errno.js';
import { LinuxKernel } from './linux/kernel.js';
import { PrivateDirectory } from './linux/private-directory.js';
import { openProgram, startProcessImage } from './linux/process-image.js';
import { registerFileSyscalls } from './linux/sys-files.js';
import { registerMemorySyscalls } from './linux/sys-memory.js';
import { registerPosixTimerSyscalls } from './linux/sys-posix-timers.js';
import { registerProcessSyscalls } from './linux/sys-process.js';
import { registerTimeSyscalls } from './linux/sys-time.js';
import { GuestSystem } from './linux/system.js';
import { ElfFile, NotRegularFileError, shownPath } from './loader/elf-file.js';
import type { Executor, Machine, MachineExit } from './machine.js';

/** The program (or its interpreter) could not be read. */
export class ProgramNotFoundError extends Error {
  readonly code = 'PROGRAM_NOT_FOUND';
  readonly exitCode = 127;
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`cannot run ${path}: ${reason}`);
    this.name = 'ProgramNotFoundError';
  }
}

export interface RunProgramOptions {
  readonly arch: Architecture;
  /** Host path of the program file. */
  readonly path: string;
  /** The argv the guest sees (argv[0] included). Default: [path]. */
  readonly argv?: readonly string[];
  /** Environment as NAME=value strings. Default: none. */
  readonly env?: readonly string[];
  /** Directory used as the guest's "/" for every path it opens (like `qemu -L`). */
  readonly sysroot?: string;
  /** The guest's working directory (a guest path). Default: the host's cwd (or "/" with a sysroot). */
  readonly cwd?: string;
  /** Host descriptors for the guest's 0, 1, 2. Default: this process's. */
  readonly stdin?: number;
  readonly stdout?: number;
  readonly stderr?: number;
  /** Receives a line per system call (and unknown ones once); library code never prints. */
  readonly strace?: (line: string) => void;
  /** AT_FLAGS in the guest's auxiliary vector. Default 0. */
  readonly atFlags?: number;
  readonly executor?: Executor;
  /**
   * Run every process on a shared `WebAssembly.Memory`, with exclusives, atomics and barriers
   * lifted to real atomic operations (the form guest threads on worker threads need). Default
   * false: one host thread runs every guest thread, and plain accesses are atomic already.
   */
  readonly sharedMemory?: boolean;
  /**
   * Run guest threads on up to `count` worker threads beside this one, so that a program's
   * threads use several host cores (see linux/cpu-workers.ts). Needs `sharedMemory`; `entry`
   * names the module each worker loads, whose export calls `serveCpuWorker` with the
   * architectures it may run. Default: none (every guest thread runs on this thread).
   */
  readonly cpuWorkers?: { readonly count: number; readonly entry: CpuWorkerEntry };
  /** Stop the guest after this many milliseconds (throws GuestTimeoutError). */
  readonly timeoutMs?: number;
}

export interface RunResult extends MachineExit {
  /** Guest instructions executed. */
  readonly instructions: number;
  /** How the run's processes shared translated code (absent with the cache off). */
  readonly translations?: TranslationCacheStats;
}

function openFile(path: string | Buffer, name: string): ElfFile {
  try {
    return ElfFile.open(path, name);
  } catch (error) {
    if (error instanceof NotRegularFileError) throw error;
    const code = (error as { code?: string }).code;
    throw new ProgramNotFoundError(name, code === 'ENOENT' ? 'no such file' : (error as Error).message);
  }
}

function envToStrings(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${v}`);
}

/** Prepares a process image (ELF, interpreter, stack, registers) in a fresh machine. */
export function prepareProgram(options: RunProgramOptions): {
  machine: Machine;
  kernel: LinuxKernel;
  system: GuestSystem;
} {
  const { arch } = options;
  const programPath = resolve(options.path);
  const system = new GuestSystem(arch, options.executor, {
    sharedMemory: options.sharedMemory,
    cpuWorkers: options.cpuWorkers,
  });
  const machine = system.newMachine();
  const memory = machine.memory;
  const sysroot = options.sysroot ? resolve(options.sysroot) : null;
  const kernel = new LinuxKernel({
    memory,
    arch,
    sysroot,
    // A sysroot gets a /dev/shm of its own for the run (shm_open, sem_open), as a container's
    // private tmpfs, whether or not the root filesystem has one.
    mounts: sysroot ? new Map([['/dev/shm', new PrivateDirectory('shm', 0o1777)]]) : undefined,
    cwd: options.cwd ?? (sysroot ? '/' : process.cwd()),
    stdio: [options.stdin ?? 0, options.stdout ?? 1, options.stderr ?? 2],
    programPath,
    trace: options.strace ?? null,
  });
  const program = openProgram(options.path, options.path, arch.elfMachine, openFile, (interp) => {
    let at: ReturnType<typeof kernel.paths.locate>;
    try {
      at = kernel.paths.locate(interp);
    } catch (error) {
      const why = errnoOf(error) === E.ELOOP ? 'too many symbolic links' : 'No such file or directory';
      throw new ProgramNotFoundError(shownPath(interp), why);
    }
    // A file the kernel makes up (/dev/zero, /proc/...) is never a regular file to load.
    if ('synthetic' in at) throw new NotRegularFileError(shownPath(interp));
    return at.host;
  });
  registerFileSyscalls(kernel);
  registerMemorySyscalls(kernel);
  registerProcessSyscalls(kernel);
  registerTimeSyscalls(kernel);
  registerPosixTimerSyscalls(kernel);
  try {
    kernel.layout = startProcessImage(memory, machine.cpu, arch, {
      guestPath: kernel.programPath,
      image: program.image,
      name: options.path,
      interpreter: program.interpreter,
      argv: options.argv ?? [options.path],
      env: options.env ?? [],
      execfn: options.path,
      atFlags: options.atFlags ?? 0,
    });
  } finally {
    program.close();
  }
  system.addProcess(kernel, machine);
  return { machine, kernel, system };
}

/**
 * Runs a Linux program of architecture `arch` to completion, like `qemu-<arch> PROGRAM ARGS`.
 * Returns the exit status (128 + signal for a fatal signal, with a one-line report); throws
 * typed errors for files that cannot be run (ElfError, ProgramNotFoundError) and for emulator
 * failures (EmulatorError).
 */
export function runProgram(options: RunProgramOptions): RunResult {
  const { system } = prepareProgram(options);
  try {
    const exit = system.run({ timeoutMs: options.timeoutMs });
    return { ...exit, instructions: system.instructions, translations: system.translationStats };
  } finally {
    system.shutdown();
  }
}

/** `runProgram` that yields to the event loop while the guest runs (same options and result). */
export async function runProgramAsync(options: RunProgramOptions): Promise<RunResult> {
  const { system } = prepareProgram(options);
  try {
    const exit = await system.runAsync({ timeoutMs: options.timeoutMs });
    return { ...exit, instructions: system.instructions, translations: system.translationStats };
  } finally {
    system.shutdown();
  }
}

export { envToStrings };
