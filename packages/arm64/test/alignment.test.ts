import { buildProgram, CROSS_CC, runUnderEmulator } from '@arm64kit/test-programs';
import { available, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import { describe, expect, it } from 'vitest';
import { inProcess } from './support/in-process.js';

/**
 * FEAT_LSE2 as the `max` profile advertises it (USCAT): a misaligned ordered, exclusive or atomic
 * access inside an aligned 16-byte block completes, one that crosses a 16-byte boundary dies of
 * SIGBUS; without LSE2 (v8.0, neoverse-n1) every misaligned one does. qemu-aarch64-static 7.2 has
 * no LSE2, so the LSE2 side is checked against the architecture's rule; the strict side is also
 * in the differential suite against qemu (tooling/test-programs alignment.c).
 */
const prerequisite = commandProblem(CROSS_CC, 'gcc-aarch64-linux-gnu');

/** The outcomes the architecture gives an access that must be aligned to `size` bytes. */
function expected(size: number, lse2: boolean): string {
  let seen = '';
  for (let offset = 0; offset < 16; offset++) {
    const aligned = offset % size === 0;
    seen += aligned || (lse2 && offset + size <= 16) ? '.' : 'B';
  }
  return seen;
}

describe.runIf(available('alignment of atomic and ordered accesses', prerequisite))(
  'misaligned atomic, exclusive and ordered accesses',
  () => {
    it.each([
      ['v8.0', 'without'],
      ['neoverse-n1', 'without'],
      ['max', 'with'],
    ] as const)('%s: follow the rule of a CPU %s LSE2', { timeout: 120_000 }, async (cpu, kind) => {
      const lse2 = kind === 'with';
      const binary = buildProgram('alignment', { opt: 'O2', march: 'armv8.4-a' });
      const outcome = await runUnderEmulator(binary, inProcess(), { cpu, args: ['all'] });
      expect(outcome.status).toBe(0);
      const [header, ...rows] = outcome.stdout.trim().split('\n');
      expect(header).toBe(`USCAT ${lse2 ? 1 : 0}`);
      expect(rows.length).toBe(22);
      for (const row of rows) {
        const [, name, size, seen] = /^(.*?)\s+(\d+) (\S{16})$/.exec(row) ?? [];
        expect({ name, seen }).toEqual({ name, seen: expected(Number(size), lse2) });
      }
    });
  },
);
