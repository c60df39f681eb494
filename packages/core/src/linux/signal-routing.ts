import { prepareSignal, STOP_SIGNALS, stopProcess } from './job-control.js';
import type { LinuxKernel } from './kernel.js';
import { SIG_DFL, sigbit } from './signal-state.js';
import type { GuestThread } from './thread.js';

/**
 * Which thread takes a signal. A signal sent to a thread (tgkill, pthread_kill, SIGPIPE, a
 * fault) waits in that thread's own queue; one sent to the process (kill, a timer, SIGCHLD)
 * waits in the process's queue, and — as the kernel's complete_signal — the main thread takes
 * it when it does not block it, else any thread that does not.
 */

/**
 * The signals thread `t` blocks now: its mask, or while it waits in sigsuspend, sigtimedwait,
 * ppoll or pselect, the mask of that wait (which is what the kernel sets for the wait).
 */
export function blockedNow(t: GuestThread): bigint {
  const wait = t.wait;
  return t.state === 'blocked' && wait !== null && wait.restarts ? wait.mask : t.mask;
}

/** The process's main thread (whose tid is the pid) while it lives, else null. */
function mainThread(k: LinuxKernel): GuestThread | null {
  const first = k.threads[0];
  return first !== undefined && first.tid === k.pid && first.state !== 'dead' ? first : null;
}

/** The process's pending signals that `t` leaves to the main thread (a bit set, possibly negative). */
export function leftToMain(t: GuestThread): bigint {
  const main = mainThread(t.process);
  return main === null || main === t ? 0n : ~blockedNow(main);
}

/** Sends `signo` to process `k` as a whole; zombies take nothing. */
export function postToProcess(k: LinuxKernel, signo: number, info: Uint8Array): void {
  if (k.state !== 'alive') return;
  prepareSignal(k, signo);
  // Whether it is ignored or kept depends on the main thread's mask, as the kernel asks the leader.
  k.signals.post(signo, info, null, (mainThread(k) ?? k.thread).mask);
}

/** Sends `signo` to thread `t` alone (the process's stop and continue still apply to all). */
export function postToThread(t: GuestThread, signo: number, info: Uint8Array): void {
  const k = t.process;
  if (k.state !== 'alive' || t.state === 'dead') return;
  prepareSignal(k, signo);
  k.signals.post(signo, info, t, t.mask);
}

/**
 * Before a blocked thread is woken for a signal: a stop signal with the default action that it
 * would take stops its process there, and its call goes on waiting — as in the kernel, where the
 * call is restarted once the process is continued and no handler ran (sleeps, polls, sigsuspend
 * and waits alike), so the guest never sees it end early.
 */
export function stopWhileBlocked(t: GuestThread): void {
  const wait = t.wait;
  const k = t.process;
  if (t.state !== 'blocked' || wait === null || !wait.restarts || k.stopped) return;
  const s = k.signals;
  for (;;) {
    const signo = s.next(wait.mask, leftToMain(t), t);
    if (signo === 0 || !(sigbit(signo) & STOP_SIGNALS) || s.action(signo).handler !== SIG_DFL) return;
    if (sigbit(signo) & wait.takes) return;
    s.take(signo, t);
    if (stopProcess(k, signo)) return;
  }
}
