import { readFileSync, readlinkSync } from 'node:fs';
import { constants } from 'node:os';

/** Host signals `arm64kit run` hands to the guest instead of dying of them itself. */
const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const;

/**
 * Forwards SIGINT, SIGTERM, SIGHUP and SIGQUIT sent to this process to the guest, as the kernel
 * would deliver them to the program itself: its handler runs, or its default disposition ends it
 * (and `run` exits 128 + N). Returns a function that stops forwarding. The guest sees the signal
 * between blocks or when its current system call returns.
 */
export function forwardSignals(send: (signo: number) => void): () => void {
  const listeners = FORWARDED.map((name) => {
    const listener = () => send(constants.signals[name]);
    process.on(name, listener);
    return [name, listener] as const;
  });
  return () => {
    for (const [name, listener] of listeners) process.off(name, listener);
  };
}

/**
 * Whether host descriptor `fd` (0–2) was closed when this process started. Node reopens a
 * closed 0, 1 or 2 on /dev/null for reading and writing before any JavaScript runs, so that is
 * what a closed one looks like here (`<>/dev/null` looks the same and is treated alike). The
 * guest must not see a descriptor the host did not give it: read(0) is then EBADF, not EOF.
 */
export function closedAtStart(fd: number): boolean {
  try {
    if (readlinkSync(`/proc/self/fd/${fd}`) !== '/dev/null') return false;
    const flags = /flags:\s+([0-7]+)/.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'));
    return flags !== null && (Number.parseInt(flags[1], 8) & 3) === 2; // O_RDWR
  } catch {
    return false;
  }
}
