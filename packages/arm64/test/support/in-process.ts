import { type Executor, runProgramAsync } from '@arm64kit/core';
import type { EmulatorRunner } from '@arm64kit/test-programs';
import { aarch64ForCpu, DEFAULT_CPU } from '../../src/index.js';

/**
 * arm64kit in this process (on the run's CPU profile, else ARM64KIT_CPU's, else the default), on
 * the harness's files (guest deaths become 128 + signal), on `executor` or the default one (with
 * `sharedMemory`: on shared memory, with real atomics). The report (fault address, PC, encoding)
 * goes to stderr: it helps when a comparison fails, and qemu's counterpart is stripped.
 */
export function inProcess(executor?: Executor, options: { sharedMemory?: boolean } = {}): EmulatorRunner {
  return async (binary, { cpu, ...io }) => {
    const result = await runProgramAsync({
      // a case that names its CPU (it needs that CPU's extensions) runs on it; others on the pinned one
      arch: aarch64ForCpu(cpu ?? process.env.ARM64KIT_CPU ?? DEFAULT_CPU),
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
