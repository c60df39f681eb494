import { fstatSync, readlinkSync } from 'node:fs';
import type { GuestMemory } from '../memory/types.js';
import { E, fail } from './errno.js';
import type { OpenFile } from './fd-table.js';
import { guestJoin, PATH_MAX, type PathResolver } from './paths.js';

/** The dirfd that means "the working directory" (the same value on every architecture). */
const AT_FDCWD = -100;

/** What path lookups need of the kernel (kept narrow so this file does not import it). */
interface PathContext {
  readonly memory: GuestMemory;
  readonly paths: PathResolver;
  readonly cwd: string;
  readonly fds: { get(fd: number): OpenFile };
}

/**
 * A path argument as a byte string: at most PATH_MAX bytes with its NUL, as the kernel's
 * getname; a longer one is ENAMETOOLONG, never cut short.
 */
export function readPathArgument(memory: GuestMemory, addr: number): string {
  const bytes: number[] = [];
  for (let i = 0; i < PATH_MAX; i++) {
    const b = memory.read8(addr + i);
    if (b === 0) return Buffer.from(bytes).toString('latin1');
    bytes.push(b);
  }
  fail(E.ENAMETOOLONG);
}

/**
 * The guest path of the directory an open directory fd refers to now. The kernel's fd holds the
 * directory itself, so a rename moves it along: the host's /proc/self/fd link says where the
 * directory is today. A directory that was removed (or moved out of the guest's reach) is ENOENT.
 */
export function directoryPath(k: PathContext, dir: OpenFile): string {
  if (dir.kind !== 'directory' || dir.guestPath === null) fail(E.ENOTDIR);
  if (dir.synthetic !== null) return dir.synthetic;
  let host: Buffer;
  try {
    host = readlinkSync(`/proc/self/fd/${dir.hostFd}`, { encoding: 'buffer' });
  } catch {
    return dir.guestPath; // no procfs on this host: the name it was opened by
  }
  if (fstatSync(dir.hostFd).nlink === 0 || !k.paths.contains(host)) fail(E.ENOENT);
  return k.paths.toGuest(host);
}

/** Absolute guest path for `path` relative to directory fd `dirfd` (AT_FDCWD: the cwd). */
export function guestPathAt(k: PathContext, dirfd: number, path: string): string {
  if (path.startsWith('/')) return path;
  if (dirfd === AT_FDCWD) return guestJoin(k.cwd, path);
  return guestJoin(directoryPath(k, k.fds.get(dirfd)), path);
}

/** The guest and host paths of a path argument in guest memory. */
export function hostPathAt(
  k: PathContext,
  dirfd: number,
  pathAddr: number,
  followFinal: boolean,
): { raw: string; guest: string; host: Buffer } {
  const raw = readPathArgument(k.memory, pathAddr);
  if (raw.length === 0) fail(E.ENOENT);
  const guest = guestPathAt(k, dirfd, raw);
  return { raw, guest, host: k.paths.toHost(guest, followFinal) };
}
