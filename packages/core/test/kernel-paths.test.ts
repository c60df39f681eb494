/**
 * Core's path system calls that check their arguments before touching a file, driven by the toy
 * architecture in a scratch sysroot: what the kernel answers for unknown flags, bad modes and
 * contradictory combinations (the same cases tooling/test-programs/src/fsops.c compares with
 * qemu-aarch64-static), and that each refused call changed nothing.
 */
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SYS } from '../src/index.js';
import { AT_FDCWD, E, O, S_IFDIR, S_IFMT, S_IFREG } from './toy/linux.js';
import { reg, ToyProgram } from './toy/program.js';
import { runToy } from './toy/run.js';

const RENAME_NOREPLACE = 1;
const RENAME_EXCHANGE = 2;
const RENAME_WHITEOUT = 4;
const AT_SYMLINK_NOFOLLOW = 0x100;
const AT_REMOVEDIR = 0x200;
const AT_EMPTY_PATH = 0x1000;
const AT_STATX_FORCE_SYNC = 0x2000;
const AT_STATX_DONT_SYNC = 0x4000;
const STATX_BASIC_STATS = 0x7ff;

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'arm64kit-toy-paths-'));
  writeFileSync(join(root, 'one'), '1');
  writeFileSync(join(root, 'two'), '2');
  mkdirSync(join(root, 'dir'));
  writeFileSync(join(root, 'dir', 'inner'), 'in');
  symlinkSync('nowhere', join(root, 'dangling'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const text = (path: string) => readFileSync(join(root, path), 'utf8');

/** Runs `body` in the sysroot with "/" as its cwd; `at` gives a path argument's address. */
function run(body: (p: ToyProgram, at: (path: string) => number) => void) {
  const p = new ToyProgram();
  const strings = new Map<string, number>();
  const at = (path: string) => {
    let a = strings.get(path);
    if (a === undefined) {
      a = p.string(path);
      strings.set(path, a);
    }
    return a;
  };
  body(p, at);
  const r = runToy(p.sys(SYS.exit_group, 0), { sysroot: root, cwd: '/' });
  expect(r.exitCode).toBe(0);
  return r;
}

describe('renameat2', () => {
  const rename = (
    p: ToyProgram,
    at: (s: string) => number,
    name: string,
    from: string,
    to: string,
    flags: number,
  ) => p.sys(SYS.renameat2, AT_FDCWD, at(from), AT_FDCWD, at(to), flags).record(name);

  it('RENAME_NOREPLACE onto an existing name is EEXIST and changes nothing; onto a free name it renames', () => {
    const r = run((p, at) => {
      rename(p, at, 'onto existing', 'one', 'two', RENAME_NOREPLACE);
      rename(p, at, 'onto free', 'one', 'three', RENAME_NOREPLACE);
    });
    expect([r.n('onto existing'), r.n('onto free')]).toEqual([E.EEXIST, 0]);
    expect([text('two'), text('three')]).toEqual(['2', '1']);
  });

  it('RENAME_EXCHANGE swaps two files, and a file with a directory; a missing side is ENOENT; a name with itself is 0', () => {
    const r = run((p, at) => {
      rename(p, at, 'files', 'one', 'two', RENAME_EXCHANGE);
      rename(p, at, 'file and directory', 'one', 'dir', RENAME_EXCHANGE);
      rename(p, at, 'missing target', 'two', 'nothing', RENAME_EXCHANGE);
      rename(p, at, 'missing source', 'nothing', 'two', RENAME_EXCHANGE);
      rename(p, at, 'itself', 'two', 'two', RENAME_EXCHANGE);
    });
    expect([r.n('files'), r.n('file and directory')]).toEqual([0, 0]);
    expect([r.n('missing target'), r.n('missing source'), r.n('itself')]).toEqual([E.ENOENT, E.ENOENT, 0]);
    expect(text('two')).toBe('1');
    expect(text('dir')).toBe('2');
    expect(text('one/inner')).toBe('in');
    expect(readdirSync(root).sort()).toEqual(['dangling', 'dir', 'one', 'two']); // nothing left aside
  });

  it('EXCHANGE|NOREPLACE, EXCHANGE|WHITEOUT and unknown bits are EINVAL, before any name is looked up', () => {
    const r = run((p, at) => {
      rename(p, at, 'exchange noreplace', 'one', 'two', RENAME_EXCHANGE | RENAME_NOREPLACE);
      rename(p, at, 'exchange whiteout', 'one', 'two', RENAME_EXCHANGE | RENAME_WHITEOUT);
      rename(p, at, 'unknown', 'one', 'free', 0x80);
      rename(p, at, 'unknown, missing source', 'nothing', 'free', 0x80);
    });
    expect(r.n('exchange noreplace')).toBe(E.EINVAL);
    expect(r.n('exchange whiteout')).toBe(E.EINVAL);
    expect(r.n('unknown')).toBe(E.EINVAL);
    expect(r.n('unknown, missing source')).toBe(E.EINVAL);
    expect([text('one'), text('two')]).toEqual(['1', '2']);
  });
});

describe('statx, faccessat2, rmdir, unlinkat, linkat, mkdirat', () => {
  it('statx: unknown flags, both AT_STATX sync types and STATX__RESERVED are EINVAL; AT_STATX_DONT_SYNC alone is fine', () => {
    let buf = 0;
    const r = run((p, at) => {
      buf = p.space(512); // two struct statx
      const statx = (name: string, flags: number, mask: number) =>
        p.sys(SYS.statx, AT_FDCWD, at('one'), flags, mask, buf).record(name);
      statx('high flag', 0x80000000 | 0, STATX_BASIC_STATS);
      statx('low flag', 0x1, STATX_BASIC_STATS);
      statx('both sync types', AT_STATX_FORCE_SYNC | AT_STATX_DONT_SYNC, STATX_BASIC_STATS);
      statx('reserved mask', 0, 0x80000000 | 0);
      statx('dont sync', AT_STATX_DONT_SYNC, STATX_BASIC_STATS);
      p.sys(SYS.statx, AT_FDCWD, at('dir'), AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, buf + 256).record('dir');
    });
    expect([r.n('high flag'), r.n('low flag'), r.n('both sync types'), r.n('reserved mask')]).toEqual([
      E.EINVAL,
      E.EINVAL,
      E.EINVAL,
      E.EINVAL,
    ]);
    expect([r.n('dont sync'), r.n('dir')]).toEqual([0, 0]);
    expect(r.memory.read16(buf + 0x1c) & S_IFMT).toBe(S_IFREG);
    expect(r.memory.read64(buf + 0x28)).toBe(1n); // stx_size of "one"
    expect(r.memory.read16(buf + 256 + 0x1c) & S_IFMT).toBe(S_IFDIR);
  });

  it('faccessat2: a mode beyond rwx or an unknown flag is EINVAL; AT_EMPTY_PATH with "" checks the directory itself', () => {
    const r = run((p, at) => {
      p.sys(SYS.faccessat2, AT_FDCWD, at('one'), 0x10, 0).record('mode 0x10');
      p.sys(SYS.faccessat2, AT_FDCWD, at('one'), 0, 0x1).record('flag 0x1');
      p.sys(SYS.faccessat, AT_FDCWD, at('one'), 0x10).record('faccessat mode 0x10');
      p.sys(SYS.faccessat2, AT_FDCWD, at(''), 0, AT_EMPTY_PATH).record('empty path');
      p.sys(SYS.faccessat2, AT_FDCWD, at(''), 0, 0).record('empty path without the flag');
      p.sys(SYS.openat, AT_FDCWD, at('one'), O.RDONLY).emit('mov', 9, 0);
      p.sys(SYS.faccessat2, reg(9), at(''), 4, AT_EMPTY_PATH).record('empty path of a file fd');
    });
    expect([r.n('mode 0x10'), r.n('flag 0x1'), r.n('faccessat mode 0x10')]).toEqual([
      E.EINVAL,
      E.EINVAL,
      E.EINVAL,
    ]);
    expect([r.n('empty path'), r.n('empty path without the flag')]).toEqual([0, E.ENOENT]);
    expect(r.n('empty path of a file fd')).toBe(0);
  });

  it('rmdir("dir/.") is EINVAL and rmdir("dir/..") ENOTEMPTY, by name; unlinkat checks its flags; nothing is removed', () => {
    const r = run((p, at) => {
      p.sys(SYS.unlinkat, AT_FDCWD, at('dir/.'), AT_REMOVEDIR).record('dir/.');
      p.sys(SYS.unlinkat, AT_FDCWD, at('dir/..'), AT_REMOVEDIR).record('dir/..');
      p.sys(SYS.unlinkat, AT_FDCWD, at('one'), 0x1).record('unknown flag');
      p.sys(SYS.unlinkat, AT_FDCWD, at('one'), AT_REMOVEDIR).record('rmdir of a file');
      p.sys(SYS.unlinkat, AT_FDCWD, at('dir'), 0).record('unlink of a directory');
    });
    expect(r.n('dir/.')).toBe(E.EINVAL);
    expect(r.n('dir/..')).toBe(-39); // ENOTEMPTY
    expect(r.n('unknown flag')).toBe(E.EINVAL);
    expect(r.n('rmdir of a file')).toBe(E.ENOTDIR);
    expect(r.n('unlink of a directory')).toBe(E.EISDIR);
    expect(readdirSync(root).sort()).toEqual(['dangling', 'dir', 'one', 'two']);
  });

  it('linkat: an unknown flag, and AT_SYMLINK_NOFOLLOW (not a linkat flag), is EINVAL; mkdirat over a dangling symlink is EEXIST', () => {
    const r = run((p, at) => {
      p.sys(SYS.linkat, AT_FDCWD, at('one'), AT_FDCWD, at('hard'), 0x1).record('unknown flag');
      p.sys(SYS.linkat, AT_FDCWD, at('one'), AT_FDCWD, at('hard'), AT_SYMLINK_NOFOLLOW).record('nofollow');
      p.sys(SYS.linkat, AT_FDCWD, at('one'), AT_FDCWD, at('hard'), 0).record('plain');
      p.sys(SYS.mkdirat, AT_FDCWD, at('dangling'), 0o755).record('mkdir dangling');
      p.sys(SYS.mkdirat, AT_FDCWD, at('one'), 0o755).record('mkdir file');
    });
    expect([r.n('unknown flag'), r.n('nofollow'), r.n('plain')]).toEqual([E.EINVAL, E.EINVAL, 0]);
    expect(statSync(join(root, 'hard')).nlink).toBe(2);
    expect([r.n('mkdir dangling'), r.n('mkdir file')]).toEqual([E.EEXIST, E.EEXIST]);
    expect(readdirSync(root).includes('nowhere')).toBe(false); // the link's target was not created
  });
});
