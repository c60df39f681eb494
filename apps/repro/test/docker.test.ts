import { ensureArm64BaseImage } from '@arm64kit/fixtures';
import { arm64DockerProblem, available } from '@arm64kit/vitest-config/prerequisites';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DockerBackend } from '../src/backends/docker.js';
import { programPath } from '../src/programs.js';
import { runRepro } from '../src/run.js';
import { binfmtState } from './binfmt-state.js';

const problem = arm64DockerProblem();

describe.runIf(available('repro docker backend (Docker engine, real binfmt_misc)', problem))(
  'docker backend',
  () => {
    let before: ReturnType<typeof binfmtState>;
    let baseImage: string;
    beforeEach(async () => {
      // No public registry is reachable: the base is a debootstrap'd bookworm imported as arm64.
      baseImage = (await ensureArm64BaseImage()).tag;
      before = binfmtState();
    }, 1_800_000);
    afterEach(() => {
      expect(binfmtState()).toEqual(before);
    });

    it('the Dockerfile of the write-up on a bookworm base: the probe reproduces and is fixed; ccache is reported as it is', async () => {
      const progress: string[] = [];
      const report = await runRepro({
        scenario: 'ccache',
        backend: new DockerBackend({ baseImage }),
        onProgress: (m) => progress.push(m),
      });
      const probe = report.results.filter((r) => r.subject === 'ccache-probe');
      expect(probe.map((r) => [r.handler, r.observedArgv?.join(' '), r.exitCode, r.verdict])).toEqual([
        ['without P', '/usr/local/bin/ccache-probe ccache-probe -p', 1, 'reproduced'],
        ['with P', 'ccache-probe ccache-probe -p', 0, 'fixed'],
      ]);
      expect(probe[0].outputHead[0]).toContain(
        'Recursive invocation (the name of the ccache binary must be "ccache-probe")',
      );

      // bookworm ships ccache 4.x: installed by apt-get, run, and honestly not affected.
      expect(report.ccache?.available).toBe(true);
      expect(report.ccache?.origin).toContain('/usr/bin/ccache');
      expect(report.ccache?.version?.major).toBe(4);
      expect(report.ccache?.version?.argv0Sensitive).toBe(false);
      expect(report.ccache?.assessment).toContain('not argv0-sensitive');
      const ccache = report.results.filter((r) => r.subject === 'ccache');
      expect(ccache.map((r) => r.verdict)).toEqual(['not affected', 'not affected']);
      expect(ccache[0].exitCode).toBe(ccache[1].exitCode);
      expect(report.exitCode).toBe(0);
      expect(report.registrations.map((r) => r.status.includes('flags: PF'))).toEqual([false, true]);
    }, 1_800_000);

    it('argv scenario: ./a.out and a PATH lookup in the container, like the table of the write-up', async () => {
      const report = await runRepro({ scenario: 'argv', backend: new DockerBackend({ baseImage }) });
      expect(report.results.map((r) => [r.handler, r.observedArgv?.join(' '), r.verdict])).toEqual([
        ['without P', './a.out 1 2 3', 'not affected'],
        ['with P', './a.out 1 2 3', 'not affected'],
        ['without P', '/usr/local/bin/argv-example 1 2 3', 'reproduced'],
        ['with P', 'argv-example 1 2 3', 'fixed'],
      ]);
    }, 1_800_000);

    it('--ccache: a given aarch64 binary replaces the package (here the probe, an argv0-sensitive stand-in)', async () => {
      const report = await runRepro({
        scenario: 'ccache',
        backend: new DockerBackend({ baseImage, ccache: programPath('ccache-probe') }),
      });
      expect(report.ccache?.origin).toBe(`--ccache ${programPath('ccache-probe')}`);
      expect(report.ccache?.version).toBeNull();
      const ccache = report.results.filter((r) => r.subject === 'ccache');
      expect(ccache.map((r) => [r.execPath, r.exitCode, r.verdict])).toEqual([
        ['/usr/local/bin/ccache', 1, 'reproduced'],
        ['/usr/local/bin/ccache', 0, 'fixed'],
      ]);
      expect(ccache[0].outputHead[0]).toBe(
        'ccache: error: Recursive invocation (the name of the ccache binary must be "ccache")',
      );
    }, 1_800_000);

    it('a base image that cannot be had is a backend error (125) with the reason, and nothing is left changed', async () => {
      const run = runRepro({
        scenario: 'ccache',
        backend: new DockerBackend({ baseImage: 'arm64kit-test/absent:none' }),
      });
      await expect(run).rejects.toMatchObject({ code: 'BACKEND_UNAVAILABLE', exitCode: 125 });
      await expect(run).rejects.toThrow(/arm64kit-test\/absent/);
    }, 600_000);
  },
);
