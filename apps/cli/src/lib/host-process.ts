import { constants } from 'node:os';

/** Host signals `arm64kit run` hands to the guest instead of dying of them itself. */
const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const;

/**
 * Forwards SIGINT, SIGTERM, SIGHUP and SIGQUIT sent to this process to the guest, as the kernel
 * would deliver them to the program itself: its handler runs, or its default disposition ends it
 * (and `run` ends by the same signal: `endBySignal`). Returns a function that stops forwarding.
 * The guest sees the signal between blocks or when its current system call returns.
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

/** Signals Node keeps to itself: SIGUSR1 starts its inspector, SIGPROF drives its profiler. */
const NODE_OWNED = new Set(['SIGUSR1', 'SIGPROF']);

/**
 * Ends this process by `signal`, the one the guest died of, as qemu ends itself: the parent then
 * sees a death by that signal, not an exit status, which is what makes a shell script stop at
 * Ctrl-C (bash ends a script whose foreground child died of SIGINT, and goes on after one that
 * exited 130) and what Python's subprocess reports as -N. Only for a signal that is no crash
 * (`MachineExit.dumpsCore` false): raising SIGSEGV or SIGABRT here would dump the core of Node
 * itself, so those keep the 128 + N exit. Returns where the signal did not end the process (a pid
 * namespace's first process ignores its own signals), and the caller exits with 128 + N.
 */
export function endBySignal(signal: string): void {
  // Real-time signals have no name Node can raise; those it owns would not end it.
  if (!Object.hasOwn(constants.signals, signal) || NODE_OWNED.has(signal)) return;
  const name = signal as NodeJS.Signals;
  if (name !== 'SIGKILL') {
    // Node ignores SIGPIPE; a listener added and removed leaves the default disposition behind.
    const none = () => {};
    process.on(name, none);
    process.off(name, none);
  }
  process.kill(process.pid, name);
}
