import { describe, expect, it } from 'vitest';
import { checkDocker } from './docker.js';

describe('checkDocker', () => {
  it('an unreachable engine is a warning', () => {
    expect(checkDocker({ reachable: false, detail: 'Cannot connect' }, 'aarch64')[0]).toMatchObject({
      id: 'docker.unreachable',
      severity: 'warning',
    });
  });

  it('uname -m printing the architecture proves the platform runs', () => {
    const f = checkDocker(
      {
        reachable: true,
        detail: 'Docker Engine 20.10',
        image: 'img',
        run: { ok: true, output: 'aarch64\n' },
      },
      'aarch64',
    );
    expect(f.map((x) => x.id)).toEqual(['docker.reachable', 'docker.runs-arch']);
  });

  it('exec format error is an error that points at the handler', () => {
    const f = checkDocker(
      {
        reachable: true,
        detail: 'Docker Engine 20.10',
        image: 'img',
        run: { ok: false, output: 'exec /usr/bin/uname: exec format error' },
      },
      'aarch64',
    ).find((x) => x.id === 'docker.cannot-run-arch');
    expect(f?.severity).toBe('error');
    expect(f?.explanation).toContain('binfmt_misc handler');
  });

  it('an image of another architecture proves nothing', () => {
    const f = checkDocker(
      { reachable: true, detail: 'x', image: 'img', run: { ok: true, output: 'x86_64' } },
      'aarch64',
    );
    expect(f.map((x) => x.id)).toContain('docker.wrong-arch');
  });

  it('without an image of the platform it says how to give one', () => {
    const f = checkDocker({ reachable: true, detail: 'x', noImage: true }, 'aarch64');
    expect(f.map((x) => x.id)).toContain('docker.no-image');
  });
});
