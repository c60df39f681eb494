import { EXECUTORS } from '@arm64kit/core';
import {
  buildProgram,
  CROSS_CC,
  DIFFERENTIAL_PROGRAMS,
  QEMU,
  runUnderEmulator,
  runUnderQemu,
} from '@arm64kit/test-programs';
import { available, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import { describe, expect, it } from 'vitest';
import { inProcess } from './support/in-process.js';

const prerequisites =
  commandProblem(CROSS_CC, 'gcc-aarch64-linux-gnu') ?? commandProblem(QEMU, 'qemu-user-static');

describe.runIf(available('aarch64 differential tests', prerequisites))(
  'arm64kit matches qemu-aarch64-static',
  () => {
    for (const program of DIFFERENTIAL_PROGRAMS) {
      for (const opt of program.opts) {
        program.cases.forEach((c, i) => {
          const label = `${program.name} -${opt} case ${i}${c.args?.length ? ` (${c.args.join(' ')})` : ''}`;
          it(label, { timeout: 300_000 }, async () => {
            const binary = buildProgram(program.name, { opt, march: program.march });
            const expected = await runUnderQemu(binary, c);
            const actual = await runUnderEmulator(binary, inProcess(), c);
            expect(actual).toEqual(expected);
          });
        });
      }
    }
  },
);

// The default executor compiles only hot blocks to wasm; here every block is, so the wasm
// compiler meets all the code the programs run (the -O2 builds, to keep the time sane).
describe.runIf(available('aarch64 differential tests (wasm)', prerequisites))(
  'arm64kit with every block compiled to wasm matches qemu-aarch64-static',
  () => {
    for (const program of DIFFERENTIAL_PROGRAMS.filter((p) => p.opts.includes('O2'))) {
      program.cases.forEach((c, i) => {
        const label = `${program.name} -O2 case ${i}${c.args?.length ? ` (${c.args.join(' ')})` : ''}`;
        it(label, { timeout: 300_000 }, async () => {
          const binary = buildProgram(program.name, { opt: 'O2', march: program.march });
          const expected = await runUnderQemu(binary, c);
          const actual = await runUnderEmulator(binary, inProcess('wasm'), c);
          expect(actual).toEqual(expected);
        });
      });
    }
  },
);

// On shared memory (the form guest threads on worker threads run on) exclusives, LSE atomics and
// barriers are the memory's Atomics operations: the threaded programs on the interpreters'
// tier and on wasm, and the process programs (a fork copies a shared memory).
const SHARED_MEMORY_PROGRAMS = ['threads', 'atomics-stress', 'procs', 'thread-signals', 'stop'];
describe.runIf(available('aarch64 differential tests (shared memory)', prerequisites))(
  'arm64kit on shared memory matches qemu-aarch64-static',
  () => {
    for (const program of DIFFERENTIAL_PROGRAMS.filter((p) => SHARED_MEMORY_PROGRAMS.includes(p.name))) {
      for (const executor of ['tiered', 'wasm'] as const) {
        program.cases.forEach((c, i) => {
          const label = `${program.name} -O2 case ${i}${c.args?.length ? ` (${c.args.join(' ')})` : ''} on ${executor}`;
          it(label, { timeout: 300_000 }, async () => {
            const binary = buildProgram(program.name, { opt: 'O2' });
            const expected = await runUnderQemu(binary, c);
            const actual = await runUnderEmulator(binary, inProcess(executor, { sharedMemory: true }), c);
            expect(actual).toEqual(expected);
          });
        });
      }
    }
  },
);

// Memory grows while a block runs (a first touch of a high page backs it): every executor must
// keep the block's register writes across the growth, which replaces the register file's views.
describe.runIf(available('aarch64 differential tests (every executor)', prerequisites))(
  'memory growing in the middle of a block matches qemu-aarch64-static on every executor',
  () => {
    for (const executor of EXECUTORS) {
      it(`high-memory -O2 on ${executor}`, { timeout: 300_000 }, async () => {
        const binary = buildProgram('high-memory', { opt: 'O2' });
        const expected = await runUnderQemu(binary, {});
        const actual = await runUnderEmulator(binary, inProcess(executor), {});
        expect(actual).toEqual(expected);
      });
    }
  },
);
