import type { BigIntStatsFs } from 'node:fs';
import type { LinuxKernel } from '../kernel.js';
import { nodeAt, statNode } from './files.js';

/** The magic numbers statfs gives for the kernel's in-memory file systems. */
const PROC_SUPER_MAGIC = 0x9fa0n;
const SYSFS_MAGIC = 0x62656572n;
const DEVPTS_SUPER_MAGIC = 0x1cd1n;
const TMPFS_MAGIC = 0x01021994n;

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
