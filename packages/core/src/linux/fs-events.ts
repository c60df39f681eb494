/**
 * The fsnotify hooks: the file system calls report what they did to the run's inotify watches,
 * in the kernel's order and with its split between events an inode reports to its own watches
 * only (link count changes, DELETE_SELF, MOVE_SELF) and events its directory's watches see too,
 * with its name (open, access, modify, attributes, close, create, delete, moves). Every hook
 * returns at once while no watch exists, so file I/O pays one property read for it.
 */
import { type BigIntStats, fstatSync, lstatSync, realpathSync } from 'node:fs';
import type { OpenFile } from './fd-table.js';
import { type FsWatchers, IN, inodeKey } from './inotify.js';
import type { LinuxKernel } from './kernel.js';

const O_ACCMODE = 3;
const SLASH = 0x2f;

/** An inode as the hooks name it: its key, whether it is a directory, its link count and where it is. */
export interface FsSubject {
  readonly inode: string;
  readonly isDir: boolean;
  readonly nlink: bigint;
  /** Its directory's inode key and its name there (null for a root or an unknown place). */
  readonly parent: string | null;
  readonly name: Uint8Array;
}

/** The directory part and last name of a host path (trailing slashes ignored). */
function split(host: string | Buffer): { dir: Buffer; name: Buffer } {
  let bytes = typeof host === 'string' ? Buffer.from(host) : host;
  while (bytes.length > 1 && bytes[bytes.length - 1] === SLASH) bytes = bytes.subarray(0, bytes.length - 1);
  const slash = bytes.lastIndexOf(SLASH);
  if (slash < 0) return { dir: Buffer.from('.'), name: bytes };
  return { dir: slash === 0 ? Buffer.from('/') : bytes.subarray(0, slash), name: bytes.subarray(slash + 1) };
}

function statOrNull(stat: () => BigIntStats): BigIntStats | null {
  try {
    return stat();
  } catch {
    return null;
  }
}

function subjectOf(st: BigIntStats, host: string | Buffer | null): FsSubject {
  const inode = inodeKey(st.dev, st.ino);
  let parent: string | null = null;
  let name: Uint8Array = new Uint8Array(0);
  if (host !== null) {
    const where = split(host);
    const dir = statOrNull(() => lstatSync(where.dir, { bigint: true }));
    if (dir !== null) {
      parent = inodeKey(dir.dev, dir.ino);
      name = where.name;
    }
  }
  return { inode, isDir: st.isDirectory(), nlink: st.nlink, parent, name };
}

/**
 * What `host` names now, or null when nothing does or no watch exists; with `follow`, what a last
 * symlink leads to, placed in its own directory (chmod through a link changes the target).
 */
export function subjectAt(k: LinuxKernel, host: string | Buffer, follow = false): FsSubject | null {
  if (!k.fsWatchers.active) return null;
  let path = host;
  if (follow) {
    try {
      path = realpathSync(host, { encoding: 'buffer' });
    } catch {
      return null;
    }
  }
  const st = statOrNull(() => lstatSync(path, { bigint: true }));
  return st === null ? null : subjectOf(st, path);
}

/** The inode an open file is, placed by the path it was opened by while that path still leads to it. */
function subjectOfFile(k: LinuxKernel, file: OpenFile): FsSubject | null {
  if (!k.fsWatchers.active || file.hostFd < 0) return null;
  const st = statOrNull(() => fstatSync(file.hostFd, { bigint: true }));
  if (st === null) return null;
  const path = file.hostPath;
  const there = path === null ? null : statOrNull(() => lstatSync(path, { bigint: true }));
  const placed = there !== null && there.ino === st.ino && there.dev === st.dev;
  return subjectOf(st, placed ? path : null);
}

/** An event the inode's directory sees too (with its name), after its own watches. */
function report(watchers: FsWatchers, s: FsSubject, mask: number, cookie = 0): void {
  const m = mask | (s.isDir ? IN.ISDIR : 0);
  // The kernel hands an instance watching both the directory and the inode the directory's first.
  if (s.parent !== null) watchers.notify(s.parent, m, s.name, cookie);
  watchers.notify(s.inode, m, null, cookie);
}

/** A change of the inode's link count, which only its own watches see. */
function linkCountChanged(watchers: FsWatchers, s: FsSubject): void {
  watchers.notify(s.inode, IN.ATTRIB | (s.isDir ? IN.ISDIR : 0), null);
}

/** IN_DELETE_SELF, then IN_IGNORED as the inode's watches end (no IN_ISDIR on these, as in the kernel). */
function deletedSelf(watchers: FsWatchers, s: FsSubject): void {
  watchers.notify(s.inode, IN.DELETE_SELF, null);
  watchers.forget(s.inode);
}

/** `mask` happened to what `host` names (created, changed attributes, truncated...), or what it leads to with `follow`. */
export function pathEvent(k: LinuxKernel, host: string | Buffer, mask: number, follow = false): void {
  const s = subjectAt(k, host, follow);
  if (s !== null) report(k.fsWatchers, s, mask);
}

/** `mask` happened through open file `file` (read, written, truncated...). */
export function fileEvent(k: LinuxKernel, file: OpenFile, mask: number): void {
  const s = subjectOfFile(k, file);
  if (s !== null) report(k.fsWatchers, s, mask);
}

/** The last descriptor of `file` was closed: IN_CLOSE_WRITE or IN_CLOSE_NOWRITE by how it was opened. */
export function closeEvent(k: LinuxKernel, file: OpenFile): void {
  fileEvent(k, file, (file.statusFlags & O_ACCMODE) === 0 ? IN.CLOSE_NOWRITE : IN.CLOSE_WRITE);
}

/** A name of `s` (from `subjectAt` before the call) was removed by unlink or rmdir. */
export function removedEvent(k: LinuxKernel, s: FsSubject | null): void {
  if (s === null) return;
  const watchers = k.fsWatchers;
  if (!s.isDir) linkCountChanged(watchers, s);
  if (s.isDir || s.nlink <= 1n) deletedSelf(watchers, s);
  if (s.parent !== null) watchers.notify(s.parent, IN.DELETE | (s.isDir ? IN.ISDIR : 0), s.name);
}

let nextCookie = 1;

/**
 * A rename moved `from` (looked at before) to `to`, replacing `replaced` if a file had that name:
 * IN_MOVED_FROM and IN_MOVED_TO with one cookie, the replaced file's link count, the moved one's
 * IN_MOVE_SELF, and the replaced one's IN_DELETE_SELF when that was its last name.
 */
export function movedEvent(
  k: LinuxKernel,
  from: FsSubject | null,
  to: string | Buffer,
  replaced: FsSubject | null,
): void {
  if (from === null) return;
  const watchers = k.fsWatchers;
  const cookie = nextCookie++ >>> 0;
  const dirBit = from.isDir ? IN.ISDIR : 0;
  if (from.parent !== null) watchers.notify(from.parent, IN.MOVED_FROM | dirBit, from.name, cookie);
  const target = subjectAt(k, to);
  if (target?.parent) watchers.notify(target.parent, IN.MOVED_TO | dirBit, target.name, cookie);
  const overwritten = replaced !== null && replaced.inode !== from.inode ? replaced : null;
  if (overwritten !== null) linkCountChanged(watchers, overwritten);
  watchers.notify(from.inode, IN.MOVE_SELF, null);
  if (overwritten !== null && (overwritten.isDir || overwritten.nlink <= 1n))
    deletedSelf(watchers, overwritten);
}

/** A hard link `host` was made: the inode's link count changed, and its new directory has a new name. */
export function linkedEvent(k: LinuxKernel, host: string | Buffer): void {
  const s = subjectAt(k, host);
  if (s === null) return;
  linkCountChanged(k.fsWatchers, s);
  if (s.parent !== null) k.fsWatchers.notify(s.parent, IN.CREATE, s.name);
}
