import { describe, expect, it } from 'vitest';
import { createBackend } from '../src/backends/create.js';
import { renderReport, table } from '../src/render.js';
import { FIX_COMMANDS, type ReproReport } from '../src/report.js';

const report: ReproReport = {
  scenario: 'ccache',
  backend: 'docker',
  arch: 'aarch64',
  host: 'x86_64',
  image: 'arm64v8/ubuntu:20.04',
  interpreter: '/usr/bin/qemu-aarch64-static',
  registrations: [
    {
      handler: 'without P',
      line: ':qemu-aarch64:M::\\x7fELF:\\xff\\xff\\xff\\xff:/usr/bin/qemu-aarch64-static:F',
      status:
        'enabled\ninterpreter /usr/bin/qemu-aarch64-static\nflags: F\noffset 0\nmagic 7f454c46\nmask ffffffff\n',
      registeredInKernel: true,
    },
  ],
  ccache: {
    available: true,
    origin: '/usr/bin/ccache',
    version: { banner: 'ccache version 3.7.7', version: '3.7.7', major: 3, minor: 7, argv0Sensitive: true },
    assessment: 'ccache 3.7.7 is argv0-sensitive',
  },
  results: [
    {
      caseId: 'ccache',
      subject: 'ccache',
      command: ['ccache', 'ccache', '-p'],
      handler: 'without P',
      preserveArgv0: false,
      execPath: '/usr/bin/ccache',
      interpreterArgv: ['/usr/bin/qemu-aarch64-static', '/usr/bin/ccache', 'ccache', '-p'],
      predictedArgv: ['/usr/bin/ccache', 'ccache', '-p'],
      observedArgv: null,
      predictedOutcome: 'recursive-invocation',
      exitCode: 1,
      outputHead: ['ccache: error: Recursive invocation (the name of the ccache binary must be "ccache")'],
      verdict: 'reproduced',
      reason: 'fails',
    },
  ],
  asPredicted: true,
  exitCode: 0,
  fix: [...FIX_COMMANDS],
};

describe('renderReport', () => {
  const text = renderReport(report);

  it("prints the write-up's table, marking argv that was predicted rather than printed by the program", () => {
    expect(text).toContain('$ ccache ccache -p\n');
    expect(text).toMatch(
      /\| x86_64 \| native build \(reference\) +\| none +\| ccache ccache -p +\| +\| as typed +\|/,
    );
    expect(text).toMatch(
      /\| x86_64 \| arm64v8\/ubuntu:20\.04 +\| without P \| \/usr\/bin\/ccache ccache -p \(predicted\) \| 1 +\| reproduced \|/,
    );
  });

  it('prints the registration line, the status file as the kernel shows it, and every fix', () => {
    expect(text).toContain('without P: :qemu-aarch64:M::');
    expect(text).toContain('    flags: F\n');
    for (const fix of FIX_COMMANDS) expect(text).toContain(`  ${fix}\n`);
    expect(text).toContain('qemu-binfmt-conf.sh --qemu-path /usr/bin --qemu-suffix -static -p yes -g yes');
    expect(text).toContain('Result: every step behaved as predicted.');
  });

  it('pads table columns to the widest cell', () => {
    expect(table(['a', 'bb'], [['ccc', 'd']])).toBe('| a   | bb |\n|-----|----|\n| ccc | d  |');
  });
});

describe('createBackend', () => {
  it('refuses options a backend cannot honour, before anything runs', () => {
    expect(() => createBackend('embedded', { baseImage: 'x' })).toThrow(
      '--base-image does not apply to the embedded backend',
    );
    expect(() => createBackend('docker', { rootfs: '/srv/x' })).toThrow(
      '--rootfs does not apply to the docker backend',
    );
    expect(() => createBackend('host', { baseImage: 'x' })).toThrow(
      '--base-image does not apply to the host backend',
    );
    expect(createBackend('host').name).toBe('host');
  });
});
