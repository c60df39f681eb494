import type { LinuxKernel } from './kernel.js';
import { now } from './timers.js';

/**
 * Blocked calls across a stop and continue, as the kernel restarts them. A stop signal
 * interrupts every blocked call of the process (each thread leaves its wait to join the group
 * stop); when SIGCONT continues the process, each call restarts by its `StopRule`: most go on
 * with their first deadline, ppoll and pselect6 with the time that was left, and a few fail with
 * EINTR.
 */

/** The process stopped: its blocked calls note when, and those that say so record the time left. */
export function interruptWaitsForStop(k: LinuxKernel): void {
  const at = now();
  for (const t of k.threads) {
    const wait = t.wait;
    if (t.state !== 'blocked' || wait === null || !wait.restarts || t.stoppedAt !== null) continue;
    t.stoppedAt = at;
    const left = wait.deadline === null || wait.deadline < at ? 0n : wait.deadline - at;
    wait.stop.stopped?.(left);
  }
}

/** The process was continued: each interrupted call restarts by its rule. */
export function restartWaitsAfterContinue(k: LinuxKernel): void {
  const at = now();
  for (const t of k.threads) {
    const since = t.stoppedAt;
    t.stoppedAt = null;
    const wait = t.wait;
    if (since === null || t.state !== 'blocked' || wait === null) continue;
    if (wait.stop.after === 'rest' && wait.deadline !== null) {
      t.wait = wait.withDeadline(wait.deadline + (at - since));
    } else if (wait.stop.after === 'eintr') {
      // It runs at once, and the call returns EINTR without running again (`LinuxKernel.syscall`).
      t.interruptedByStop = true;
      t.state = 'runnable';
      t.wait = null;
      t.resumeDeadline = wait.deadline;
    }
  }
}
