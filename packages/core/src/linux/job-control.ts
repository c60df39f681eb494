import { SIGNALS } from '../signals.js';
import type { LinuxKernel } from './kernel.js';
import { CLD_CONTINUED, CLD_STOPPED, jobInfo, SI, senderInfo } from './siginfo.js';
import { sigbit } from './signal-state.js';
import { interruptWaitsForStop, restartWaitsAfterContinue } from './stop-restart.js';
import { terminalsOf } from './terminal/registry.js';

/**
 * Job control: a stop signal's default action stops every thread of a process until SIGCONT
 * continues it, and its parent hears of both (SIGCHLD with CLD_STOPPED or CLD_CONTINUED, and
 * wait's WUNTRACED and WCONTINUED reports). The scheduler runs no thread of a stopped process.
 */

/** SIGSTOP, SIGTSTP, SIGTTIN and SIGTTOU. */
export const STOP_SIGNALS =
  sigbit(SIGNALS.SIGSTOP) | sigbit(SIGNALS.SIGTSTP) | sigbit(SIGNALS.SIGTTIN) | sigbit(SIGNALS.SIGTTOU);

/** sa_flags' SA_NOCLDSTOP: the parent gets no SIGCHLD when a child stops or continues. */
const SA_NOCLDSTOP = 1;

/**
 * What sending `signo` to `k` does before it is queued, as the kernel's prepare_signal: a stop
 * signal discards a pending SIGCONT; SIGCONT discards pending stop signals and continues a
 * stopped process, even when it is blocked or ignored; SIGKILL lets a stopped process run on,
 * to die.
 */
export function prepareSignal(k: LinuxKernel, signo: number): void {
  const bit = sigbit(signo);
  if (bit & STOP_SIGNALS) k.signals.discard(sigbit(SIGNALS.SIGCONT));
  else if (signo === SIGNALS.SIGCONT) {
    k.signals.discard(STOP_SIGNALS);
    if (k.stopped) continueProcess(k);
  } else if (signo === SIGNALS.SIGKILL && k.stopped) {
    k.stopped = false;
    k.jobReport = null;
  }
}

/**
 * A stop signal's default action was taken by a thread of `k`: the process stops, and a wait
 * with WUNTRACED may report it once. Returns false when the signal is discarded instead: as the
 * kernel does, SIGTSTP, SIGTTIN and SIGTTOU do not stop a process in an orphaned process
 * group (nobody in its session outside the group could continue it), and a process without a
 * scheduler has nothing to continue it either.
 */
export function stopProcess(k: LinuxKernel, signo: number): boolean {
  if (k.system === null) return false;
  if (signo !== SIGNALS.SIGSTOP && inOrphanedGroup(k)) {
    if (suspendHostFor(k)) continueGroupAfterHost(k);
    return false;
  }
  k.stopped = true;
  interruptWaitsForStop(k);
  k.stopSignal = signo;
  k.jobReport = 'stopped';
  notifyParent(k, CLD_STOPPED, signo);
  return true;
}

/**
 * The run's own job — the first process's group, whose parent is the host's shell — takes a
 * stop signal: when the host can suspend the run (its terminal is attached with a suspend
 * hook), the whole run stops there as the program would under the kernel, and the shell's
 * `fg` continues it. Returns whether it did.
 */
function suspendHostFor(k: LinuxKernel): boolean {
  const system = k.system;
  const suspend = terminalsOf(k).suspendHost;
  if (system === null || suspend === null) return false;
  const ownJob = [...system.processes.values()].some((p) => p.pgid === k.pgid && system.isFirst(p));
  if (!ownJob) return false;
  suspend();
  return true;
}

/** The run went on after the host continued it: its job gets SIGCONT, as from the shell's fg. */
function continueGroupAfterHost(k: LinuxKernel): void {
  for (const p of k.system?.processes.values() ?? [])
    if (p.state === 'alive' && p.pgid === k.pgid)
      p.postSignal(SIGNALS.SIGCONT, senderInfo(SIGNALS.SIGCONT, SI.USER, 0, 0));
}

/** SIGCONT reached stopped `k`: its threads run again, and a wait with WCONTINUED may report it once. */
function continueProcess(k: LinuxKernel): void {
  k.stopped = false;
  restartWaitsAfterContinue(k);
  k.jobReport = 'continued'; // a stop not yet reported is not reported any more
  notifyParent(k, CLD_CONTINUED, SIGNALS.SIGCONT);
}

/** SIGCHLD for a stop or a continue, unless the parent asked for none (SA_NOCLDSTOP). */
function notifyParent(k: LinuxKernel, code: number, status: number): void {
  const parent = k.parent;
  if (parent === null || parent.state !== 'alive') return;
  if (parent.signals.action(SIGNALS.SIGCHLD).flags & SA_NOCLDSTOP) return;
  parent.postSignal(SIGNALS.SIGCHLD, jobInfo(k.pid, k.credentials.user.real, code, status));
}

/**
 * Whether `k`'s process group is orphaned: no member has a living parent in another group of
 * the same session. (The run's first process has no parent here, so its group is orphaned
 * until a member's parent is in another group of the session.)
 */
export function inOrphanedGroup(k: LinuxKernel): boolean {
  const processes = k.system ? k.system.processes.values() : [k];
  for (const p of processes) {
    if (p.state !== 'alive' || p.pgid !== k.pgid) continue;
    const parent = p.parent;
    if (parent !== null && parent.state === 'alive' && parent.pgid !== p.pgid && parent.sid === p.sid)
      return false;
  }
  return true;
}

/** Whether a live process of group `pgid` is stopped. */
function hasStoppedJobs(k: LinuxKernel, pgid: number): boolean {
  for (const p of k.system?.processes.values() ?? [])
    if (p.state === 'alive' && p.pgid === pgid && p.stopped) return true;
  return false;
}

/**
 * `k` ended (its children already went to their new parent): a process group that its end left
 * orphaned with stopped members gets SIGHUP and SIGCONT, as the kernel's kill_orphaned_pgrp, so
 * that nothing stays stopped with nobody to continue it — `k`'s own group when `k` was its link
 * to the rest of the session, and each group of its children that `k` was the link to.
 */
export function hangUpOrphanedGroups(k: LinuxKernel, formerChildren: readonly LinuxKernel[]): void {
  const links: [LinuxKernel, LinuxKernel | null][] = [
    [k, k.parent],
    ...formerChildren.map((c) => [c, k] as [LinuxKernel, LinuxKernel]),
  ];
  const done = new Set<number>();
  for (const [member, link] of links) {
    if (link === null || link.pgid === member.pgid || link.sid !== member.sid || done.has(member.pgid))
      continue;
    done.add(member.pgid);
    if (!inOrphanedGroup(member) || !hasStoppedJobs(k, member.pgid)) continue;
    for (const p of k.system?.processes.values() ?? []) {
      if (p.state !== 'alive' || p.pgid !== member.pgid) continue;
      p.postSignal(SIGNALS.SIGHUP, senderInfo(SIGNALS.SIGHUP, SI.KERNEL, 0, 0));
      p.postSignal(SIGNALS.SIGCONT, senderInfo(SIGNALS.SIGCONT, SI.KERNEL, 0, 0));
    }
  }
}
