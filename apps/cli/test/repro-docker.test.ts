import { execFileSync } from 'node:child_process';
import { buildRegistrarImage, connect } from '@arm64kit/docker';
import { ensureArm64BaseImage } from '@arm64kit/fixtures';
import type { ReproReport } from '@arm64kit/repro';
import { arm64DockerProblem, available } from '@arm64kit/vitest-config/prerequisites';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { binfmtState, killCli, runCli } from './repro-helpers.js';

const problem = arm64DockerProblem();

function containersOf(image: string): string[] {
  return execFileSync('docker', ['ps', '-a', '-q', '--filter', `ancestor=${image}`], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
}

describe.runIf(available('arm64kit repro --backend docker', problem))('arm64kit repro on Docker', () => {
  let baseImage: string;
  let before: ReturnType<typeof binfmtState>;
  beforeAll(async () => {
    baseImage = (await ensureArm64BaseImage()).tag;
  }, 1_800_000);
  beforeEach(() => {
    before = binfmtState();
  });
  afterEach(() => {
    expect(binfmtState()).toEqual(before);
  });

  it('repro ccache --backend docker --json on the debootstrap base: probe reproduced and fixed, ccache 4.x not affected', async () => {
    const { stdout, stderr, code } = await runCli([
      'repro',
      'ccache',
      '--backend',
      'docker',
      '--base-image',
      baseImage,
      '--json',
    ]);
    expect(code, `${stderr}\n${stdout}`).toBe(0);
    const report = JSON.parse(stdout) as ReproReport;
    expect(report.image).toBe(baseImage);
    expect(report.results.map((r) => [r.subject, r.handler, r.verdict])).toEqual([
      ['ccache-probe', 'without P', 'reproduced'],
      ['ccache-probe', 'with P', 'fixed'],
      ['ccache', 'without P', 'not affected'],
      ['ccache', 'with P', 'not affected'],
    ]);
    expect(report.ccache?.version?.argv0Sensitive).toBe(false);
  }, 1_800_000);

  it('SIGINT while a container runs: handler removed, container removed, the process ends by the signal', async () => {
    let image = '';
    let sent = false;
    const { stderr, code, signal } = await runCli(
      ['repro', 'argv', '--backend', 'docker', '--base-image', baseImage],
      {
        onStderr: (text, pid) => {
          image ||= /built (arm64kit-repro:\w+)/.exec(text)?.[1] ?? '';
          if (!sent && text.includes('without P: ./a.out')) {
            sent = true;
            killCli(pid, 'SIGINT');
          }
        },
      },
    );
    expect(sent).toBe(true);
    expect([signal, code]).toEqual(['SIGINT', null]);
    expect(stderr).not.toContain('with P: argv-example');
    expect(image).not.toBe('');
    expect(containersOf(image)).toEqual([]);
  }, 1_800_000);

  describe('with the handler registered through a registration image', () => {
    const registrar = `arm64kit-test/repro-registrar:${process.pid}`;
    beforeAll(async () => {
      await buildRegistrarImage(await connect(), { tag: registrar });
    });
    afterAll(async () => {
      await (await connect()).removeImage(registrar, { force: true });
    });

    it('repro argv --via image: reproduced without P, fixed with P, and binfmt_misc as it was', async () => {
      const { stdout, stderr, code } = await runCli([
        'repro',
        'argv',
        '--backend',
        'docker',
        '--via',
        'image',
        '--base-image',
        baseImage,
      ]);
      expect(code, `${stderr}\n${stdout}`).toBe(0);
      expect(stderr).toMatch(/registered :arm64kit-repro-\d+:.*:F through arm64kit/);
      expect(stderr).toMatch(/registered :arm64kit-repro-\d+:.*:PF through arm64kit/);
      expect(stdout).toMatch(/without P \| \/usr\/local\/bin\/argv-example 1 2 3 \| 0 +\| reproduced/);
      expect(stdout).toMatch(/with P +\| argv-example 1 2 3 +\| 0 +\| fixed/);
      expect(stdout).toContain('Result: every step behaved as predicted.');
    }, 1_800_000);

    it('SIGINT while a container runs: the handler is undone through the image before the process ends', async () => {
      let sent = false;
      const { code, signal } = await runCli(
        ['repro', 'argv', '--backend', 'docker', '--via', 'image', '--base-image', baseImage],
        {
          onStderr: (text, pid) => {
            if (!sent && text.includes('without P: ./a.out')) {
              sent = true;
              killCli(pid, 'SIGINT');
            }
          },
        },
      );
      expect(sent).toBe(true);
      expect([signal, code]).toEqual(['SIGINT', null]);
    }, 1_800_000);
  });
});
