import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReproReport } from '@arm64kit/repro';
import { available, binfmtProblem, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { binfmtState, killCli, runCli } from './repro-helpers.js';

const hostProblem =
  binfmtProblem() ??
  commandProblem('qemu-aarch64-static', 'qemu-user-static') ??
  commandProblem('aarch64-linux-gnu-gcc', 'gcc-aarch64-linux-gnu');

describe('arm64kit repro: bad input', () => {
  it('refuses an option the backend cannot honour with one line and exit 125', async () => {
    const { stdout, stderr, code } = await runCli([
      'repro',
      'ccache',
      '--backend',
      'embedded',
      '--base-image',
      'x',
    ]);
    expect(code).toBe(125);
    expect(stderr).toContain('arm64kit: --base-image does not apply to the embedded backend\n');
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(stdout).toBe('');
  });

  it('refuses an unknown backend', async () => {
    const { stderr, code } = await runCli(['repro', 'argv', '--backend', 'qemu']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/Expected --backend=qemu to be one of: embedded, host, docker/);
  });
});

describe.runIf(available('arm64kit repro --backend host (real binfmt_misc)', hostProblem))(
  'arm64kit repro on the host',
  () => {
    let before: ReturnType<typeof binfmtState>;
    beforeEach(() => {
      before = binfmtState();
      process.exitCode = undefined;
    });
    afterEach(() => {
      expect(binfmtState()).toEqual(before);
      process.exitCode = undefined;
    });

    it('repro ccache --json: the probe fails with Recursive invocation without P and succeeds with P', async () => {
      const { stdout, stderr, code } = await runCli(['repro', 'ccache', '--backend', 'host', '--json']);
      expect(code, `${stderr}\n${stdout}`).toBe(0);
      const report = JSON.parse(stdout) as ReproReport;
      expect(report.backend).toBe('host');
      expect(report.results.map((r) => [r.handler, r.exitCode, r.verdict])).toEqual([
        ['without P', 1, 'reproduced'],
        ['with P', 0, 'fixed'],
      ]);
      expect(report.results[0].observedArgv?.[0]).toBe(report.results[0].execPath);
      expect(report.results[1].observedArgv?.[0]).toBe('ccache-probe');
      expect(report.exitCode).toBe(0);
    });

    it('repro argv prints the Host | Image | argv table and the fix', async () => {
      const { stdout, stderr, code } = await runCli(['repro', 'argv', '--backend', 'host']);
      expect(code, `${stderr}\n${stdout}`).toBe(0);
      expect(stdout).toMatch(
        /\| x86_64 +\| host userland \(binfmt_misc\) \| without P +\| \.\/a\.out 1 2 3 +\| 0 +\| not affected/,
      );
      expect(stdout).toMatch(
        /\| without P +\| \/tmp\/arm64kit-repro-\S+\/bin\/argv-example 1 2 3 +\| 0 +\| reproduced/,
      );
      expect(stdout).toMatch(/\| with P +\| argv-example 1 2 3 +\| 0 +\| fixed/);
      expect(stdout).toContain(
        'docker run --rm --privileged multiarch/qemu-user-static --reset -p yes -g yes',
      );
      expect(stdout).toContain('arm64kit binfmt install aarch64 --preserve-argv0');
      expect(stdout).toContain('flags: PF');
      // Progress goes to stderr, never into the report.
      expect(stderr).toContain('aarch64 handler without P');
      expect(stdout).not.toContain('staged the programs');
    });

    it('exit 1 when something is not as predicted: an interpreter that does not understand P', async () => {
      // A shell script in front of qemu: qemu then sees AT_FLAGS = 0 and takes the extra argv
      // entry the kernel adds for P as an argument, as interpreters from before P did.
      const dir = mkdtempSync(join(tmpdir(), 'arm64kit-repro-test-'));
      try {
        const wrapper = join(dir, 'qemu-without-p-support');
        writeFileSync(wrapper, '#!/bin/sh\nexec /usr/bin/qemu-aarch64-static "$@"\n', { mode: 0o755 });
        const { stdout, stderr, code } = await runCli([
          'repro',
          'ccache',
          '--backend',
          'host',
          '--interpreter',
          wrapper,
        ]);
        expect(code, `${stderr}\n${stdout}`).toBe(1);
        expect(stdout).toMatch(
          /\| with P +\| \/tmp\/arm64kit-repro-\S+\/bin\/ccache-probe ccache-probe ccache-probe -p +\| \d+ +\| unexpected/,
        );
        expect(stdout).toContain('Result: something did not behave as predicted');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('repro argv --interpreter arm64kit: the kernel hands the programs to arm64kit run, argv as predicted', async () => {
      const { stdout, stderr, code } = await runCli([
        'repro',
        'argv',
        '--backend',
        'host',
        '--interpreter',
        'arm64kit',
        '--json',
      ]);
      expect(code, `${stderr}\n${stdout}`).toBe(0);
      const report = JSON.parse(stdout) as ReproReport;
      expect(report.interpreter).toContain('arm64kit emulator');
      expect(report.registrations.map((r) => r.status.split('\n')[1])).toEqual([
        expect.stringMatching(/^interpreter \/tmp\/arm64kit-repro-\w+\/arm64kit-binfmt$/),
        expect.stringMatching(/^interpreter \/tmp\/arm64kit-repro-\w+\/arm64kit-binfmt-P$/),
      ]);
      expect(report.results.map((r) => [r.handler, r.observedArgv?.[0], r.verdict])).toEqual([
        ['without P', './a.out', 'not affected'],
        ['with P', './a.out', 'not affected'],
        ['without P', report.results[2].execPath, 'reproduced'],
        ['with P', 'argv-example', 'fixed'],
      ]);
    });

    it.each(['SIGINT', 'SIGTERM'] as const)(
      '%s in the middle of a run removes the handler and the staged files, then ends by the signal',
      async (sig) => {
        let interruptedWhileRegistered = false;
        let sent = false;
        const { stderr, code, signal } = await runCli(['repro', 'ccache', '--backend', 'host'], {
          onStderr: (text, pid) => {
            // Interrupt as soon as the first handler is in the kernel, before anything ran under it.
            if (!sent && text.includes('registered :arm64kit-repro-')) {
              sent = true;
              interruptedWhileRegistered = binfmtState().some(([name]) => name === `arm64kit-repro-${pid}`);
              killCli(pid, sig);
            }
          },
        });
        expect(interruptedWhileRegistered).toBe(true);
        expect([signal, code]).toEqual([sig, null]);
        const staged = /staged the programs in (\S+)/.exec(stderr)?.[1];
        expect(staged).toBeDefined();
        expect(existsSync(staged as string)).toBe(false);
      },
    );
  },
);
