import { type BigIntStats, openSync, statSync } from 'node:fs';
import { E, fail } from '../errno.js';
import { type DirEntry, OpenFile } from '../fd-table.js';
import type { LinuxKernel } from '../kernel.js';
import { guestOpenFlags, hostOpenFlags, O_ACCMODE } from '../open-flags.js';
import { syntheticStat } from '../synthetic-stat.js';
import type { SyntheticNode } from './node.js';
import { procOwner } from './proc-owner.js';
import { syntheticNode } from './tree.js';

/** procfs' and sysfs' anonymous devices, as the kernel numbers them on most systems. */
const PROC_DEV = 0x16n;
const SYS_DEV = 0x15n;

/** The node at a canonical guest path the walk said is synthetic. */
export function nodeAt(k: LinuxKernel, canonical: string): SyntheticNode {
  const node = syntheticNode(
    k,
    canonical.split('/').filter((p) => p.length > 0),
  );
  if (node === null || node === undefined) fail(E.ENOENT);
  return node;
}

/** A stable inode number for a synthetic path. */
function inodeOf(canonical: string): bigint {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < canonical.length; i++)
    h = BigInt.asUintN(48, (h ^ BigInt(canonical.charCodeAt(i))) * 0x100000001b3n);
  return h | 1n;
}

/** stat of a node (a followed link's object when `node` is one and `follow` is set). */
export function statNode(k: LinuxKernel, canonical: string, node: SyntheticNode): BigIntStats {
  const stats = statNodeAsMade(canonical, node);
  if (
    node.kind === 'device' ||
    node.kind === 'chardev' ||
    (node.kind === 'link' && stats.mode >> 12n !== 0o12n)
  )
    return stats; // a device's or a link's object's own owner
  const owner = procOwner(k, canonical, node);
  return owner === null ? stats : ({ ...stats, ...owner } as BigIntStats);
}

function statNodeAsMade(canonical: string, node: SyntheticNode): BigIntStats {
  const dev = canonical.startsWith('/sys') ? SYS_DEV : PROC_DEV;
  const ino = inodeOf(canonical);
  const time = BigInt(Date.now()) * 1_000_000n;
  switch (node.kind) {
    case 'dir':
      return syntheticStat(dev, ino, BigInt(0o040000 | (node.mode ?? 0o555)), time);
    case 'file':
      return syntheticStat(dev, ino, BigInt(0o100000 | (node.mode ?? 0o444)), time);
    case 'device':
      return statSync(node.host, { bigint: true });
    case 'chardev':
      return node.stat();
    case 'link': {
      // Only a link to an object comes here followed (the walk goes on at a path link's target).
      const target = node.follow();
      if ('object' in target) return target.object.stat();
      return syntheticStat(dev, ino, 0o120777n, time);
    }
  }
}

/** stat/lstat of a synthetic path: `followed` says whether the walk followed a final link. */
export function statSynthetic(k: LinuxKernel, canonical: string, followed: boolean): BigIntStats {
  const node = nodeAt(k, canonical);
  if (node.kind === 'link' && !followed) {
    const dev = canonical.startsWith('/sys') ? SYS_DEV : PROC_DEV;
    const stats = syntheticStat(dev, inodeOf(canonical), 0o120777n, BigInt(Date.now()) * 1_000_000n);
    const owner = procOwner(k, canonical, node);
    return owner === null ? stats : ({ ...stats, ...owner } as BigIntStats);
  }
  return statNode(k, canonical, node);
}

/** readlink of a synthetic path. */
export function readlinkSynthetic(k: LinuxKernel, canonical: string): string {
  const node = nodeAt(k, canonical);
  if (node.kind !== 'link') fail(E.EINVAL);
  return node.target();
}

/** access(2): the trees are read-only but for devices, which the host answers for. */
export function accessSynthetic(k: LinuxKernel, canonical: string, mode: number): void {
  const node = nodeAt(k, canonical);
  if (node.kind === 'device') return void statSync(node.host);
  if (node.kind === 'chardev') return;
  if (mode & 2 && node.kind !== 'link') fail(E.EACCES);
  if (mode & 1 && node.kind === 'file') fail(E.EACCES);
}

/**
 * The entries of a synthetic directory, "." and ".." first, as getdents64 returns them: made at
 * the first getdents, so /proc/self/fd lists the descriptor that reads it.
 */
export function listSynthetic(k: LinuxKernel, canonical: string): DirEntry[] {
  const node = nodeAt(k, canonical);
  if (node.kind !== 'dir') fail(E.ENOTDIR);
  const typeOf = (child: SyntheticNode | null): number =>
    child === null
      ? 0
      : child.kind === 'dir'
        ? 4
        : child.kind === 'link'
          ? 10
          : child.kind === 'device' || child.kind === 'chardev'
            ? 2
            : 8;
  const entries: DirEntry[] = [
    { ino: inodeOf(canonical), type: 4, name: Buffer.from('.') },
    { ino: inodeOf(`${canonical}/..`), type: 4, name: Buffer.from('..') },
  ];
  for (const name of node.entries()) {
    entries.push({
      ino: inodeOf(`${canonical}/${name}`),
      type: typeOf(node.child(name)),
      name: Buffer.from(name, 'latin1'),
    });
  }
  return entries;
}

/** Entries that /dev always has, added to the listing of a root's own /dev. */
export function withDevEntries(entries: DirEntry[], names: readonly string[]): DirEntry[] {
  const have = new Set(entries.map((e) => Buffer.from(e.name).toString('latin1')));
  const added = names
    .filter((n) => !have.has(n))
    .map((n) => ({
      ino: inodeOf(`/dev/${n}`),
      type: n === 'fd' || n.startsWith('std') ? 10 : n === 'pts' ? 4 : 2,
      name: Buffer.from(n),
    }));
  return [...entries, ...added];
}

/**
 * openat of a synthetic path: a directory (listed at open), a file (its text made now, as the
 * kernel's seq_file does), a device (the host's), or a link's object (reopened).
 */
export function openSynthetic(k: LinuxKernel, canonical: string, flags: number, followed: boolean): OpenFile {
  const node = nodeAt(k, canonical);
  const guestFlags = guestOpenFlags(k.arch);
  const status = flags & ~0o2000000 & ~guestFlags.directory;
  if (node.kind === 'link') {
    // O_NOFOLLOW on a final link, as on any symlink.
    if (!followed) fail(E.ELOOP);
    const target = node.follow();
    if (!('object' in target)) fail(E.ELOOP);
    return target.object.open(status);
  }
  if (node.kind === 'chardev') {
    if (flags & guestFlags.directory) fail(E.ENOTDIR);
    return node.open(flags);
  }
  if (node.kind === 'device') {
    const hostFd = openSync(node.host, hostOpenFlags(k.arch, flags));
    return new OpenFile(hostFd, canonical, node.host, status, 'stream', true);
  }
  if ((flags & O_ACCMODE) !== 0 || flags & 0o1000) fail(node.kind === 'dir' ? E.EISDIR : E.EACCES);
  if (node.kind === 'file' && flags & guestFlags.directory) fail(E.ENOTDIR);
  const file = new OpenFile(-1, canonical, null, status, node.kind === 'dir' ? 'directory' : 'file', false);
  file.synthetic = canonical;
  if (node.kind === 'file') {
    file.content = node.content();
    file.position = 0;
  }
  return file;
}

/**
 * The host file execve runs for a guest path, and the guest path it is known by: its own file, or the program a /proc/PID/exe link
 * stands for (re-executing oneself through /proc/self/exe). Other synthetic files are EACCES.
 */
export function executable(k: LinuxKernel, guest: string): { host: string | Buffer; guest: string } {
  const at = k.paths.locate(guest);
  if ('host' in at) return { host: at.host, guest };
  const node = nodeAt(k, at.synthetic);
  const target = node.kind === 'link' ? node.follow() : null;
  if (target === null || !('object' in target) || target.object.program === undefined) fail(E.EACCES);
  return target.object.program;
}
