const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * While armed, a SIGINT, SIGTERM or SIGHUP first runs `restore` (synchronously: the process
 * is about to die, nothing asynchronous would finish), then re-raises the signal so the
 * process ends the way the signal says. Returns the function that disarms the guard.
 */
export function restoreOnSignal(restore: () => void): () => void {
  let armed = true;
  const disarm = () => {
    if (!armed) return;
    armed = false;
    for (const [signal, handler] of handlers) process.removeListener(signal, handler);
  };
  const handlers = SIGNALS.map((signal) => {
    const handler = () => {
      try {
        restore();
      } finally {
        disarm();
        // With our listener gone the default action applies (unless someone else listens).
        process.kill(process.pid, signal);
      }
    };
    return [signal, handler] as const;
  });
  for (const [signal, handler] of handlers) process.on(signal, handler);
  return disarm;
}
