import { describe, expect, it } from 'vitest';
import { diagnose, exitCodeFor } from './index.js';
import { DYNAMIC_INTERP, entry, hostFacts, MISSING_INTERP } from './test-fixtures.js';

const ids = (facts: Parameters<typeof diagnose>[0]) => diagnose(facts).map((f) => f.id);
const find = (facts: Parameters<typeof diagnose>[0], id: string) => diagnose(facts).find((f) => f.id === id);

describe('handler checks', () => {
  it('a healthy handler (POCF, static interpreter) gives no error or warning and exit 0', () => {
    const findings = diagnose(hostFacts([entry({ name: 'qemu-aarch64' })]));
    expect(findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(findings.map((f) => f.id)).toContain('handler.found');
    expect(exitCodeFor(findings)).toBe(0);
  });

  it('no handler: an error whose fix installs the preset with P, F and C', () => {
    const f = find(hostFacts([]), 'handler.missing');
    expect(f?.severity).toBe('error');
    expect(f?.fix).toBe(
      'arm64kit binfmt install aarch64 --name qemu-aarch64 --interpreter /usr/bin/qemu-aarch64-static --preserve-argv0 --persistent --credential',
    );
    expect(f?.explanation).toContain('arm64kit docker emulation setup --via image');
  });

  it('finds the handler by magic and mask, not by name, and ignores other formats', () => {
    const facts = hostFacts([
      entry({ name: 'jar', magic: '504b0304', mask: null }),
      entry({ name: 'whatever-name', flags: 'POCF' }),
    ]);
    expect(find(facts, 'handler.found')?.title).toContain('whatever-name');
    // An entry named like the preset but matching other bytes is not a handler for aarch64.
    expect(
      ids(hostFacts([entry({ name: 'qemu-aarch64', magic: '7f454c460201010000000000000000000200f300' })])),
    ).toContain('handler.missing');
  });

  it('a disabled handler is an error fixed by enabling it', () => {
    const f = find(hostFacts([entry({ name: 'h', enabled: false })]), 'handler.disabled');
    expect(f?.severity).toBe('error');
    expect(f?.fix).toBe('arm64kit binfmt enable h');
  });

  it('missing P, F and C are warnings, each fixed by re-registering with every flag', () => {
    const facts = hostFacts([entry({ name: 'h', flags: 'O' })]);
    const fix =
      'arm64kit binfmt install aarch64 --name h --interpreter /usr/bin/qemu-aarch64-static --preserve-argv0 --persistent --credential --replace';
    for (const id of ['handler.no-fix-binary', 'handler.no-preserve-argv0', 'handler.no-credentials']) {
      expect(find(facts, id)).toMatchObject({ severity: 'warning', fix });
    }
    expect(find(facts, 'handler.no-preserve-argv0')?.evidence).toContain(
      '["/usr/bin/qemu-aarch64-static","/usr/bin/ccache","-p"]',
    );
    expect(find(facts, 'handler.no-credentials')?.explanation).toContain('effective uid is not 0');
    expect(ids(hostFacts([entry({ name: 'h', flags: 'PF' })]))).toEqual(
      expect.arrayContaining(['handler.no-credentials']),
    );
    expect(ids(hostFacts([entry({ name: 'h', flags: 'PF' })]))).not.toContain('handler.no-preserve-argv0');
  });

  it('two enabled matches: the kernel uses the newest; the fix keeps the better one', () => {
    const facts = hostFacts([entry({ name: 'newer', flags: 'F' }), entry({ name: 'older', flags: 'POCF' })]);
    const f = find(facts, 'handler.conflict');
    expect(f?.title).toContain('the kernel uses newer, never older');
    expect(f?.fix).toBe('arm64kit binfmt uninstall newer');
    // Flags are judged on the handler the kernel actually uses.
    expect(find(facts, 'handler.no-preserve-argv0')?.title).toContain('newer');
  });

  it('a disabled newer handler does not shadow an older enabled one', () => {
    const facts = hostFacts([entry({ name: 'newer', enabled: false }), entry({ name: 'older' })]);
    expect(find(facts, 'handler.found')?.title).toContain('older');
    expect(ids(facts)).not.toContain('handler.conflict');
    expect(ids(facts)).not.toContain('handler.disabled');
  });

  it('a broader mask that still matches aarch64 programs counts, and says it differs from the preset', () => {
    const facts = hostFacts([entry({ name: 'loose', mask: 'ffffffffffffff00fffffffffffffffffe00ffff' })]);
    expect(find(facts, 'handler.found')?.title).toContain('differs from the qemu-aarch64 preset');
  });

  it('fixes name a binfmt_misc directory other than the default with --dir', () => {
    const facts = hostFacts([entry({ name: 'h', enabled: false })]);
    facts.binfmt.dir = '/srv/my binfmt';
    expect(find(facts, 'handler.disabled')?.fix).toBe("arm64kit binfmt enable h --dir '/srv/my binfmt'");
  });

  it('--name scopes doctor to entries with that prefix, and installs a missing one under it', () => {
    const facts = hostFacts([entry({ name: 'qemu-aarch64' })], { namePrefix: 'arm64kit-test-x' });
    expect(find(facts, 'handler.missing')?.fix).toContain('--name arm64kit-test-x ');
  });
});

describe('interpreter checks', () => {
  it('a dynamic interpreter is an error; the fix points at a static one on this host', () => {
    const facts = hostFacts([entry({ name: 'h', interpreter: '/bin/true', interp: DYNAMIC_INTERP })]);
    const f = find(facts, 'interpreter.dynamic');
    expect(f?.severity).toBe('error');
    expect(f?.evidence).toContain('PT_INTERP /lib64/ld-linux-x86-64.so.2');
    expect(f?.fix).toContain('--interpreter /usr/bin/qemu-aarch64-static');
    // Re-registration for other flags must not keep the dynamic interpreter either.
    expect(
      find(
        hostFacts([entry({ name: 'h', flags: 'F', interpreter: '/bin/true', interp: DYNAMIC_INTERP })]),
        'handler.no-preserve-argv0',
      )?.fix,
    ).toContain('--interpreter /usr/bin/qemu-aarch64-static');
  });

  it('a missing interpreter is an error without F, a warning with F (the kernel holds it open)', () => {
    const noF = find(
      hostFacts([entry({ name: 'h', flags: 'POC', interpreter: '/gone', interp: MISSING_INTERP })]),
      'interpreter.missing',
    );
    expect(noF?.severity).toBe('error');
    const withF = find(
      hostFacts([entry({ name: 'h', interpreter: '/gone', interp: MISSING_INTERP })]),
      'interpreter.missing',
    );
    expect(withF?.severity).toBe('warning');
  });

  it('a script interpreter works on the host but not in containers: a warning naming its #! line', () => {
    const script = {
      exists: true,
      executable: true,
      elfError: 'not an ELF file',
      shebang: '#!/usr/bin/env node',
    };
    const f = find(
      hostFacts([entry({ name: 'h', interpreter: '/opt/run.js', interp: script })]),
      'interpreter.script',
    );
    expect(f?.severity).toBe('warning');
    expect(f?.title).toContain('only where /usr/bin/env exists');
    expect(f?.evidence).toContain('#!/usr/bin/env node');
  });

  it('with no static interpreter on the host, the fix installs qemu-user-static first', () => {
    const facts = hostFacts([entry({ name: 'h', interpreter: '/bin/true', interp: DYNAMIC_INTERP })], {
      candidates: [],
    });
    expect(find(facts, 'interpreter.dynamic')?.fix).toMatch(/^apt-get install qemu-user-static && /);
  });
});
