import { parseRegistration } from '@arm64kit/binfmt';
import { available, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import { describe, expect, it } from 'vitest';
import { reproTarget } from '../src/arch.js';
import { createBackend } from '../src/backends/create.js';
import { EmbeddedBackend } from '../src/backends/embedded.js';
import { qemuRunner } from '../src/backends/guest-runner.js';
import { programPath } from '../src/programs.js';
import type { ReproReport } from '../src/report.js';
import { runRepro } from '../src/run.js';
import type { ScenarioName } from '../src/scenario.js';

const RISCV64 = reproTarget('riscv64');

describe('the architecture of a repro', () => {
  it('is aarch64 unless asked, and any spelling of the names table picks it', () => {
    expect(reproTarget()).toEqual({
      arch: 'aarch64',
      elfMachine: 183,
      platform: 'linux/arm64',
      debian: 'arm64',
      qemu: 'qemu-aarch64-static',
    });
    expect(reproTarget('arm64').arch).toBe('aarch64');
    expect(RISCV64).toEqual({
      arch: 'riscv64',
      elfMachine: 243,
      platform: 'linux/riscv64',
      debian: 'riscv64',
      qemu: 'qemu-riscv64-static',
    });
    expect(reproTarget('riscv').arch).toBe('riscv64');
  });

  it('refuses an architecture the emulator has no frontend for, and a name that is none, before anything runs', () => {
    expect(() => createBackend('embedded', { arch: 's390x' })).toThrow(
      expect.objectContaining({
        code: 'BAD_INPUT',
        exitCode: 125,
        message:
          "the repro runs aarch64 and riscv64 programs, not s390x: arm64kit's emulator has no s390x frontend",
      }),
    );
    expect(() => createBackend('host', { arch: 'vax' })).toThrow(
      'unknown architecture "vax" (the repro runs aarch64 and riscv64 programs)',
    );
    expect(() => createBackend('docker', { arch: 'sparc64' })).toThrow(/not sparc64/);
  });

  it("each backend takes the architecture's platform, interpreter and base image", () => {
    const docker = createBackend('docker', { arch: 'riscv64' });
    expect(docker.target.platform).toBe('linux/riscv64');
    expect(docker.info()).toMatchObject({
      image: 'riscv64/ubuntu:20.04',
      interpreter: '/usr/bin/qemu-riscv64-static',
    });
    expect(createBackend('docker').info().image).toBe('arm64v8/ubuntu:20.04');
    expect(createBackend('host', { arch: 'riscv64' }).target.arch).toBe('riscv64');
  });
});

const compilerProblem = commandProblem('riscv64-linux-gnu-gcc', 'gcc-riscv64-linux-gnu');
const qemuProblem = compilerProblem ?? commandProblem('qemu-riscv64-static', 'qemu-user-static');

/** A report's runs with the staging directory (a fresh temporary one per run) named $STAGE. */
function runsOf(report: ReproReport) {
  const stage = /\/tmp\/arm64kit-repro-[^/\s]+/g;
  return report.results.map((r) => ({
    case: r.caseId,
    handler: r.handler,
    observedArgv: r.observedArgv?.map((a) => a.replace(stage, '$STAGE')) ?? null,
    exitCode: r.exitCode,
    output: r.outputHead.map((l) => l.replace(stage, '$STAGE')),
    verdict: r.verdict,
  }));
}

describe.runIf(available('repro embedded backend (riscv64 programs)', compilerProblem))(
  'embedded backend, riscv64',
  () => {
    it('registers the riscv64 handler (EM_RISCV magic) and runs riscv64 builds of the programs', async () => {
      const report = await runRepro({ scenario: 'argv', backend: new EmbeddedBackend({ arch: 'riscv64' }) });
      expect(report.arch).toBe('riscv64');
      const entry = parseRegistration(report.registrations[0].line);
      expect(entry.type === 'magic' && [...entry.magic.subarray(18, 20)]).toEqual([243, 0]);
      expect(report.fix).toContain('arm64kit binfmt install riscv64 --preserve-argv0');
      expect(report.results.map((r) => [r.handler, r.observedArgv?.join(' '), r.verdict])).toEqual([
        ['without P', './a.out 1 2 3', 'not affected'],
        ['with P', './a.out 1 2 3', 'not affected'],
        ['without P', `${report.results[2].execPath} 1 2 3`, 'reproduced'],
        ['with P', 'argv-example 1 2 3', 'fixed'],
      ]);
    });

    it('refuses a --ccache built for aarch64, changing nothing', async () => {
      const aarch64Probe = programPath('ccache-probe', reproTarget('aarch64'));
      await expect(
        runRepro({
          scenario: 'ccache',
          backend: new EmbeddedBackend({ arch: 'riscv64', ccache: aarch64Probe }),
        }),
      ).rejects.toThrow(`--ccache ${aarch64Probe} is not a riscv64 (64-bit ELF, e_machine 243) program`);
    });
  },
);

describe.runIf(available('repro embedded backend (riscv64) against qemu-riscv64-static', qemuProblem))(
  'embedded backend, riscv64: the emulator against qemu-riscv64-static',
  () => {
    for (const scenario of ['argv', 'ccache'] as ScenarioName[]) {
      it(`repro ${scenario}: every argv, exit status, output line and verdict as under qemu`, async () => {
        const ours = await runRepro({ scenario, backend: new EmbeddedBackend({ arch: 'riscv64' }) });
        const qemu = await runRepro({
          scenario,
          backend: new EmbeddedBackend({ arch: 'riscv64', runner: qemuRunner(RISCV64) }),
        });
        expect(runsOf(ours)).toHaveLength(scenario === 'argv' ? 4 : 2);
        expect(runsOf(ours)).toEqual(runsOf(qemu));
        expect(ours.asPredicted).toBe(true);
        if (scenario === 'ccache') {
          expect(runsOf(ours).map((r) => [r.handler, r.exitCode, r.verdict])).toEqual([
            ['without P', 1, 'reproduced'],
            ['with P', 0, 'fixed'],
          ]);
          expect(ours.results[0].outputHead[0]).toContain('Recursive invocation');
        }
      });
    }
  },
);
