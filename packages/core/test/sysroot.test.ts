import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PathResolver } from '../src/index.js';

describe('the sysroot', () => {
  const outside = mkdtempSync(join(tmpdir(), 'arm64kit-outside-'));
  const root = mkdtempSync(join(tmpdir(), 'arm64kit-sysroot-'));
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });
  writeFileSync(join(outside, 'secret'), 'host');
  mkdirSync(join(root, 'etc'));
  mkdirSync(join(root, 'lib'));
  writeFileSync(join(root, 'etc/secret'), 'guest');
  symlinkSync(join(outside, 'secret'), join(root, 'etc/absolute-link')); // absolute: re-rooted
  symlinkSync('../../../../../../../../..', join(root, 'lib/up')); // relative: clamped at "/"
  symlinkSync('/etc', join(root, 'etc-link'));
  symlinkSync('loop-b', join(root, 'loop-a'));
  symlinkSync('loop-a', join(root, 'loop-b'));
  const paths = new PathResolver(root);

  it('maps guest paths into the sysroot and clamps ".." at its root', () => {
    expect(paths.toHost('/etc/secret')).toBe(join(root, 'etc/secret'));
    expect(paths.toHost('/../../../etc/secret')).toBe(join(root, 'etc/secret'));
  });

  it('resolves symlinks inside the sysroot, absolute and relative, so none leads outside', () => {
    // An absolute target means the guest's "/", not the host's.
    expect(paths.toHost('/etc/absolute-link').startsWith(root)).toBe(true);
    expect(paths.toHost(`/lib/up${outside}/secret`)).toBe(join(root, outside, 'secret'));
    expect(paths.toHost('/etc-link/secret')).toBe(join(root, 'etc/secret'));
    expect(paths.toHost('/lib/up/etc/secret')).toBe(join(root, 'etc/secret'));
  });

  it('leaves a final symlink alone when asked (lstat, readlink, unlink)', () => {
    expect(paths.toHost('/etc-link', false)).toBe(join(root, 'etc-link'));
  });

  it('reports symlink loops as ELOOP', () => {
    expect(() => paths.toHost('/loop-a/x')).toThrowError(expect.objectContaining({ errno: 40 }));
  });

  it('without a sysroot, guest paths are host paths', () => {
    expect(new PathResolver(null).toHost('/etc/passwd')).toBe('/etc/passwd');
  });
});
