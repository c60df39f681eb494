import { describe, expect, it } from 'vitest';
import { cli, TEST_PREFIX } from './doctor-host.js';

/** The command's contract: data on stdout, exit 1 on an error finding, 125 on a usage error. */
describe('arm64kit doctor (command line)', async () => {
  const nothing = `${TEST_PREFIX}${process.pid}-cli-none`;

  it('an unknown --arch is one line on stderr and exit 125', async () => {
    const run = await cli(['doctor', '--arch', 'sparc99', '--no-docker']);
    expect(run.status).toBe(125);
    expect(run.stdout).toBe('');
    expect(
      run.stderr
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('arm64kit:')),
    ).toEqual([expect.stringMatching(/^arm64kit: no binfmt preset for "sparc99"/)]);
  });

  it('aliases name the preset architecture (arm64 is aarch64)', async () => {
    const run = await cli(['doctor', '--arch', 'arm64', '--name', nothing, '--no-docker', '--json']);
    expect(JSON.parse(run.stdout).arch).toBe('aarch64');
  });

  it('an error finding exits 1, in text and in JSON; the report goes to stdout', async () => {
    const text = await cli(['doctor', '--name', nothing, '--no-docker']);
    expect(text.status).toBe(1);
    expect(text.stdout).toMatch(/^error /m);
    expect(text.stdout).toMatch(/\n\d+ errors?, \d+ warnings?\n$/);
    expect(text.stdout).not.toContain('\x1b[');
    const json = await cli(['doctor', '--name', nothing, '--no-docker', '--json']);
    expect(json.status).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(report.ok).toBe(false);
    expect(report.findings.some((f: { severity: string }) => f.severity === 'error')).toBe(true);
  });
});
