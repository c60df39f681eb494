import type { BigIntStats } from 'node:fs';

/**
 * What fstat reports for a file the kernel makes up (a pipe, an eventfd…): owned by the caller,
 * on device `dev`, with `mode` and one time for all three timestamps.
 */
export function syntheticStat(dev: bigint, ino: bigint, mode: bigint, timeNs: bigint): BigIntStats {
  const stats = {
    dev,
    ino,
    mode,
    nlink: 1n,
    uid: BigInt(process.getuid?.() ?? 0),
    gid: BigInt(process.getgid?.() ?? 0),
    rdev: 0n,
    size: 0n,
    blksize: 4096n,
    blocks: 0n,
    atimeNs: timeNs,
    mtimeNs: timeNs,
    ctimeNs: timeNs,
    birthtimeNs: 0n,
  };
  return stats as unknown as BigIntStats;
}
