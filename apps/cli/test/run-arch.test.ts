import { existsSync } from 'node:fs';
import { buildProgram, RISCV64_TARGET, runUnderQemu } from '@arm64kit/test-programs';
import { available, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import { describe, expect, it } from 'vitest';
import { BIN, CLI_ROOT } from './cli-run-helpers.js';
import { execute, type Outcome } from './spawn-outcome.js';

/** `arm64kit run ARGS` as a user runs it (the built CLI in a child process). */
function run(args: string[]): Promise<Outcome> {
  return execute([process.execPath, BIN, 'run', ...args]);
}

const problem =
  commandProblem(RISCV64_TARGET.cc, 'gcc-riscv64-linux-gnu') ??
  commandProblem(RISCV64_TARGET.qemu, 'qemu-user-static') ??
  (existsSync(`${CLI_ROOT}/dist/lean-run/bundle.cjs`)
    ? null
    : 'the CLI is not built (pnpm turbo run build --filter arm64kit...)');

describe.runIf(available('arm64kit run (architectures)', problem))(
  'arm64kit run picks the architecture',
  { timeout: 180_000 },
  () => {
    it('runs a riscv64 program as qemu-riscv64-static does, from its ELF header or with --arch riscv64', async () => {
      const binary = buildProgram('argv', { target: RISCV64_TARGET });
      const expected = await runUnderQemu(binary, { args: ['a', 'b c'] }, RISCV64_TARGET.qemu);
      for (const flags of [[], ['--arch', 'riscv64'], ['--arch=riscv64']]) {
        const r = await run([...flags, binary, 'a', 'b c']);
        expect([r.status, r.stdout.replace(binary, 'PROGRAM'), r.stderr]).toEqual([
          expected.status,
          expected.stdout.replace(binary, 'PROGRAM'),
          '',
        ]);
      }
    });

    it('with --arch insists: a riscv64 program is not run as aarch64', async () => {
      const binary = buildProgram('argv', { target: RISCV64_TARGET });
      const r = await run(['--arch', 'aarch64', binary]);
      expect([r.status, r.stdout, r.stderr]).toEqual([
        126,
        '',
        `arm64kit: ${binary} is for RISC-V, not AArch64\n`,
      ]);
    });

    it('refuses a program for a machine it has no frontend for, in one line', async () => {
      // The host's own programs are x86-64 ELF files.
      const r = await run([process.execPath, '--version']);
      expect([r.status, r.stdout, r.stderr]).toEqual([
        126,
        '',
        `arm64kit: ${process.execPath} is for x86_64 (ELF machine 62); arm64kit runs aarch64 and riscv64 programs\n`,
      ]);
    });

    it('refuses an architecture it does not know (oclif answers, as for any bad flag value)', async () => {
      const r = await run(['--arch', 'mips', '/bin/true']);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/--arch/);
    });
  },
);
