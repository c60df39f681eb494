/**
 * Core's kernel, driven by the toy architecture (test/toy): descriptors, pipes, paths under a
 * sysroot, ENOSYS. Each expectation is what Linux answers; the test names say which rule.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suiteTempDir } from '@arm64kit/vitest-config/suite-temp-dir';
import { beforeAll, describe, expect, it } from 'vitest';
import { SYS } from '../src/index.js';
import { AT_FDCWD, DT, E, F, FD_CLOEXEC, O, S_IFDIR, S_IFMT, S_IFREG } from './toy/linux.js';
import { reg, ToyProgram } from './toy/program.js';
import { runToy } from './toy/run.js';

const R9 = 9;
const R10 = 10;

/** Ends a program with exit_group(0), so the run's status says it got to its end. */
function finish(p: ToyProgram): ToyProgram {
  return p.sys(SYS.exit_group, 0);
}

describe('read, write, pipes and descriptors', () => {
  it('read(2) returns what is there, then 0 at end of file; write(2) returns the count written', () => {
    const p = new ToyProgram();
    const buf = p.space(16);
    p.sys(SYS.read, 0, buf, 16).record('first');
    p.sys(SYS.read, 0, buf + 3, 16).record('at eof');
    p.sys(SYS.write, 1, buf, 3).record('write');
    const r = runToy(finish(p), { stdin: 'abc' });
    expect(r.exitCode).toBe(0);
    expect([r.n('first'), r.n('at eof'), r.n('write')]).toEqual([3, 0, 3]);
    expect(r.stdout).toBe('abc');
  });

  it('pipe2 takes the lowest free descriptors; bytes come out in order; EOF once the last writer closes', () => {
    const p = new ToyProgram();
    const fds = p.space(8);
    const buf = p.space(16);
    const hello = p.string('hello');
    p.sys(SYS.pipe2, fds, 0).record('pipe2');
    p.loadWord(R9, fds).loadWord(R10, fds + 4);
    p.sys(SYS.write, reg(R10), hello, 5).record('write');
    p.sys(SYS.read, reg(R9), buf, 3).record('read 3');
    p.sys(SYS.close, reg(R10)).record('close writer');
    p.sys(SYS.read, reg(R9), buf + 3, 16).record('read rest');
    p.sys(SYS.read, reg(R9), buf + 8, 16).record('read at eof');
    p.sys(SYS.write, reg(R9), hello, 1).record('write to read end');
    const r = runToy(finish(p));
    expect(r.n('pipe2')).toBe(0);
    expect([r.memory.read32(fds), r.memory.read32(fds + 4)]).toEqual([3, 4]);
    expect([r.n('write'), r.n('read 3'), r.n('close writer'), r.n('read rest'), r.n('read at eof')]).toEqual([
      5, 3, 0, 2, 0,
    ]);
    expect(Buffer.from(r.memory.readBytes(buf, 5)).toString()).toBe('hello');
    expect(r.n('write to read end')).toBe(E.EBADF); // the read end is not open for writing
  });

  it('dup takes the lowest free number; closing twice is EBADF; dup3(fd, fd) is EINVAL; dup3 onto an open fd replaces it', () => {
    const p = new ToyProgram();
    const msg = p.string('via dup3\n');
    p.sys(SYS.dup, 1).record('dup');
    p.sys(SYS.close, 0).record('close 0');
    p.sys(SYS.dup, 2).record('dup after close');
    p.sys(SYS.close, 3).record('close 3');
    p.sys(SYS.close, 3).record('close 3 again');
    p.sys(SYS.dup3, 1, 1, 0).record('dup3 same');
    p.sys(SYS.dup3, 1, 2, 0).record('dup3 onto 2');
    p.sys(SYS.write, 2, msg, 9);
    p.sys(SYS.dup, 99).record('dup of unopened');
    p.sys(SYS.dup3, 1, 5, 0x1).record('dup3 unknown flag');
    const r = runToy(finish(p));
    expect(r.n('dup')).toBe(3);
    expect(r.n('close 0')).toBe(0);
    expect(r.n('dup after close')).toBe(0); // 0 is now the lowest free number
    expect([r.n('close 3'), r.n('close 3 again')]).toEqual([0, E.EBADF]);
    expect(r.n('dup3 same')).toBe(E.EINVAL);
    expect(r.n('dup3 onto 2')).toBe(2);
    expect(r.stdout).toBe('via dup3\n'); // fd 2 now writes where fd 1 does
    expect(r.stderr).toBe('');
    expect(r.n('dup of unopened')).toBe(E.EBADF);
    expect(r.n('dup3 unknown flag')).toBe(E.EINVAL); // only O_CLOEXEC is allowed
  });

  it('close-on-exec: pipe2(O_CLOEXEC) sets FD_CLOEXEC, dup clears it, dup3 and F_DUPFD_CLOEXEC set it, F_SETFD changes it', () => {
    const p = new ToyProgram();
    const fds = p.space(8);
    p.sys(SYS.pipe2, fds, O.CLOEXEC);
    p.loadWord(R9, fds);
    p.sys(SYS.fcntl, reg(R9), F.GETFD).record('pipe2 cloexec');
    p.sys(SYS.dup, reg(R9)).record('dup').sys(SYS.fcntl, reg(0), F.GETFD).record('dup flags');
    p.sys(SYS.dup3, reg(R9), 20, O.CLOEXEC).record('dup3').sys(SYS.fcntl, 20, F.GETFD).record('dup3 flags');
    p.sys(SYS.fcntl, reg(R9), F.DUPFD_CLOEXEC, 30).record('dupfd_cloexec');
    p.sys(SYS.fcntl, reg(0), F.GETFD).record('dupfd_cloexec flags');
    p.sys(SYS.fcntl, reg(R9), F.SETFD, 0).sys(SYS.fcntl, reg(R9), F.GETFD).record('after setfd');
    const r = runToy(finish(p));
    expect(r.n('pipe2 cloexec')).toBe(FD_CLOEXEC);
    expect([r.n('dup'), r.n('dup flags')]).toEqual([5, 0]);
    expect([r.n('dup3'), r.n('dup3 flags')]).toEqual([20, FD_CLOEXEC]);
    expect([r.n('dupfd_cloexec'), r.n('dupfd_cloexec flags')]).toEqual([30, FD_CLOEXEC]); // lowest ≥ 30
    expect(r.n('after setfd')).toBe(0);
  });

  it('execve closes the close-on-exec descriptors and keeps the others open', () => {
    const dir = mkdtempSync(join(tmpdir(), 'arm64kit-toy-exec-'));
    try {
      // The new image reports which of fds 3 and 4 are open in its exit status: bit 0 for 3, bit 1 for 4.
      const after = new ToyProgram();
      after.sys(SYS.fcntl, 3, F.GETFD).record('fd3').sys(SYS.fcntl, 4, F.GETFD).record('fd4');
      after.load(R9, 0).load(R10, 0);
      after
        .loadQuad(1, after.slot('fd3'))
        .branch('blt', 1, R10, 'fd3 closed')
        .load(R9, 1)
        .label('fd3 closed');
      after.loadQuad(1, after.slot('fd4')).branch('blt', 1, R10, 'fd4 closed').emit('addi', R9, R9, 2);
      after.label('fd4 closed').sys(SYS.exit_group, reg(R9));
      const next = join(dir, 'after');
      writeFileSync(next, after.link(), { mode: 0o755 });

      const p = new ToyProgram();
      const fds = p.space(8);
      const path = p.string(next);
      const argv = p.quads([path, 0]);
      p.sys(SYS.pipe2, fds, 0); // 3 and 4
      p.loadWord(R9, fds);
      p.sys(SYS.fcntl, reg(R9), F.SETFD, FD_CLOEXEC);
      p.sys(SYS.execve, path, argv, argv + 8).record('execve');
      const r = runToy(finish(p));
      expect(r.exitCode).toBe(2); // fd 3 (close-on-exec) closed, fd 4 still open
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('paths under a sysroot', () => {
  const rootDir = suiteTempDir('arm64kit-toy-root-');
  let root = '';
  beforeAll(() => {
    root = rootDir();
    mkdirSync(join(root, 'etc'));
    writeFileSync(join(root, 'etc', 'hostname'), 'toy\n');
    mkdirSync(join(root, 'd'));
    writeFileSync(join(root, 'd', 'a'), 'A');
    mkdirSync(join(root, 'd', 'sub'));
    symlinkSync('/etc', join(root, 'd', 'link'));
  });

  /** Opens `path`, reads up to 16 bytes into `buf`, records the open as `name` and the read as `name read`. */
  function openAndRead(p: ToyProgram, name: string, path: string, buf: number): void {
    p.sys(SYS.openat, AT_FDCWD, p.string(path), O.RDONLY).record(name);
    p.sys(SYS.read, reg(0), buf, 16).record(`${name} read`);
  }

  it('openat resolves absolute paths, absolute symlinks and ".." beyond "/" inside the sysroot, as a chroot does', () => {
    const p = new ToyProgram();
    const bufs = [p.space(16), p.space(16), p.space(16)];
    openAndRead(p, 'plain', '/etc/hostname', bufs[0]);
    openAndRead(p, 'through link', '/d/link/hostname', bufs[1]); // "/etc" means the sysroot's
    openAndRead(p, 'dotdot', '/../../../etc/hostname', bufs[2]); // ".." of "/" is "/"
    const r = runToy(finish(p), { sysroot: root });
    for (const [i, name] of ['plain', 'through link', 'dotdot'].entries()) {
      expect(r.n(name), name).toBeGreaterThanOrEqual(3);
      expect(r.n(`${name} read`), name).toBe(4);
      expect(Buffer.from(r.memory.readBytes(bufs[i], 4)).toString(), name).toBe('toy\n');
    }
  });

  it('openat errors: ENOENT for a missing name, ENOTDIR through a file, EEXIST for O_CREAT|O_EXCL, EISDIR writing a directory, ENOENT for ""', () => {
    const p = new ToyProgram();
    const open = (name: string, path: string, flags: number) =>
      p.sys(SYS.openat, AT_FDCWD, p.string(path), flags, 0o644).record(name);
    open('missing', '/nope', O.RDONLY);
    open('through a file', '/etc/hostname/x', O.RDONLY);
    open('excl', '/d/a', O.CREAT | O.EXCL | O.WRONLY);
    open('write a directory', '/d', O.WRONLY);
    open('O_DIRECTORY of a file', '/d/a', O.DIRECTORY);
    open('empty', '', O.RDONLY);
    const r = runToy(finish(p), { sysroot: root });
    expect(r.n('missing')).toBe(E.ENOENT);
    expect(r.n('through a file')).toBe(E.ENOTDIR);
    expect(r.n('excl')).toBe(E.EEXIST);
    expect(r.n('write a directory')).toBe(E.EISDIR);
    expect(r.n('O_DIRECTORY of a file')).toBe(E.ENOTDIR);
    expect(r.n('empty')).toBe(E.ENOENT);
  });

  it('openat(O_TMPFILE): __O_TMPFILE without O_DIRECTORY is EINVAL, read-only is EINVAL, in a directory it gives an unnamed file', () => {
    const p = new ToyProgram();
    const st = p.space(128);
    const dot = p.string('/d');
    p.sys(SYS.openat, AT_FDCWD, dot, O.TMPFILE_BIT | O.RDWR, 0o600).record('without O_DIRECTORY');
    p.sys(SYS.openat, AT_FDCWD, dot, O.TMPFILE_BIT | O.DIRECTORY | O.RDONLY, 0o600).record('read-only');
    p.sys(SYS.openat, AT_FDCWD, dot, O.TMPFILE_BIT | O.DIRECTORY | O.RDWR, 0o600).record('tmpfile');
    p.sys(SYS.fstat, reg(0), st).record('fstat');
    const r = runToy(finish(p), { sysroot: root });
    expect(r.n('without O_DIRECTORY')).toBe(E.EINVAL);
    expect(r.n('read-only')).toBe(E.EINVAL);
    expect(r.n('tmpfile')).toBeGreaterThanOrEqual(3);
    expect(r.n('fstat')).toBe(0);
    expect(r.memory.read32(st + 16) & S_IFMT).toBe(S_IFREG);
    expect(r.memory.read32(st + 20)).toBe(0); // st_nlink: no name links to it
  });

  it('newfstatat fills struct stat (mode at 16, size at 48); AT_SYMLINK_NOFOLLOW stats the link itself', () => {
    const p = new ToyProgram();
    const st = [p.space(128), p.space(128), p.space(128)];
    p.sys(SYS.newfstatat, AT_FDCWD, p.string('/etc/hostname'), st[0], 0).record('file');
    p.sys(SYS.newfstatat, AT_FDCWD, p.string('/d/link'), st[1], 0).record('link followed');
    p.sys(SYS.newfstatat, AT_FDCWD, p.string('/d/link'), st[2], 0x100).record('link itself');
    p.sys(SYS.newfstatat, AT_FDCWD, p.string('/d/missing'), st[0] + 64, 0).record('missing');
    const r = runToy(finish(p), { sysroot: root });
    expect([r.n('file'), r.n('link followed'), r.n('link itself'), r.n('missing')]).toEqual([
      0,
      0,
      0,
      E.ENOENT,
    ]);
    expect(r.memory.read32(st[0] + 16) & S_IFMT).toBe(S_IFREG);
    expect(r.memory.read64(st[0] + 48)).toBe(4n);
    expect(r.memory.read32(st[1] + 16) & S_IFMT).toBe(S_IFDIR);
    expect(r.memory.read32(st[2] + 16) & S_IFMT).toBe(0o120000); // S_IFLNK
    expect(r.memory.read64(st[2] + 48)).toBe(4n); // a link's size is its target's length: "/etc"
  });

  it('getdents64 lists ".", ".." and every entry with its d_type once, then returns 0', () => {
    const p = new ToyProgram();
    const buf = p.space(4096);
    p.sys(SYS.openat, AT_FDCWD, p.string('/d'), O.RDONLY | O.DIRECTORY).record('open');
    p.emit('mov', R9, 0);
    p.sys(SYS.getdents64, reg(R9), buf, 4096).record('first');
    p.sys(SYS.getdents64, reg(R9), buf + 2048, 2048).record('second');
    p.sys(SYS.getdents64, 1, buf + 2048, 2048).record('not a directory');
    const r = runToy(finish(p), { sysroot: root });
    const size = r.n('first');
    expect(size).toBeGreaterThan(0);
    const entries = new Map<string, number>();
    for (let at = 0; at < size; ) {
      const reclen = r.memory.read16(buf + at + 16);
      const type = r.memory.read8(buf + at + 18);
      const name = r.memory.readCString(buf + at + 19);
      expect(entries.has(name), name).toBe(false);
      entries.set(name, type);
      expect(reclen % 8).toBe(0); // records are 8-byte aligned
      at += reclen;
    }
    expect(Object.fromEntries(entries)).toEqual({
      '.': DT.DIR,
      '..': DT.DIR,
      a: DT.REG,
      sub: DT.DIR,
      link: DT.LNK,
    });
    expect(r.n('second')).toBe(0);
    expect(r.n('not a directory')).toBe(E.ENOTDIR);
  });
});

describe('unknown system calls', () => {
  it('a number the table does not have returns ENOSYS (and --strace reports it once)', () => {
    const p = new ToyProgram();
    p.sys(999).record('999').sys(999).record('999 again');
    p.sys(244).record('244'); // an arch-specific slot asm-generic leaves empty
    const r = runToy(finish(p), { strace: true });
    expect([r.n('999'), r.n('999 again'), r.n('244')]).toEqual([E.ENOSYS, E.ENOSYS, E.ENOSYS]);
    expect(r.trace.filter((line) => line.startsWith('unknown syscall 999'))).toHaveLength(1);
    expect(r.exitCode).toBe(0);
  });
});
