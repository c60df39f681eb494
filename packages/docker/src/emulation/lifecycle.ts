import type { EmulationRecord } from './setup-types.js';

/**
 * restore() and keep() of a setup. Until one of them is called, an exit hook undoes the
 * setup if the process ends (an uncaught error, process.exit); exit hooks cannot wait, so
 * it uses the route's synchronous best effort.
 */
export function lifecycle(
  record: () => EmulationRecord,
  undo: () => Promise<void>,
  undoSync: () => void,
): { restore: () => Promise<void>; keep: () => EmulationRecord } {
  let settled = false;
  const onExit = () => {
    if (settled) return;
    settled = true;
    try {
      undoSync();
    } catch {}
  };
  process.once('exit', onExit);
  const settle = () => {
    const first = !settled;
    settled = true;
    process.removeListener('exit', onExit);
    return first;
  };
  return {
    restore: async () => {
      if (settle()) await undo();
    },
    keep: () => {
      settle();
      return record();
    },
  };
}
