import type { Executor } from '@arm64kit/core';
import {
  buildProgram,
  type DifferentialProgram,
  RISCV64_TARGET,
  type RunCase,
  runUnderEmulator,
  runUnderQemu,
} from '@arm64kit/test-programs';
import { available, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import { describe, expect, it } from 'vitest';
import { RISCV64_PROGRAMS } from './programs.js';
import { inProcess } from './support/in-process.js';

const prerequisites =
  commandProblem(RISCV64_TARGET.cc, 'gcc-riscv64-linux-gnu') ??
  commandProblem(RISCV64_TARGET.qemu, 'qemu-user-static');

function label(program: DifferentialProgram, opt: string, c: RunCase, i: number): string {
  return `${program.name} -${opt} case ${i}${c.args?.length ? ` (${c.args.join(' ')})` : ''}`;
}

async function compare(
  name: string,
  opt: 'O0' | 'O2',
  c: RunCase,
  executor?: Executor,
  options: { sharedMemory?: boolean } = {},
): Promise<void> {
  const binary = buildProgram(name, { opt, target: RISCV64_TARGET });
  const expected = await runUnderQemu(binary, c, RISCV64_TARGET.qemu);
  const actual = await runUnderEmulator(binary, inProcess(executor, options), c);
  expect(actual).toEqual(expected);
}

describe.runIf(available('riscv64 differential tests', prerequisites))(
  'arm64kit (riscv64) matches qemu-riscv64-static',
  () => {
    for (const program of RISCV64_PROGRAMS) {
      for (const opt of program.opts) {
        program.cases.forEach((c, i) => {
          it(label(program, opt, c, i), { timeout: 300_000 }, () => compare(program.name, opt, c));
        });
      }
    }
  },
);

/**
 * Programs whose work is core's kernel, not instructions: a quarter of a million mmap/munmap
 * calls take most of a minute per executor (qemu included) and test nothing an executor
 * changes, so they run on the default executor only (above).
 */
const KERNEL_BOUND = new Set(['mmap-churn']);

// The default executor tiers blocks; each executor on its own meets all the code the -O2 builds run.
for (const executor of ['reference', 'threaded', 'compiled', 'wasm'] as const) {
  describe.runIf(available(`riscv64 differential tests (${executor})`, prerequisites))(
    `arm64kit (riscv64) on the ${executor} executor matches qemu-riscv64-static`,
    () => {
      for (const program of RISCV64_PROGRAMS.filter(
        (p) => p.opts.includes('O2') && !KERNEL_BOUND.has(p.name),
      )) {
        program.cases.forEach((c, i) => {
          it(label(program, 'O2', c, i), { timeout: 300_000 }, () =>
            compare(program.name, 'O2', c, executor),
          );
        });
      }
    },
  );
}

/**
 * On shared memory every guest thread runs on a host thread of its own, so LR/SC, the AMOs and
 * FENCE must be the memory's atomic operations: the cross-thread atomics program, on every
 * executor.
 */
for (const executor of ['tiered', 'reference', 'threaded', 'compiled', 'wasm'] as const) {
  describe.runIf(available(`riscv64 differential tests (shared memory, ${executor})`, prerequisites))(
    `arm64kit (riscv64) on shared memory and the ${executor} executor matches qemu-riscv64-static`,
    () => {
      for (const program of RISCV64_PROGRAMS.filter((p) => p.name === 'atomics-stress')) {
        program.cases.forEach((c, i) => {
          it(label(program, 'O2', c, i), { timeout: 300_000 }, () =>
            compare(program.name, 'O2', c, executor, { sharedMemory: true }),
          );
        });
      }
    },
  );
}
