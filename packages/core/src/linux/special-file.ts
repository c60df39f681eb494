import type { LinuxKernel } from './kernel.js';

/**
 * A file the kernel makes up (eventfd, timerfd, signalfd, epoll): no host descriptor behind it.
 * read and write return the bytes moved, or null when the call has to wait for `poll` to change
 * (the caller blocks, or fails with EAGAIN when non-blocking).
 */
export interface SpecialFile {
  /** What /proc/self/fd shows after "anon_inode:", e.g. "[eventfd]". */
  readonly name: string;
  read(k: LinuxKernel, want: number): Uint8Array | null;
  write(k: LinuxKernel, bytes: Uint8Array): number | null;
  /** poll(2) bits that are ready, of `events`. */
  poll(k: LinuxKernel, events: number): number;
  /** Counts the changes that make an edge-triggered epoll report it again. */
  readonly activity?: number;
  /** When it will become ready by itself (a timer's next expiry, monotonic ns), or null. */
  wakeAt?(): bigint | null;
}

/** What fstat reports for a kernel object: an anonymous inode, read-write for its owner. */
export function anonymousStat(): import('node:fs').BigIntStats {
  const uid = BigInt(process.getuid?.() ?? 0);
  const gid = BigInt(process.getgid?.() ?? 0);
  const stats = {
    dev: 0xen, // anon_inodefs
    ino: 1n,
    mode: 0o600n,
    nlink: 1n,
    uid,
    gid,
    rdev: 0n,
    size: 0n,
    blksize: 4096n,
    blocks: 0n,
    atimeNs: 0n,
    mtimeNs: 0n,
    ctimeNs: 0n,
    birthtimeNs: 0n,
  };
  return stats as unknown as import('node:fs').BigIntStats;
}
