import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EmbeddedBackend, qemuRunner, type ReproReport, reproTarget, runRepro } from '@arm64kit/repro';
import { buildProgram, RISCV64_TARGET } from '@arm64kit/test-programs';
import { available, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import { suiteTempDir } from '@arm64kit/vitest-config/suite-temp-dir';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveArch } from '../src/lib/arch-flag.js';
import { cli } from './doctor-host.js';

/**
 * --arch and --platform across the commands: any spelling of the names table, resolved to the
 * kernel's name; outside what a command supports, one line on stderr and exit 125, nothing done.
 */

/** The lines of stderr that are arm64kit's own (oclif may add a warning of its own above). */
const errorLines = (stderr: string) =>
  stderr
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('arm64kit:'));

describe('resolveArch', () => {
  it("gives the kernel's name for any spelling", () => {
    expect(resolveArch('arm64', { who: 'x' })).toBe('aarch64');
    expect(resolveArch('RISCV', { who: 'x' })).toBe('riscv64');
    expect(resolveArch('amd64', { who: 'x' })).toBe('x86_64');
    expect(resolveArch('rv64', { who: 'x', supported: ['aarch64', 'riscv64'] })).toBe('riscv64');
  });

  it('says what is wrong: not a name, or not supported there (and why)', () => {
    expect(() => resolveArch('vax', { who: 'x' })).toThrow(
      expect.objectContaining({
        code: 'UNSUPPORTED_ARCH',
        exitCode: 125,
        message:
          '--arch vax: not the name of an architecture (for example aarch64, riscv64, arm, x86_64, or an alias such as arm64)',
      }),
    );
    const support = { who: 'arm64kit repro', supported: ['aarch64', 'riscv64'], why: () => 'no frontend' };
    expect(() => resolveArch('vax', support)).toThrow(
      '--arch vax: not the name of an architecture (arm64kit repro supports aarch64 and riscv64)',
    );
    expect(() => resolveArch('armhf', support)).toThrow(
      '--arch armhf: arm64kit repro supports aarch64 and riscv64, not arm: no frontend',
    );
  });
});

describe('arm64kit doctor --arch', () => {
  // A binfmt_misc directory of its own: mounted (it has a register file), enabled, no entries.
  const binfmtDir = suiteTempDir('arm64kit-arch-doctor-');
  let dir = '';
  beforeAll(() => {
    dir = binfmtDir();
    writeFileSync(join(dir, 'register'), '');
    writeFileSync(join(dir, 'status'), 'enabled\n');
  });

  it('checks the riscv64 handler and names the fix for it', async () => {
    const run = await cli(['doctor', '--arch', 'riscv', '--dir', dir, '--no-docker', '--json']);
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.arch).toBe('riscv64');
    const missing = report.findings.find((f: { id: string }) => f.id === 'handler.missing');
    expect(missing.title).toBe('no binfmt_misc handler for riscv64 programs');
    expect(missing.fix).toBe(
      `arm64kit binfmt install riscv64 --name qemu-riscv64 --interpreter /usr/bin/qemu-riscv64-static --preserve-argv0 --persistent --credential --dir ${dir}`,
    );
  });

  it('an architecture that is no name is a usage error: one line, exit 125', async () => {
    const run = await cli(['doctor', '--arch', 'vax', '--dir', dir, '--no-docker']);
    expect([run.status, run.stdout, errorLines(run.stderr)]).toEqual([
      125,
      '',
      [
        'arm64kit: --arch vax: not the name of an architecture (for example aarch64, riscv64, arm, x86_64, or an alias such as arm64)',
      ],
    ]);
  });

  const compiler = commandProblem(RISCV64_TARGET.cc, 'gcc-riscv64-linux-gnu');
  describe.runIf(available('arm64kit doctor of a riscv64 program', compiler))(
    'with a riscv64 PROGRAM',
    () => {
      it('checks the architecture its ELF header names, and that arm64kit run can run it; --arch still decides', async () => {
        const program = buildProgram('argv', { target: RISCV64_TARGET });
        const run = await cli(['doctor', program, '--dir', dir, '--no-docker', '--json']);
        const report = JSON.parse(run.stdout);
        expect(report.arch).toBe('riscv64');
        const byId = (id: string) => report.findings.find((f: { id: string }) => f.id === id);
        expect(byId('program.elf').title).toBe(
          `${program}: ELF64 little-endian riscv64 executable (ET_EXEC), statically linked`,
        );
        expect(byId('program.emulator-ok')).toMatchObject({
          title: `arm64kit's own emulator can run it without any handler: arm64kit run ${program}`,
          evidence: 'ELF64 riscv64 static executable',
        });
        expect(byId('program.no-handler').severity).toBe('error');
        const asked = JSON.parse(
          (await cli(['doctor', program, '--arch', 'arm64', '--dir', dir, '--no-docker', '--json'])).stdout,
        );
        expect(asked.arch).toBe('aarch64');
      });
    },
  );
});

describe('arm64kit repro --arch', () => {
  it('refuses an architecture the emulator has no frontend for: one line, exit 125, JSON error', async () => {
    const text = await cli(['repro', 'argv', '--arch', 's390x']);
    expect([text.status, text.stdout, errorLines(text.stderr)]).toEqual([
      125,
      '',
      [
        "arm64kit: --arch s390x: arm64kit repro supports aarch64 and riscv64, not s390x: arm64kit's emulator has no s390x frontend",
      ],
    ]);
    const json = await cli(['repro', 'ccache', '--arch', 'mips99', '--json']);
    expect(json.status).toBe(125);
    expect(JSON.parse(json.stdout)).toEqual({
      error: {
        code: 'UNSUPPORTED_ARCH',
        message:
          '--arch mips99: not the name of an architecture (arm64kit repro supports aarch64 and riscv64)',
      },
    });
  });

  const prerequisites =
    commandProblem(RISCV64_TARGET.cc, 'gcc-riscv64-linux-gnu') ??
    commandProblem(RISCV64_TARGET.qemu, 'qemu-user-static');
  describe.runIf(available('arm64kit repro --arch riscv64 against qemu-riscv64-static', prerequisites))(
    'riscv64 on the embedded backend',
    () => {
      /** The runs of a report with the staging directory (fresh per run) named $STAGE. */
      const runs = (report: ReproReport) =>
        report.results.map((r) =>
          JSON.parse(JSON.stringify(r).replace(/\/tmp\/arm64kit-repro-[^/"\s]+/g, '$STAGE')),
        );

      for (const scenario of ['argv', 'ccache'] as const) {
        it(`repro ${scenario} --arch riscv64: the report qemu-riscv64-static gives, run by run`, {
          timeout: 120_000,
        }, async () => {
          const cliRun = await cli(['repro', scenario, '--arch', 'riscv64', '--json']);
          expect(cliRun.status, cliRun.stderr).toBe(0);
          const ours = JSON.parse(cliRun.stdout) as ReproReport;
          expect(ours.arch).toBe('riscv64');
          expect(ours.registrations.map((r) => r.line.split(':').slice(-2).join(':'))).toEqual([
            '/usr/bin/qemu-riscv64-static:F',
            '/usr/bin/qemu-riscv64-static:PF',
          ]);
          const qemu = await runRepro({
            scenario,
            backend: new EmbeddedBackend({ arch: 'riscv64', runner: qemuRunner(reproTarget('riscv64')) }),
          });
          expect(runs(ours)).toHaveLength(scenario === 'argv' ? 4 : 2);
          expect(runs(ours)).toEqual(runs(qemu));
          expect(ours.results.map((r) => r.verdict)).toEqual(
            scenario === 'argv'
              ? ['not affected', 'not affected', 'reproduced', 'fixed']
              : ['reproduced', 'fixed'],
          );
        });
      }
    },
  );
});

describe('arm64kit docker emulation setup --dry-run', () => {
  it('prints the riscv64 entry, its register line and the route, and changes nothing', async () => {
    const json = await cli([
      'docker',
      'emulation',
      'setup',
      '--arch',
      'rv64',
      '--via',
      'host',
      '--dry-run',
      '--json',
    ]);
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      machine: 'riscv64',
      platform: 'linux/riscv64',
      name: 'qemu-riscv64',
      interpreter: '/usr/bin/qemu-riscv64-static',
      registration:
        ':qemu-riscv64:M:0:\\x7fELF\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xf3\\x00:\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff:/usr/bin/qemu-riscv64-static:PF',
      via: 'host',
      dryRun: true,
    });
    const text = await cli([
      'docker',
      'emulation',
      'setup',
      '--arch',
      'riscv64',
      '--image',
      'example/registrar:1',
      '--no-preserve-argv0',
      '--dry-run',
    ]);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^:qemu-riscv64:M:0:.*:\/usr\/bin\/qemu-riscv64-static:F\n$/);
    expect(text.stderr).toContain(
      'would register qemu-riscv64 for linux/riscv64 through example/registrar:1; nothing changed',
    );
  });

  it('without --arch: aarch64, for linux/arm64', async () => {
    const json = await cli(['docker', 'emulation', 'setup', '--via', 'host', '--dry-run', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({
      machine: 'aarch64',
      platform: 'linux/arm64',
      name: 'qemu-aarch64',
    });
  });

  it('an architecture Docker has no platform for: one line, exit 125', async () => {
    const run = await cli(['docker', 'emulation', 'setup', '--arch', 'sparc64', '--dry-run']);
    expect([run.status, run.stdout, errorLines(run.stderr)]).toEqual([
      125,
      '',
      [
        'arm64kit: Docker has no platform for sparc64 (it has: 386, amd64, arm, ppc64le, mips64le, s390x, arm64, riscv64, loong64)',
      ],
    ]);
  });
});

describe('--platform of docker build, run and import', () => {
  // Checked before the engine is asked: the same answer with or without one.
  const noPlatform =
    'arm64kit: Docker has no platform for sparc64 (it has: 386, amd64, arm, ppc64le, mips64le, s390x, arm64, riscv64, loong64)';
  it.each([
    [['docker', 'build', '--platform', 'linux/sparc64', '-f', '/dev/null']],
    [['docker', 'run', '--platform', 'linux/sparc64', 'example/image']],
    [['docker', 'import', '/nonexistent', '--platform', 'linux/sparc64', '-t', 'example/x']],
  ])('%j: one line, exit 125, no engine asked', async (args) => {
    const run = await cli(args, { DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    expect([run.status, run.stdout, errorLines(run.stderr)]).toEqual([125, '', [noPlatform]]);
  });

  it('a bad --arch of docker registrar is refused before the engine is asked', async () => {
    const run = await cli(['docker', 'registrar', '--arch', 'mips99'], {
      DOCKER_HOST: 'unix:///nonexistent/docker.sock',
    });
    expect(run.status).toBe(125);
    expect(errorLines(run.stderr)).toEqual([
      'arm64kit: --arch mips99: not the name of an architecture (for example aarch64, riscv64, arm, x86_64, or an alias such as arm64)',
    ]);
  });
});
