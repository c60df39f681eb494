import type { BigIntStatsFs } from 'node:fs';
import type { OpenFile } from '../fd-table.js';
import type { LinuxKernel } from '../kernel.js';
import { nodeAt, statNode } from './files.js';

/** The magic numbers statfs gives for the kernel's in-memory file systems. */
const PROC_SUPER_MAGIC = 0x9fa0n;
const SYSFS_MAGIC = 0x62656572n;
const DEVPTS_SUPER_MAGIC = 0x1cd1n;
const TMPFS_MAGIC = 0x01021994n;
const PIPEFS_MAGIC = 0x50495045n;
const SOCKFS_MAGIC = 0x534f434bn;
const ANON_INODE_FS_MAGIC = 0x09041934n;

/**
 * statfs of a path the synthetic trees answer for, as the kernel answers for procfs, sysfs,
 * devpts (/dev/ptmx and /dev/pts) and the devtmpfs of /dev: its magic number, 4096-byte blocks,
 * no blocks or inodes counted, and the device of the node's stat (the caller makes the fsid).
 */
export function syntheticStatfs(k: LinuxKernel, canonical: string): { fs: BigIntStatsFs; dev: bigint } {
  const dev = statNode(k, canonical, nodeAt(k, canonical)).dev;
  const type = canonical.startsWith('/proc')
    ? PROC_SUPER_MAGIC
    : canonical.startsWith('/sys')
      ? SYSFS_MAGIC
      : /^\/dev\/(ptmx|pts)(\/|$)/.test(canonical)
        ? DEVPTS_SUPER_MAGIC
        : TMPFS_MAGIC;
  const fs = { type, bsize: 4096n, blocks: 0n, bfree: 0n, bavail: 0n, files: 0n, ffree: 0n };
  return { fs: fs as BigIntStatsFs, dev };
}

/**
 * fstatfs of a descriptor with no host file behind it: a synthetic file as statfs of its path
 * answers; a pipe, a socket or another kernel object as the kernel's pseudo file systems answer
 * (pipefs, sockfs, anon_inodefs: page-sized blocks, nothing counted, no fsid); a terminal as
 * its device's path does.
 */
export function descriptorStatfs(k: LinuxKernel, file: OpenFile): { fs: BigIntStatsFs; dev: bigint } {
  if (file.synthetic !== null) return syntheticStatfs(k, file.synthetic);
  const path = file.special?.path;
  if (path !== undefined) return syntheticStatfs(k, path);
  const type =
    file.pipe !== null
      ? PIPEFS_MAGIC
      : file.special?.name.startsWith('socket:')
        ? SOCKFS_MAGIC
        : ANON_INODE_FS_MAGIC;
  const fs = { type, bsize: 4096n, blocks: 0n, bfree: 0n, bavail: 0n, files: 0n, ffree: 0n };
  return { fs: fs as BigIntStatsFs, dev: 0n };
}
