import { buildGoProgram, GO, QEMU, runUnderEmulator, runUnderQemu } from '@arm64kit/test-programs';
import { available, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import { describe, expect, it } from 'vitest';
import { inProcess } from './support/in-process.js';

const prerequisites = commandProblem(GO, 'golang-go') ?? commandProblem(QEMU, 'qemu-user-static');

// Go's runtime starts several threads at once (its scheduler, the GC workers, sysmon), parks
// them on futexes, and uses epoll for its timers: the process model's whole surface.
describe.runIf(available('Go programs (golang-go cross-build)', prerequisites))(
  'Go programs built by Debian golang-go run as under qemu-aarch64-static',
  () => {
    for (const c of [{}, { args: ['exit'] }]) {
      it(`concurrency ${c.args?.join(' ') ?? ''}`, { timeout: 300_000 }, async () => {
        const binary = buildGoProgram('concurrency');
        const expected = await runUnderQemu(binary, c);
        const actual = await runUnderEmulator(binary, inProcess(), c);
        expect(actual).toEqual(expected);
      });
    }
  },
);
