import { type Executor, runProgramAsync } from '@arm64kit/core';
import type { EmulatorRunner } from '@arm64kit/test-programs';
import { riscv64 } from '../../src/index.js';

/**
 * arm64kit's riscv64 frontend in this process, on the harness's files (guest deaths become
 * 128 + signal), on `executor` or the default one (with `sharedMemory`: on shared memory, where
 * every guest thread runs on a host thread of its own and atomics are real ones). The report goes to stderr to help when a
 * comparison fails.
 */
export function inProcess(executor?: Executor, options: { sharedMemory?: boolean } = {}): EmulatorRunner {
  return async (binary, io) => {
    const result = await runProgramAsync({
      arch: riscv64,
      path: binary,
      ...io,
      ...(executor ? { executor } : {}),
      ...options,
      timeoutMs: 120_000,
    });
    if (result.report) console.error(`${binary}: ${result.report}`);
    return result;
  };
}
