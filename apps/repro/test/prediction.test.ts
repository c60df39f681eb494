import { presetEntry } from '@arm64kit/binfmt';
import { describe, expect, it } from 'vitest';
import { predict } from '../src/prediction.js';
import { scenarioCases } from '../src/scenario.js';

const entry = (preserveArgv0: boolean) =>
  presetEntry('aarch64', {
    name: 'qemu-aarch64',
    interpreter: '/usr/bin/qemu-aarch64-static',
    preserveArgv0,
  });

describe('predict', () => {
  const [probe, ccache] = scenarioCases('ccache', { withCcache: true });
  const layout = { execPath: '/usr/local/bin/ccache-probe', foundInPath: '/usr/local/bin/ccache-probe' };

  it("without P the probe sees the full path as argv[0] and refuses, as the write-up's ccache 3.7", () => {
    const p = predict(probe, entry(false), layout, null);
    expect(p.interpreterArgv).toEqual([
      '/usr/bin/qemu-aarch64-static',
      '/usr/local/bin/ccache-probe',
      'ccache-probe',
      '-p',
    ]);
    expect(p.programArgv).toEqual(['/usr/local/bin/ccache-probe', 'ccache-probe', '-p']);
    expect(p.outcome).toBe('recursive-invocation');
  });

  it('with P the probe sees the name as typed and succeeds', () => {
    const p = predict(probe, entry(true), layout, null);
    expect(p.interpreterArgv).toEqual([
      '/usr/bin/qemu-aarch64-static',
      '/usr/local/bin/ccache-probe',
      'ccache-probe',
      'ccache-probe',
      '-p',
    ]);
    expect(p.programArgv).toEqual(['ccache-probe', 'ccache-probe', '-p']);
    expect(p.outcome).toBe('success');
  });

  it('./a.out keeps its argv[0] either way', () => {
    const [relative] = scenarioCases('argv', { withCcache: false });
    for (const preserve of [false, true]) {
      const p = predict(relative, entry(preserve), { execPath: './a.out', foundInPath: null }, null);
      expect(p.programArgv).toEqual(['./a.out', '1', '2', '3']);
    }
  });

  it('ccache 3.x is predicted to refuse without P; 4.x to behave the same either way', () => {
    const ccLayout = { execPath: '/usr/bin/ccache', foundInPath: '/usr/bin/ccache' };
    const v3 = { banner: '', version: '3.7.7', major: 3, minor: 7, argv0Sensitive: true };
    const v4 = { banner: '', version: '4.8', major: 4, minor: 8, argv0Sensitive: false };
    expect(predict(ccache, entry(false), ccLayout, v3).outcome).toBe('recursive-invocation');
    expect(predict(ccache, entry(true), ccLayout, v3).outcome).toBe('success');
    expect(predict(ccache, entry(false), ccLayout, v4).outcome).toBe('same-with-and-without-p');
  });
});
