/**
 * Runs a toy program through core exactly as an arm64 program runs: `prepareProgram` loads the
 * ELF, builds the initial stack and registers core's system calls; `GuestSystem.run` schedules
 * its processes and threads. What the program recorded is read back from its memory.
 */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type MachineExit, type PagedMemory, prepareProgram } from '../../src/index.js';
import { toyIsa } from './isa.js';
import type { ToyProgram } from './program.js';

export interface ToyRunOptions {
  /** Directory the guest sees as "/". */
  readonly sysroot?: string;
  /** The guest's working directory (a guest path). */
  readonly cwd?: string;
  readonly stdin?: string;
  /** Collect --strace lines. */
  readonly strace?: boolean;
}

export interface ToyRun extends MachineExit {
  readonly stdout: string;
  readonly stderr: string;
  readonly trace: readonly string[];
  /** The first process's memory as the run left it. */
  readonly memory: PagedMemory;
  /** A recorded result, as the signed value a C program would see. */
  result(name: string): bigint;
  /** `result` as a number (for small values: fds, errnos, counts). */
  n(name: string): number;
}

/** A hang would stop the test worker (the run is synchronous): bound it well above any real run. */
const HANG_BOUND_MS = 120_000;

export function runToy(program: ToyProgram, options: ToyRunOptions = {}): ToyRun {
  const dir = mkdtempSync(join(tmpdir(), 'arm64kit-toy-'));
  const path = join(dir, 'program');
  writeFileSync(path, program.link(), { mode: 0o755 });
  writeFileSync(join(dir, 'stdin'), options.stdin ?? '');
  const fds = [
    openSync(join(dir, 'stdin'), 'r'),
    openSync(join(dir, 'stdout'), 'w'),
    openSync(join(dir, 'stderr'), 'w'),
  ];
  const trace: string[] = [];
  const { system, kernel } = prepareProgram({
    arch: toyIsa,
    path,
    argv: ['program'],
    sysroot: options.sysroot,
    cwd: options.cwd,
    stdin: fds[0],
    stdout: fds[1],
    stderr: fds[2],
    strace: options.strace ? (line) => trace.push(line) : undefined,
  });
  try {
    const exit = system.run({ timeoutMs: HANG_BOUND_MS });
    const memory = kernel.memory;
    const result = (name: string) => {
      const at = program.slots.get(name);
      if (at === undefined) throw new Error(`the program records no result named ${name}`);
      return BigInt.asIntN(64, memory.read64(at));
    };
    return {
      ...exit,
      stdout: readFileSync(join(dir, 'stdout'), 'latin1'),
      stderr: readFileSync(join(dir, 'stderr'), 'latin1'),
      trace,
      memory,
      result,
      n: (name) => Number(result(name)),
    };
  } finally {
    system.shutdown();
    for (const fd of fds) closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
}
