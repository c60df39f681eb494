import { available, binfmtProblem, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HostBackend } from '../src/backends/host.js';
import { programPath } from '../src/programs.js';
import { runRepro } from '../src/run.js';
import { binfmtState } from './binfmt-state.js';

const problem =
  binfmtProblem() ??
  commandProblem('qemu-aarch64-static', 'qemu-user-static') ??
  commandProblem('aarch64-linux-gnu-gcc', 'gcc-aarch64-linux-gnu');

describe.runIf(available('repro host backend (real binfmt_misc)', problem))('host backend', () => {
  let before: ReturnType<typeof binfmtState>;
  beforeEach(() => {
    before = binfmtState();
  });
  afterEach(() => {
    expect(binfmtState()).toEqual(before);
  });

  it('ccache scenario: the probe refuses without P (argv[0] is the full path) and succeeds with P', async () => {
    const progress: string[] = [];
    const report = await runRepro({
      scenario: 'ccache',
      backend: new HostBackend(),
      onProgress: (m) => progress.push(m),
    });
    const [withoutP, withP] = report.results;
    expect(withoutP.caseId).toBe('probe');
    expect(withoutP.observedArgv?.[0]).toMatch(/^\/tmp\/arm64kit-repro-.*\/bin\/ccache-probe$/);
    expect(withoutP.observedArgv).toEqual(withoutP.predictedArgv);
    expect(withoutP.exitCode).toBe(1);
    expect(withoutP.outputHead[0]).toBe(
      'ccache-probe: error: Recursive invocation (the name of the ccache binary must be "ccache-probe")',
    );
    expect(withoutP.verdict).toBe('reproduced');
    expect(withP.observedArgv).toEqual(['ccache-probe', 'ccache-probe', '-p']);
    expect(withP.exitCode).toBe(0);
    expect(withP.verdict).toBe('fixed');
    expect(report.exitCode).toBe(0);
    // The registrations are the kernel's own view of the entries it used.
    expect(report.registrations.map((r) => r.status.split('\n')[2])).toEqual(['flags: F', 'flags: PF']);
    expect(report.ccache?.available).toBe(false);
  });

  it('argv scenario: ./a.out keeps its argv[0], a PATH lookup gets the full path without P', async () => {
    const report = await runRepro({ scenario: 'argv', backend: new HostBackend() });
    const seen = report.results.map((r) => [r.caseId, r.handler, r.observedArgv?.[0], r.verdict]);
    expect(seen).toEqual([
      ['relative', 'without P', './a.out', 'not affected'],
      ['relative', 'with P', './a.out', 'not affected'],
      ['path-lookup', 'without P', report.results[2].execPath, 'reproduced'],
      ['path-lookup', 'with P', 'argv-example', 'fixed'],
    ]);
    expect(report.results[2].execPath).toMatch(/\/bin\/argv-example$/);
    expect(report.results.every((r) => r.observedArgv?.slice(1).join(' ') === '1 2 3')).toBe(true);
  });

  it('--ccache: a given aarch64 binary runs as ccache (here the probe itself, an argv0-sensitive stand-in)', async () => {
    const report = await runRepro({
      scenario: 'ccache',
      backend: new HostBackend({ ccache: programPath('ccache-probe') }),
    });
    const ccache = report.results.filter((r) => r.subject === 'ccache');
    // It prints no ccache version, so nothing is predicted from a version: the runs say it all.
    expect(report.ccache?.version).toBeNull();
    expect(ccache.map((r) => [r.exitCode, r.verdict])).toEqual([
      [1, 'reproduced'],
      [0, 'fixed'],
    ]);
  });

  it('refuses a --ccache that is not an aarch64 program, changing nothing', async () => {
    await expect(
      runRepro({ scenario: 'ccache', backend: new HostBackend({ ccache: '/bin/true' }) }),
    ).rejects.toMatchObject({
      code: 'BAD_INPUT',
      exitCode: 125,
    });
  });
});

const riscv64Problem =
  binfmtProblem() ??
  commandProblem('qemu-riscv64-static', 'qemu-user-static') ??
  commandProblem('riscv64-linux-gnu-gcc', 'gcc-riscv64-linux-gnu');

describe.runIf(available('repro host backend, riscv64 (real binfmt_misc)', riscv64Problem))(
  'host backend, riscv64',
  () => {
    let before: ReturnType<typeof binfmtState>;
    beforeEach(() => {
      before = binfmtState();
    });
    afterEach(() => {
      expect(binfmtState()).toEqual(before);
    });

    it('argv scenario: a riscv64 handler of its own runs the riscv64 programs through qemu-riscv64-static', async () => {
      const report = await runRepro({ scenario: 'argv', backend: new HostBackend({ arch: 'riscv64' }) });
      expect(report.arch).toBe('riscv64');
      expect(report.interpreter).toMatch(/\/qemu-riscv64-static$/);
      // The kernel's own view of the entries: the riscv64 magic (e_machine 243) with F, then PF.
      expect(
        report.registrations.map((r) => r.status.split('\n').filter((l) => /^(flags|magic)/.test(l))),
      ).toEqual([
        ['flags: F', 'magic 7f454c460201010000000000000000000200f300'],
        ['flags: PF', 'magic 7f454c460201010000000000000000000200f300'],
      ]);
      expect(report.results.map((r) => [r.caseId, r.handler, r.observedArgv?.[0], r.verdict])).toEqual([
        ['relative', 'without P', './a.out', 'not affected'],
        ['relative', 'with P', './a.out', 'not affected'],
        ['path-lookup', 'without P', report.results[2].execPath, 'reproduced'],
        ['path-lookup', 'with P', 'argv-example', 'fixed'],
      ]);
    });
  },
);
