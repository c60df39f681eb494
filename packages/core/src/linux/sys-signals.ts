import type { Cpu } from '../cpu/cpu.js';
import { GuestFault, GuestSignal, NSIG, SIGNALS } from '../signals.js';
import { CAP } from './capabilities.js';
import { E, fail } from './errno.js';
import { int, type LinuxKernel, ptr } from './kernel.js';
import { SYS } from './numbers.js';
import { FAIL_AFTER_STOP } from './scheduling.js';
import { SI, SIGINFO_SIZE, senderInfo } from './siginfo.js';
import { postToThread } from './signal-routing.js';
import { type SigAction, sigbit, UNBLOCKABLE } from './signal-state.js';
import type { GuestThread } from './thread.js';
import { readTimespec } from './timespec.js';

const SIGSET_SIZE = 8;

function validSignal(signo: number): boolean {
  return signo >= 1 && signo <= NSIG;
}

/** Decodes `struct sigaction` (with sa_restorer when the architecture's struct is 32 bytes). */
function readSigaction(k: LinuxKernel, addr: number): SigAction {
  const withRestorer = (k.arch.syscalls.sigactionSize ?? 24) === 32;
  return {
    handler: k.memory.read64(addr),
    flags: Number(k.memory.read64(addr + 8) & 0xffffffffn),
    restorer: withRestorer ? k.memory.read64(addr + 16) : 0n,
    mask: k.memory.read64(addr + (withRestorer ? 24 : 16)),
  };
}

function writeSigaction(k: LinuxKernel, addr: number, action: SigAction): void {
  const withRestorer = (k.arch.syscalls.sigactionSize ?? 24) === 32;
  const out = new DataView(new ArrayBuffer(withRestorer ? 32 : 24));
  out.setBigUint64(0, action.handler, true);
  out.setBigUint64(8, BigInt(action.flags >>> 0), true);
  if (withRestorer) out.setBigUint64(16, action.restorer, true);
  out.setBigUint64(withRestorer ? 24 : 16, action.mask, true);
  k.memory.writeBytes(addr, new Uint8Array(out.buffer));
}

function rtSigaction(k: LinuxKernel, signo: number, act: number, oldact: number, size: number): number {
  if (size !== SIGSET_SIZE) fail(E.EINVAL);
  if (!validSignal(signo) || (act !== 0 && sigbit(signo) & UNBLOCKABLE)) fail(E.EINVAL);
  const next = act !== 0 ? readSigaction(k, act) : null; // read before writing: act and oldact may alias
  if (oldact !== 0) writeSigaction(k, oldact, k.signals.action(signo));
  if (next) k.signals.setAction(signo, next);
  return 0;
}

function rtSigprocmask(k: LinuxKernel, how: number, set: number, oldset: number, size: number): number {
  if (size !== SIGSET_SIZE) fail(E.EINVAL);
  const s = k.signals;
  const old = s.mask;
  if (set !== 0) {
    const given = k.memory.read64(set);
    if (how === 0) s.mask |= given;
    else if (how === 1) s.mask &= ~given;
    else if (how === 2) s.mask = given;
    else fail(E.EINVAL);
    s.mask &= ~UNBLOCKABLE;
  }
  if (oldset !== 0) k.memory.write64(oldset, old);
  return 0;
}

function sigaltstack(k: LinuxKernel, cpu: Cpu, ss: number, oldss: number): number {
  const s = k.signals;
  const sp = cpu.regs[k.arch.registers.sp];
  const old = new DataView(new ArrayBuffer(24));
  old.setBigUint64(0, s.altStack.sp, true);
  old.setInt32(8, s.altStackFlags(sp), true);
  old.setBigUint64(16, s.altStack.size, true);
  if (ss !== 0) {
    const next = { sp: k.memory.read64(ss), flags: k.memory.read32(ss + 8), size: k.memory.read64(ss + 16) };
    const errno = s.setAltStack(next, sp, k.arch.signals?.minStackSize ?? 2048);
    if (errno !== 0) fail(errno);
  }
  if (oldss !== 0) k.memory.writeBytes(oldss, new Uint8Array(old.buffer));
  return 0;
}

function rtSigreturn(k: LinuxKernel, cpu: Cpu): bigint {
  const frames = k.arch.signals;
  const bad = () => GuestSignal.fatal(SIGNALS.SIGSEGV, 'rt_sigreturn found no valid signal frame');
  if (!frames) throw bad();
  let restored: ReturnType<typeof frames.popFrame>;
  try {
    restored = frames.popFrame(cpu, k.memory);
  } catch (error) {
    if (error instanceof GuestFault) throw bad();
    throw error;
  }
  if (!restored) throw bad();
  const s = k.signals;
  s.mask = restored.mask & ~UNBLOCKABLE;
  // As restore_altstack: the saved settings come back unless that is refused (e.g. still on it).
  s.setAltStack(restored.altStack, cpu.regs[k.arch.registers.sp], k.arch.signals?.minStackSize ?? 2048);
  return cpu.regs[k.arch.syscalls.result];
}

function readTimeout(k: LinuxKernel, addr: number): bigint | null {
  return addr === 0 ? null : readTimespec(k, addr);
}

function rtSigtimedwait(k: LinuxKernel, set: number, info: number, timeout: number, size: number): number {
  if (size !== SIGSET_SIZE) fail(E.EINVAL);
  const wanted = k.memory.read64(set) & ~UNBLOCKABLE;
  const ns = readTimeout(k, timeout);
  let signo = k.signals.next(~wanted);
  if (signo === 0) {
    // Wake for a waited-for signal even if blocked, or for any other one that is not.
    const deadline = k.deadline(ns);
    const waitMask = k.signals.mask & ~wanted;
    const what = 'sigtimedwait for signals nothing can send';
    // A stop and continue end the wait with EINTR, as in the kernel (signal(7)).
    if (k.block(deadline, what, waitMask, null, wanted, FAIL_AFTER_STOP) === 'timeout') fail(E.EAGAIN);
    signo = k.signals.next(~wanted);
    if (signo === 0) fail(E.EINTR);
  }
  const siginfo = k.signals.take(signo);
  if (info !== 0) k.memory.writeBytes(info, siginfo);
  return signo;
}

function rtSigsuspend(k: LinuxKernel, set: number, size: number): number {
  if (size !== SIGSET_SIZE) fail(E.EINVAL);
  const s = k.signals;
  const temporary = k.memory.read64(set) & ~UNBLOCKABLE;
  k.block(null, 'sigsuspend with no signal that can arrive', temporary);
  // The pending signal is delivered on the way out; its frame restores the original mask.
  s.savedMask = s.mask;
  s.mask = temporary;
  fail(E.EINTR);
}

/** The live guest processes a kill(2) pid names: one, a process group, or all but the caller. */
function killTargets(k: LinuxKernel, pid: number): LinuxKernel[] {
  const all = k.system ? [...k.system.processes.values()] : [k];
  const alive = all.filter((p) => p.state !== 'reaped');
  if (pid > 0) return alive.filter((p) => p.pid === pid);
  if (pid === 0) return alive.filter((p) => p.pgid === k.pgid);
  if (pid === -1) return alive.filter((p) => p !== k && !k.system?.isFirst(p));
  return alive.filter((p) => p.pgid === -pid);
}

/**
 * Posts `signo` (0: only checks) to process `target` with the sender's siginfo; zombies take
 * nothing. EPERM when the sender may not signal the target.
 */
function send(k: LinuxKernel, target: LinuxKernel, signo: number, code: number): void {
  if (!maySignal(k, target, signo)) fail(E.EPERM);
  if (signo !== 0) target.postSignal(signo, senderInfo(signo, code, k.pid, k.credentials.user.real));
}

/**
 * The kernel's kill permission: the sender's real or effective uid is the target's real or
 * saved one, or it holds CAP_KILL; SIGCONT may always go to the sender's own session.
 */
function maySignal(k: LinuxKernel, target: LinuxKernel, signo: number): boolean {
  const from = k.credentials;
  const to = target.credentials.user;
  if (from.capable(CAP.KILL) || (signo === SIGNALS.SIGCONT && target.sid === k.sid)) return true;
  return [from.user.real, from.user.effective].some((id) => id === to.real || id === to.saved);
}

/**
 * pidfd_send_signal's delivery to process `target`: as kill(2), or with the caller's own siginfo
 * (`infoAddr` ≠ 0) as rt_sigqueueinfo, whose si_signo must be `signo` and which may claim to come
 * from the kernel, kill or tkill only when the caller signals itself.
 */
export function signalThroughPidfd(
  k: LinuxKernel,
  target: LinuxKernel,
  signo: number,
  infoAddr: number,
): void {
  if (signo < 0 || signo > NSIG) fail(E.EINVAL);
  if (infoAddr === 0) {
    send(k, target, signo, SI.USER);
    return;
  }
  const info = k.memory.readBytes(infoAddr, SIGINFO_SIZE);
  const view = new DataView(info.buffer, info.byteOffset);
  if (view.getInt32(0, true) !== signo) fail(E.EINVAL);
  if (impersonates(view.getInt32(8, true)) && target !== k) fail(E.EPERM);
  if (!maySignal(k, target, signo)) fail(E.EPERM);
  if (signo !== 0) target.postSignal(signo, info);
}

/** Thread `tid` (in thread group `tgid`, unless that is -1), or ESRCH. */
function threadTarget(k: LinuxKernel, tgid: number, tid: number): GuestThread {
  const thread = k.system?.thread(tid) ?? (tid === k.thread.tid ? k.thread : undefined);
  if (!thread || (tgid !== -1 && thread.process.pid !== tgid)) fail(E.ESRCH);
  return thread;
}

/** Posts `signo` (0: only checks) to thread `target` alone, as tkill and tgkill. */
function sendToThread(k: LinuxKernel, target: GuestThread, signo: number): void {
  if (!maySignal(k, target.process, signo)) fail(E.EPERM);
  if (signo !== 0) postToThread(target, signo, senderInfo(signo, SI.TKILL, k.pid, k.credentials.user.real));
}

/** si_code values only the kernel, kill and tkill may send (SI_TKILL, and every code ≥ 0). */
function impersonates(code: number): boolean {
  return code >= 0 || code === SI.TKILL;
}

/**
 * rt_sigqueueinfo / rt_tgsigqueueinfo: a signal with the caller's own siginfo (sigqueue's value),
 * checked as the kernel checks it: a siginfo that claims to come from the kernel, kill or tkill
 * may only go to the caller itself (EPERM, even for root); then ESRCH for no such process or
 * thread, EINVAL for a bad signal, and kill's permission by credentials.
 */
function queueInfo(k: LinuxKernel, pids: number[], signo: number, infoAddr: number): number {
  const info = k.memory.readBytes(infoAddr, SIGINFO_SIZE);
  const view = new DataView(info.buffer, info.byteOffset);
  view.setInt32(0, signo, true); // the kernel overwrites si_signo
  const code = view.getInt32(8, true);
  if (pids.length === 2) {
    const [tgid, tid] = pids;
    if (tgid <= 0 || tid <= 0) fail(E.EINVAL);
    if (impersonates(code) && tid !== k.thread.tid) fail(E.EPERM);
    const thread = threadTarget(k, tgid, tid);
    if (signo < 0 || signo > NSIG) fail(E.EINVAL);
    if (code <= 0 && !maySignal(k, thread.process, signo)) fail(E.EPERM);
    if (signo !== 0) postToThread(thread, signo, info);
    return 0;
  }
  const pid = pids[0];
  if (impersonates(code) && pid !== k.pid) fail(E.EPERM);
  const target = pid > 0 ? killTargets(k, pid)[0] : undefined;
  if (!target) fail(E.ESRCH);
  if (signo < 0 || signo > NSIG) fail(E.EINVAL);
  // A positive si_code (possible only to itself) is the kernel's: no permission check.
  if (code <= 0 && !maySignal(k, target, signo)) fail(E.EPERM);
  if (signo !== 0) target.postSignal(signo, info);
  return 0;
}

/** Registers signal dispositions, masks, the alternate stack, sending and rt_sigreturn. */
/** Whether the host has a process `pid` (signal 0 only checks; EPERM means it exists). */
function hostProcessExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

export function registerSignalSyscalls(k: LinuxKernel): void {
  k.register(SYS.rt_sigaction, (k, a) => rtSigaction(k, int(a[0]), ptr(a[1]), ptr(a[2]), ptr(a[3])));
  k.register(SYS.rt_sigprocmask, (k, a) => rtSigprocmask(k, int(a[0]), ptr(a[1]), ptr(a[2]), ptr(a[3])));
  k.register(SYS.rt_sigpending, (k, a) => {
    if (ptr(a[1]) !== SIGSET_SIZE) fail(E.EINVAL);
    k.memory.write64(ptr(a[0]), k.signals.pending & k.signals.mask);
    return 0;
  });
  k.register(SYS.sigaltstack, (k, a, cpu) => sigaltstack(k, cpu, ptr(a[0]), ptr(a[1])));
  k.register(SYS.rt_sigreturn, (k, _a, cpu) => rtSigreturn(k, cpu));
  k.register(SYS.rt_sigsuspend, (k, a) => rtSigsuspend(k, ptr(a[0]), ptr(a[1])));
  k.register(SYS.rt_sigtimedwait, (k, a) => rtSigtimedwait(k, ptr(a[0]), ptr(a[1]), ptr(a[2]), ptr(a[3])));
  k.register(SYS.rt_sigqueueinfo, (k, a) => queueInfo(k, [int(a[0])], int(a[1]), ptr(a[2])));
  k.register(SYS.rt_tgsigqueueinfo, (k, a) => queueInfo(k, [int(a[0]), int(a[1])], int(a[2]), ptr(a[3])));
  k.register(SYS.kill, (k, a) => {
    const pid = int(a[0]);
    const signo = int(a[1]);
    if (signo < 0 || signo > NSIG || pid === -2147483648) fail(E.EINVAL);
    const targets = killTargets(k, pid);
    if (targets.length === 0) {
      // Host processes outside the guest are out of its reach; no process at all is ESRCH.
      if (pid > 0 && pid !== k.pid && hostProcessExists(pid)) fail(E.EPERM);
      fail(E.ESRCH);
    }
    // A group kill succeeds when any target may be signalled, a broadcast (-1) even when none
    // may (the kernel's rules).
    let allowed = pid === -1 ? 1 : 0;
    for (const target of targets) {
      if (!maySignal(k, target, signo)) continue;
      send(k, target, signo, SI.USER);
      allowed++;
    }
    if (allowed === 0) fail(E.EPERM);
    return 0;
  });
  k.register(SYS.tkill, (k, a) => {
    const signo = int(a[1]);
    if (int(a[0]) <= 0 || signo < 0 || signo > NSIG) fail(E.EINVAL);
    sendToThread(k, threadTarget(k, -1, int(a[0])), signo);
    return 0;
  });
  k.register(SYS.tgkill, (k, a) => {
    const signo = int(a[2]);
    if (int(a[0]) <= 0 || int(a[1]) <= 0 || signo < 0 || signo > NSIG) fail(E.EINVAL);
    sendToThread(k, threadTarget(k, int(a[0]), int(a[1])), signo);
    return 0;
  });
}
