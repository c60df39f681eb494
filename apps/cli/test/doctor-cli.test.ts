import { describe, expect, it } from 'vitest';
import { cli, TEST_PREFIX } from './doctor-host.js';

/**
 * Output piped to the test, with none of the variables that turn colour on or off set, so only
 * what a case adds decides (a CI's own CI=true would otherwise colour the log).
 */
const PLAIN_PIPE: NodeJS.ProcessEnv = {
  CI: undefined,
  COLORTERM: undefined,
  FORCE_COLOR: undefined,
  NO_COLOR: undefined,
  TF_BUILD: undefined,
};

/** The command's contract: data on stdout, exit 1 on an error finding, 125 on a usage error. */
describe('arm64kit doctor (command line)', async () => {
  const nothing = `${TEST_PREFIX}${process.pid}-cli-none`;

  it('colours severity marks as the rest of the CLI does: FORCE_COLOR even through a pipe, never with NO_COLOR', async () => {
    const args = ['doctor', '--name', nothing, '--no-docker'];
    const piped = await cli(args, PLAIN_PIPE);
    expect(piped.stdout).toMatch(/^error /m);
    expect(piped.stdout).not.toContain('\x1b[');
    const forced = await cli(args, { ...PLAIN_PIPE, FORCE_COLOR: '1' });
    expect(forced.stdout).toMatch(/^\x1b\[31merror\x1b\[39m /m);
    const refused = await cli(args, { ...PLAIN_PIPE, FORCE_COLOR: '1', NO_COLOR: '1' });
    expect(refused.stdout).not.toContain('\x1b[');
    expect(refused.stdout).toBe(piped.stdout);
  });

  it('an unknown --arch is one line on stderr and exit 125', async () => {
    const run = await cli(['doctor', '--arch', 'sparc99', '--no-docker']);
    expect(run.status).toBe(125);
    expect(run.stdout).toBe('');
    expect(
      run.stderr
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('arm64kit:')),
    ).toEqual([
      'arm64kit: --arch sparc99: not the name of an architecture (for example aarch64, riscv64, arm, x86_64, or an alias such as arm64)',
    ]);
  });

  it('aliases name the preset architecture (arm64 is aarch64)', async () => {
    const run = await cli(['doctor', '--arch', 'arm64', '--name', nothing, '--no-docker', '--json']);
    expect(JSON.parse(run.stdout).arch).toBe('aarch64');
  });

  it('an error finding exits 1, in text and in JSON; the report goes to stdout', async () => {
    const text = await cli(['doctor', '--name', nothing, '--no-docker'], PLAIN_PIPE);
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
