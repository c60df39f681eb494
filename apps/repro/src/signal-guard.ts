const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** How long asynchronous cleanup (removing a container) may delay the signal. */
const ASYNC_CLEANUP_LIMIT_MS = 15_000;

/**
 * While armed, a SIGINT, SIGTERM or SIGHUP first runs `restore` synchronously (it must not
 * depend on the event loop: binfmt_misc writes), then `cleanup` if given (asynchronous work
 * such as removing a container, at most 15 s), then re-raises the signal so the process ends
 * the way the signal says. A second signal during the cleanup re-raises at once. Returns
 * the function that disarms the guard.
 */
export function restoreOnSignal(restore: () => void, cleanup?: () => Promise<void>): () => void {
  let armed = true;
  let handling = false;
  const disarm = () => {
    if (!armed) return;
    armed = false;
    for (const [signal, handler] of handlers) process.removeListener(signal, handler);
  };
  const reraise = (signal: NodeJS.Signals) => {
    disarm();
    // With our listener gone the default action applies (unless someone else listens).
    process.kill(process.pid, signal);
  };
  const handlers = SIGNALS.map((signal) => {
    const handler = () => {
      if (handling) return reraise(signal);
      handling = true;
      try {
        restore();
      } catch {
        // Nothing else can be done on the way out; the cleanup still runs.
      }
      if (cleanup === undefined) return reraise(signal);
      const limit = new Promise<void>((resolve) => setTimeout(resolve, ASYNC_CLEANUP_LIMIT_MS).unref());
      Promise.race([cleanup().catch(() => undefined), limit]).finally(() => reraise(signal));
    };
    return [signal, handler] as const;
  });
  for (const [signal, handler] of handlers) process.on(signal, handler);
  return disarm;
}
