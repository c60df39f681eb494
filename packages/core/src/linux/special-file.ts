import type { BigIntStats } from 'node:fs';
import type { LinuxKernel } from './kernel.js';
import { syntheticStat } from './synthetic-stat.js';

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
  /** A device's path, which /proc/PID/fd shows instead of an anon_inode name (/dev/pts/0). */
  readonly path?: string;
  /** What fstat says of it, when it is not an anonymous inode (a terminal's device). */
  stat?(): BigIntStats;
  /** The last descriptor referring to it was closed (a socket's peer sees end of file). */
  release?(): void;
}

/** What fstat reports for a kernel object: an anonymous inode, read-write for its owner. */
export function anonymousStat(): BigIntStats {
  return syntheticStat(0xen, 1n, 0o600n, 0n); // anon_inodefs
}
