import type { EmulationRecord } from './setup-types.js';

export interface Lifecycle {
  restore: () => Promise<void>;
  restoreSync: () => void;
  keep: () => EmulationRecord;
}

/**
 * restore(), restoreSync() and keep() of a setup: whichever comes first wins, the others
 * then do nothing. Until then, an exit hook undoes the setup if the process ends (an
 * uncaught error, process.exit) with the route's synchronous undo, as exit hooks cannot wait.
 */
export function lifecycle(
  record: () => EmulationRecord,
  undo: () => Promise<void>,
  undoSync: () => void,
): Lifecycle {
  let settled = false;
  const settle = () => {
    const first = !settled;
    settled = true;
    process.removeListener('exit', onExit);
    return first;
  };
  const restoreSync = () => {
    if (settle()) undoSync();
  };
  const onExit = () => {
    try {
      restoreSync();
    } catch {}
  };
  process.once('exit', onExit);
  return {
    restore: async () => {
      if (settle()) await undo();
    },
    restoreSync,
    keep: () => {
      settle();
      return record();
    },
  };
}
