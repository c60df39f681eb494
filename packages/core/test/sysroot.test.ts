import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suiteTempDir } from '@arm64kit/vitest-config/suite-temp-dir';
import { beforeAll, describe, expect, it } from 'vitest';
import { guestJoin, PathResolver } from '../src/index.js';

describe('the sysroot', () => {
  const outsideDir = suiteTempDir('arm64kit-outside-');
  const rootDir = suiteTempDir('arm64kit-sysroot-');
  let outside = '';
  let root = '';
  let paths: PathResolver;
  beforeAll(() => {
    outside = outsideDir();
    root = rootDir();
    writeFileSync(join(outside, 'secret'), 'host');
    mkdirSync(join(root, 'etc'));
    mkdirSync(join(root, 'lib'));
    writeFileSync(join(root, 'etc/secret'), 'guest');
    symlinkSync(join(outside, 'secret'), join(root, 'etc/absolute-link')); // absolute: re-rooted
    symlinkSync('../../../../../../../../..', join(root, 'lib/up')); // relative: clamped at "/"
    symlinkSync('/etc', join(root, 'etc-link'));
    symlinkSync('loop-b', join(root, 'loop-a'));
    mkdirSync(join(root, 'lib/inner'));
    symlinkSync('/lib/inner', join(root, 'inner-link'));
    symlinkSync('loop-a', join(root, 'loop-b'));
    paths = new PathResolver(root);
  });

  it('maps guest paths into the sysroot and clamps ".." at its root', () => {
    expect(paths.toHost('/etc/secret').toString()).toBe(join(root, 'etc/secret'));
    expect(paths.toHost('/../../../etc/secret').toString()).toBe(join(root, 'etc/secret'));
  });

  it('resolves symlinks inside the sysroot, absolute and relative, so none leads outside', () => {
    // An absolute target means the guest's "/", not the host's.
    expect(paths.toHost('/etc/absolute-link').toString().startsWith(root)).toBe(true);
    expect(paths.toHost(`/lib/up${outside}/secret`).toString()).toBe(join(root, outside, 'secret'));
    expect(paths.toHost('/etc-link/secret').toString()).toBe(join(root, 'etc/secret'));
    expect(paths.toHost('/lib/up/etc/secret').toString()).toBe(join(root, 'etc/secret'));
  });

  it('resolves ".." from where a symlink leads, not lexically (as the kernel walks)', () => {
    expect(paths.resolve('/inner-link/..')).toBe('/lib');
    expect(paths.toHost('/inner-link/../up', false).toString()).toBe(join(root, 'lib/up'));
    expect(guestJoin('/inner-link', '../x')).toBe('/inner-link/../x');
  });

  it('keeps names as bytes: a name that is not UTF-8 reaches the host unchanged', () => {
    const name = '/caf\xe9\xff'; // a byte string: one character per byte
    expect([...paths.toHost(name)].slice(-6)).toEqual([0x2f, 0x63, 0x61, 0x66, 0xe9, 0xff]);
  });

  it('leaves a final symlink alone when asked (lstat, readlink, unlink)', () => {
    expect(paths.toHost('/etc-link', false).toString()).toBe(join(root, 'etc-link'));
  });

  it('reports symlink loops as ELOOP', () => {
    expect(() => paths.toHost('/loop-a/x')).toThrowError(expect.objectContaining({ errno: 40 }));
  });

  it('without a sysroot, guest paths are host paths', () => {
    expect(new PathResolver(null).toHost('/etc/passwd').toString()).toBe('/etc/passwd');
  });
});
