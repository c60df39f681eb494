import type { LinuxKernel } from './kernel.js';
import { addOverruns, type Expiry, type PosixTimer } from './posix-timers.js';
import { SIGINFO_SIZE } from './siginfo.js';
import { postToProcess, postToThread } from './signal-routing.js';

/** si_code of a POSIX timer's signal. */
const SI_TIMER = -2;
/** siginfo's _timer fields: si_tid (the timer's id), si_overrun, si_value. */
const SI_TIMERID = 16;
const SI_OVERRUN = 20;
const SI_VALUE = 24;

/** The siginfo of a timer's signal (SI_TIMER with its id, overruns and sigev_value). */
function timerInfo(expiry: Expiry, overrun: number): Uint8Array {
  const { timer } = expiry;
  const info = new Uint8Array(SIGINFO_SIZE);
  const v = new DataView(info.buffer);
  v.setInt32(0, timer.signo, true);
  v.setInt32(8, SI_TIMER, true);
  v.setInt32(SI_TIMERID, timer.id, true);
  v.setInt32(SI_OVERRUN, overrun, true);
  v.setBigUint64(SI_VALUE, timer.value, true);
  return info;
}

/**
 * Sends the signals of the POSIX timers that expired by now. As in the kernel a timer has one
 * signal queued at a time: expiries while it is still pending add to its si_overrun instead.
 */
export function expirePosixTimers(k: LinuxKernel, time: bigint): void {
  for (const expiry of k.posixTimers.expire(time)) {
    const { timer, missed } = expiry;
    const queued = timer.queued;
    if (queued !== null && k.signals.isQueued(timer.signo, queued)) {
      const v = new DataView(queued.buffer);
      v.setInt32(SI_OVERRUN, addOverruns(v.getInt32(SI_OVERRUN, true), missed), true);
      continue;
    }
    if (queued !== null) timer.overrunLast = overrunOf(queued); // it was delivered
    const info = timerInfo(expiry, missed - 1);
    timer.queued = info;
    const thread = timer.tid === null ? undefined : k.threads.find((t) => t.tid === timer.tid);
    if (thread !== undefined && thread.state !== 'dead') postToThread(thread, timer.signo, info);
    else postToProcess(k, timer.signo, info);
  }
}

function overrunOf(info: Uint8Array): number {
  return new DataView(info.buffer).getInt32(SI_OVERRUN, true);
}

/** timer_getoverrun: the overruns of the timer's last signal taken (delivered or waited for). */
export function lastOverrun(k: LinuxKernel, timer: PosixTimer): number {
  const queued = timer.queued;
  if (queued !== null && !k.signals.isQueued(timer.signo, queued)) return overrunOf(queued);
  return timer.overrunLast;
}

/** Re-arming or deleting a timer withdraws the signal it has pending and forgets its overruns. */
export function forgetQueued(k: LinuxKernel, timer: PosixTimer): void {
  if (timer.queued !== null) k.signals.unqueue(timer.signo, timer.queued);
  timer.queued = null;
  timer.overrunLast = 0;
}
