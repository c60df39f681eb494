import type { BigIntStats, BigIntStatsFs } from 'node:fs';

/**
 * `struct statfs` of asm-generic on 64-bit (120 bytes), of the host file system whose device is
 * `dev` (st_dev). f_fsid is the device number as the kernel encodes it (u64_to_fsid of
 * huge_encode_dev(s_dev)): what it gives for proc, overlayfs, xfs and most others, stable and
 * distinct per file system; ext4 and tmpfs derive theirs from a UUID Node cannot read.
 */
export function encodeStatfs(s: BigIntStatsFs, dev: bigint): Uint8Array {
  const b = new Uint8Array(120);
  const v = new DataView(b.buffer);
  v.setBigInt64(0, s.type, true);
  v.setBigInt64(8, s.bsize, true);
  v.setBigUint64(16, s.blocks, true);
  v.setBigUint64(24, s.bfree, true);
  v.setBigUint64(32, s.bavail, true);
  v.setBigUint64(40, s.files, true);
  v.setBigUint64(48, s.ffree, true);
  v.setUint32(56, Number(dev & 0xffffffffn), true); // f_fsid.val[0]
  v.setUint32(60, Number((dev >> 32n) & 0xffffffffn), true); // f_fsid.val[1]
  v.setBigInt64(64, 255n, true); // f_namelen
  v.setBigInt64(72, s.bsize, true); // f_frsize
  return b;
}

/** `struct stat` of asm-generic (aarch64, riscv64): 128 bytes. */
export function encodeStat(s: BigIntStats): Uint8Array {
  const b = new Uint8Array(128);
  const v = new DataView(b.buffer);
  v.setBigUint64(0, s.dev, true);
  v.setBigUint64(8, s.ino, true);
  v.setUint32(16, Number(s.mode), true);
  v.setUint32(20, Number(s.nlink), true);
  v.setUint32(24, Number(s.uid), true);
  v.setUint32(28, Number(s.gid), true);
  v.setBigUint64(32, s.rdev, true);
  v.setBigInt64(48, s.size, true);
  v.setInt32(56, Number(s.blksize), true);
  v.setBigInt64(64, s.blocks, true);
  const times: [bigint, number][] = [
    [s.atimeNs, 72],
    [s.mtimeNs, 88],
    [s.ctimeNs, 104],
  ];
  for (const [ns, at] of times) {
    v.setBigInt64(at, ns / 1_000_000_000n, true);
    v.setBigUint64(at + 8, ns % 1_000_000_000n, true);
  }
  return b;
}

const major = (dev: bigint) => Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn));
const minor = (dev: bigint) => Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn));

/** `struct statx` (256 bytes), with the basic fields and birth time filled in. */
export function encodeStatx(s: BigIntStats): Uint8Array {
  const b = new Uint8Array(256);
  const v = new DataView(b.buffer);
  const STATX_BASIC_STATS = 0x7ff;
  const STATX_BTIME = 0x800;
  v.setUint32(0, STATX_BASIC_STATS | STATX_BTIME, true);
  v.setUint32(4, Number(s.blksize), true);
  v.setUint32(16, Number(s.nlink), true);
  v.setUint32(20, Number(s.uid), true);
  v.setUint32(24, Number(s.gid), true);
  v.setUint16(28, Number(s.mode), true);
  v.setBigUint64(32, s.ino, true);
  v.setBigUint64(40, s.size, true);
  v.setBigUint64(48, s.blocks, true);
  const times: [bigint, number][] = [
    [s.atimeNs, 64],
    [s.birthtimeNs, 80],
    [s.ctimeNs, 96],
    [s.mtimeNs, 112],
  ];
  for (const [ns, at] of times) {
    v.setBigInt64(at, ns / 1_000_000_000n, true);
    v.setUint32(at + 8, Number(ns % 1_000_000_000n), true);
  }
  v.setUint32(128, major(s.rdev), true);
  v.setUint32(132, minor(s.rdev), true);
  v.setUint32(136, major(s.dev), true);
  v.setUint32(140, minor(s.dev), true);
  return b;
}

/** d_type of a `struct linux_dirent64` for a stat mode. */
export function direntType(mode: number): number {
  switch (mode & 0o170000) {
    case 0o010000:
      return 1;
    case 0o020000:
      return 2;
    case 0o040000:
      return 4;
    case 0o060000:
      return 6;
    case 0o100000:
      return 8;
    case 0o120000:
      return 10;
    case 0o140000:
      return 12;
    default:
      return 0;
  }
}
