import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { available, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import { describe, expect, it } from 'vitest';
import { EmbeddedBackend } from '../src/backends/embedded.js';
import { qemuRunner } from '../src/backends/guest-runner.js';
import { runRepro } from '../src/run.js';

const programSource = (name: string) => join(__dirname, '..', 'programs', `${name}.c`);

const compilerProblem = commandProblem('aarch64-linux-gnu-gcc', 'gcc-aarch64-linux-gnu');

describe.runIf(available('repro embedded backend (aarch64 programs)', compilerProblem))(
  'embedded backend',
  () => {
    it('on the arm64kit emulator: the probe refuses without P and succeeds with P, no root or binfmt_misc involved', async () => {
      const report = await runRepro({ scenario: 'ccache', backend: new EmbeddedBackend() });
      expect(report.results.map((r) => [r.handler, r.observedArgv?.[0], r.exitCode, r.verdict])).toEqual([
        ['without P', report.results[0].execPath, 1, 'reproduced'],
        ['with P', 'ccache-probe', 0, 'fixed'],
      ]);
      expect(report.results[0].outputHead[0]).toContain('Recursive invocation');
      expect(report.registrations.every((r) => !r.registeredInKernel)).toBe(true);
    });

    it('on the arm64kit emulator: the argv table', async () => {
      const report = await runRepro({ scenario: 'argv', backend: new EmbeddedBackend() });
      expect(report.results.map((r) => [r.handler, r.observedArgv?.join(' '), r.verdict])).toEqual([
        ['without P', './a.out 1 2 3', 'not affected'],
        ['with P', './a.out 1 2 3', 'not affected'],
        ['without P', `${report.results[2].execPath} 1 2 3`, 'reproduced'],
        ['with P', 'argv-example 1 2 3', 'fixed'],
      ]);
    });
  },
);

describe.runIf(available('repro embedded backend, dynamic --ccache', compilerProblem))(
  'embedded backend, a dynamically linked --ccache',
  () => {
    it('without --rootfs: a backend error (125) that says what is missing, and nothing left in the temp directory', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'arm64kit-repro-test-'));
      try {
        const dynamic = join(dir, 'ccache');
        execFileSync('aarch64-linux-gnu-gcc', ['-o', dynamic, programSource('argv-example')]);
        const leftovers = () =>
          readdirSync(tmpdir())
            .filter((n) => /^arm64kit-repro-(?!test-)/.test(n))
            .sort();
        const before = leftovers();
        const run = runRepro({ scenario: 'ccache', backend: new EmbeddedBackend({ ccache: dynamic }) });
        await expect(run).rejects.toMatchObject({ code: 'BACKEND_FAILED', exitCode: 125 });
        await expect(run).rejects.toThrow(/ld-linux-aarch64\.so\.1.*give --rootfs DIR/);
        expect(leftovers()).toEqual(before);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);

describe.runIf(
  available(
    'repro embedded backend with qemu as the runner',
    compilerProblem ?? commandProblem('qemu-aarch64-static', 'qemu-user-static'),
  ),
)('embedded backend, qemu-aarch64-static as the reference runner', () => {
  it('gives the same table as the emulator must', async () => {
    const report = await runRepro({
      scenario: 'ccache',
      backend: new EmbeddedBackend({ runner: qemuRunner() }),
    });
    expect(report.results.map((r) => [r.handler, r.exitCode, r.verdict])).toEqual([
      ['without P', 1, 'reproduced'],
      ['with P', 0, 'fixed'],
    ]);
  });
});
