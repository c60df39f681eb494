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
