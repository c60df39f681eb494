import { describe, expect, it } from 'vitest';
import { checkMount } from './mount.js';
import { hostFacts } from './test-fixtures.js';

describe('checkMount', () => {
  it('not mounted: an error whose fix is the mount command', () => {
    const binfmt = { ...hostFacts([]).binfmt, mounted: false, mountLine: undefined, status: undefined };
    const [f] = checkMount(binfmt);
    expect(f).toMatchObject({ id: 'binfmt.not-mounted', severity: 'error' });
    expect(f.fix).toBe('mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc');
  });

  it('globally disabled: an error quoting the status file, fixed by writing 1 to it', () => {
    const f = checkMount({ ...hostFacts([]).binfmt, status: 'disabled\n' }).find(
      (x) => x.id === 'binfmt.disabled',
    );
    expect(f).toMatchObject({ severity: 'error', evidence: '/proc/sys/fs/binfmt_misc/status: disabled' });
    expect(f?.fix).toBe('arm64kit binfmt enable --global');
    expect(f?.explanation).toContain('echo 1 > /proc/sys/fs/binfmt_misc/status');
  });

  it('mounted and enabled: only info, quoting the mount line', () => {
    const findings = checkMount(hostFacts([]).binfmt);
    expect(findings.map((f) => f.severity)).toEqual(['info', 'info']);
    expect(findings[0].evidence).toContain('binfmt_misc /proc/sys/fs/binfmt_misc binfmt_misc');
  });
});
