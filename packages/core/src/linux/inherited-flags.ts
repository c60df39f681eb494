import { readFileSync } from 'node:fs';
import { O_ACCMODE } from './open-flags.js';

/** The status flags that mean the same on every Linux architecture: O_APPEND and O_NONBLOCK. */
const SHARED_STATUS_FLAGS = O_ACCMODE | 0o2000 | 0o4000;

/**
 * The status flags (access mode, O_APPEND, O_NONBLOCK) of host descriptor `hostFd`, which the
 * guest inherits as it is, so F_GETFL answers as the kernel does for it: a /dev/null opened for
 * reading and writing is O_RDWR. `fallback` when the host does not say (no /proc).
 */
export function inheritedStatusFlags(hostFd: number, fallback: number): number {
  try {
    const flags = /flags:\s+([0-7]+)/.exec(readFileSync(`/proc/self/fdinfo/${hostFd}`, 'utf8'));
    return flags === null ? fallback : Number.parseInt(flags[1], 8) & SHARED_STATUS_FLAGS;
  } catch {
    return fallback;
  }
}
