import type { Cpu } from '../cpu/cpu.js';
import { GuestFault, GuestSignal, NSIG, SIGNALS, signalName } from '../signals.js';
import { stopProcess } from './job-control.js';
import type { LinuxKernel } from './kernel.js';
import { mapTrampoline } from './process-image.js';
import { Reschedule } from './scheduling.js';
import {
  BUS_ADRALN,
  FPE_INTDIV,
  faultInfo,
  ILL_ILLOPC,
  SEGV_ACCERR,
  SEGV_MAPERR,
  TRAP_BRKPT,
} from './siginfo.js';
import { leftToMain } from './signal-routing.js';
import {
  defaultAction,
  SA,
  SIG_DFL,
  SIG_IGN,
  SS_AUTODISARM,
  SS_DISABLE,
  sigbit,
  UNBLOCKABLE,
} from './signal-state.js';

const hex = (v: bigint) => `0x${v.toString(16)}`;
const EINTR = 4;

/**
 * The address handlers return to without SA_RESTORER: the trampoline page exec mapped, or (for a
 * kernel whose memory was not laid out by exec) one mapped now.
 */
function trampoline(k: LinuxKernel, code: Uint8Array): bigint {
  const s = k.signals;
  s.trampoline ??= k.layout?.trampoline ?? mapTrampoline(k.memory, code, k.arch.pageSize);
  return s.trampoline;
}

/**
 * Acts on one signal taken from the pending set (or a fault): ignores it, ends the guest with
 * it (throws a fatal GuestSignal), stops the process (returns 'stop'), or builds the handler's
 * frame and points the CPU at it, with the kernel's mask, SA_RESETHAND, SA_ONSTACK and
 * SS_AUTODISARM rules.
 */
function enter(
  k: LinuxKernel,
  cpu: Cpu,
  signo: number,
  info: Uint8Array,
  resumePc: bigint,
  faultAddress: bigint,
): 'stop' | undefined {
  const s = k.signals;
  const action = s.action(signo);
  if (action.handler === SIG_IGN) return;
  if (action.handler === SIG_DFL) {
    const what = defaultAction(signo);
    if (what === 'terminate' || what === 'core')
      throw GuestSignal.fatal(signo, `killed by ${signalName(signo)}`);
    if (what === 'stop' && stopProcess(k, signo)) {
      k.traceLine(`--- stopped by ${signalName(signo)} ---`);
      return 'stop';
    }
    return;
  }
  const frames = k.arch.signals;
  if (!frames) throw GuestSignal.fatal(signo, `${k.arch.name} has no signal frames to run the handler`);
  const sp = cpu.regs[k.arch.registers.sp];
  const alt = s.altStack;
  const useAlt = (action.flags & SA.ONSTACK) !== 0 && alt.size > 0n && !s.onAltStack(sp);
  const restorer = action.flags & SA.RESTORER ? action.restorer : trampoline(k, frames.trampoline);
  try {
    frames.pushFrame(cpu, k.memory, {
      signo,
      handler: action.handler,
      withInfo: (action.flags & SA.SIGINFO) !== 0,
      siginfo: info,
      restorer,
      stackTop: useAlt ? alt.sp + alt.size : sp,
      resumePc,
      mask: s.savedMask ?? s.mask,
      altStack: alt,
      faultAddress,
    });
  } catch (error) {
    if (!(error instanceof GuestFault)) throw error;
    // The kernel's force_sigsegv: a frame that cannot be written kills with SIGSEGV.
    throw GuestSignal.fatal(SIGNALS.SIGSEGV, `cannot write the ${signalName(signo)} frame below ${hex(sp)}`);
  }
  k.traceLine(
    `--- ${signalName(signo)} delivered to handler ${hex(action.handler)}, resuming at ${hex(resumePc)} ---`,
  );
  // SS_AUTODISARM: the frame saved the alternate stack; it is disarmed until sigreturn restores it.
  if (alt.flags & SS_AUTODISARM) s.altStack = { sp: 0n, size: 0n, flags: SS_DISABLE };
  s.mask = (s.mask | action.mask | (action.flags & SA.NODEFER ? 0n : sigbit(signo))) & ~UNBLOCKABLE;
  s.savedMask = null;
  if (action.flags & SA.RESETHAND) s.resetToDefault(signo);
}

/** Steps back over the system call instruction with its first argument, to run it again. */
function rewind(k: LinuxKernel, cpu: Cpu, arg0: bigint): void {
  const convention = k.arch.syscalls;
  cpu.regs[convention.args[0]] = arg0;
  cpu.pc -= BigInt(convention.instructionBytes ?? 4);
}

/**
 * On the way back to the guest: delivers every pending signal the mask allows, lowest first
 * (each handler's frame stacks on the previous one, so the last delivered runs first, as on
 * Linux). Throws a fatal GuestSignal when one ends the guest. `restart` is the first argument
 * of a system call a signal interrupted (ERESTARTSYS): it runs again after a handler with
 * SA_RESTART, or when no handler runs; otherwise it fails with EINTR.
 *
 * A stop signal's default action stops the process: the thread gives up the CPU (Reschedule),
 * and the rest — further signals, the restart or EINTR of the interrupted call — happens when
 * the process is continued (`LinuxKernel.beforeSlice`), as the kernel goes on in get_signal.
 */
export function deliverPending(k: LinuxKernel, cpu: Cpu, restart: bigint | null = null): void {
  const s = k.signals;
  const leave = leftToMain(k.thread);
  let stopped = false;
  try {
    for (let signo = s.next(s.mask, leave); signo !== 0; signo = s.next(s.mask, leave)) {
      const action = s.action(signo);
      if (restart !== null && action.handler !== SIG_DFL && action.handler !== SIG_IGN) {
        if (action.flags & SA.RESTART) rewind(k, cpu, restart);
        else cpu.regs[k.arch.syscalls.result] = BigInt.asUintN(64, BigInt(-EINTR));
        restart = null;
      }
      if (enter(k, cpu, signo, s.take(signo), cpu.pc, 0n) === 'stop') {
        stopped = true;
        break;
      }
    }
  } finally {
    if (s.savedMask !== null && !stopped) {
      s.mask = s.savedMask;
      s.savedMask = null;
    }
  }
  if (stopped) {
    k.thread.restartAfterStop = restart;
    throw new Reschedule();
  }
  if (restart !== null) rewind(k, cpu, restart);
}

/** si_code, si_addr and the context's fault address of a synchronous signal. */
function describeFault(k: LinuxKernel, error: GuestSignal, pc: bigint): [number, bigint, bigint] {
  if (error instanceof GuestFault) {
    const addr = error.address;
    const mapped = addr < 1n << 48n && k.memory.isMapped(Number(addr), 1);
    return [mapped ? SEGV_ACCERR : SEGV_MAPERR, addr, addr];
  }
  switch (error.signo) {
    case SIGNALS.SIGILL:
      return [ILL_ILLOPC, pc, 0n];
    case SIGNALS.SIGTRAP:
      return [TRAP_BRKPT, pc, 0n];
    case SIGNALS.SIGBUS:
      return [BUS_ADRALN, pc, pc];
    case SIGNALS.SIGFPE:
      return [FPE_INTDIV, pc, 0n];
    default:
      return [0x80, 0n, 0n]; // SI_KERNEL
  }
}

/**
 * A synchronous signal raised by an instruction (a fault, an undefined encoding, a breakpoint).
 * Delivers it to the guest's handler and returns null, or returns the signal that ends the guest:
 * as the kernel's force_sig, a blocked, ignored or default-handled fault kills.
 */
export function deliverFault(k: LinuxKernel, cpu: Cpu, error: GuestSignal): GuestSignal | null {
  if (error.fatal) return error;
  const signo = error.signo;
  if (signo < 1 || signo > NSIG) return error;
  const s = k.signals;
  const { handler } = s.action(signo);
  if (s.mask & sigbit(signo) || handler === SIG_IGN || handler === SIG_DFL) return error;
  const pc = error.pc ?? cpu.pc;
  const [code, address, faultAddress] = describeFault(k, error, pc);
  try {
    enter(k, cpu, signo, faultInfo(signo, code, address), pc, faultAddress);
    deliverPending(k, cpu);
  } catch (failure) {
    if (failure instanceof GuestSignal) return failure;
    if (failure instanceof Reschedule) return null; // stopped: the handler runs once continued
    throw failure;
  }
  return null;
}
