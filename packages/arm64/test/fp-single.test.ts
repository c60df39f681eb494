import { EXECUTORS } from '@arm64kit/core';
import { buildProgram, CROSS_CC, QEMU, runUnderEmulator, runUnderQemu } from '@arm64kit/test-programs';
import { available, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import { describe, expect, it } from 'vitest';
import { inProcess } from './support/in-process.js';

const prerequisites =
  commandProblem(CROSS_CC, 'gcc-aarch64-linux-gnu') ?? commandProblem(QEMU, 'qemu-user-static');

// Scalar single precision (and FCVT between single and double) runs as native code in the wasm executor where that is exact and as
// the exact Arm semantics elsewhere; every executor must agree with qemu on every bit and flag.
describe.runIf(available('single-precision differential tests', prerequisites))(
  'single-precision instructions match qemu-aarch64-static on every executor',
  () => {
    for (const executor of EXECUTORS) {
      for (const args of [[], ['7']]) {
        it(`fp-single ${args.join(' ')} on ${executor}`, { timeout: 300_000 }, async () => {
          const binary = buildProgram('fp-single', { opt: 'O2' });
          const expected = await runUnderQemu(binary, { args });
          const actual = await runUnderEmulator(binary, inProcess(executor), { args });
          expect(actual).toEqual(expected);
        });
      }
    }
  },
);
