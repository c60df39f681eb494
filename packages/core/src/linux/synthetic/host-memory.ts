import { readFileSync } from 'node:fs';
import { freemem, totalmem } from 'node:os';

/** The host's memory in bytes, as the guest is told of it (it allocates from the host's). */
export interface HostMemory {
  total: number;
  /** Pages no one uses: the kernel's MemFree and sysinfo's freeram. */
  free: number;
  /** What could be had without swapping (free plus reclaimable caches): MemAvailable. */
  available: number;
}

/**
 * Reads the host's /proc/meminfo. Node's os.freemem() is MemAvailable, not what the kernel
 * calls free, so MemFree is read from the file itself; where there is none (not Linux), both
 * are os.freemem().
 */
export function hostMemory(): HostMemory {
  const fallback = { total: totalmem(), free: freemem(), available: freemem() };
  let text: string;
  try {
    text = readFileSync('/proc/meminfo', 'latin1');
  } catch {
    return fallback;
  }
  const field = (name: string): number | null => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(text);
    return match ? Number(match[1]) * 1024 : null;
  };
  return {
    total: field('MemTotal') ?? fallback.total,
    free: field('MemFree') ?? fallback.free,
    available: field('MemAvailable') ?? fallback.available,
  };
}
