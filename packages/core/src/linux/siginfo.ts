/** `siginfo_t` (128 bytes, the same layout on every 64-bit Linux architecture) and its codes. */

export const SIGINFO_SIZE = 128;

/** si_code values. */
export const SI = {
  USER: 0, // kill()
  KERNEL: 0x80,
  TKILL: -6, // tkill(), tgkill(), raise()
} as const;
export const SEGV_MAPERR = 1;
export const SEGV_ACCERR = 2;
export const BUS_ADRALN = 1;
export const ILL_ILLOPC = 1;
export const TRAP_BRKPT = 1;
export const FPE_INTDIV = 1;
export const CLD_EXITED = 1;
export const CLD_KILLED = 2;
export const CLD_DUMPED = 3;
export const CLD_STOPPED = 5;
export const CLD_CONTINUED = 6;

/** A signal sent by a process (kill, tgkill, raise, SIGPIPE from write): sender's pid and uid. */
export function senderInfo(signo: number, code: number, pid: number, uid: number): Uint8Array {
  const info = new Uint8Array(SIGINFO_SIZE);
  const v = new DataView(info.buffer);
  v.setInt32(0, signo, true);
  v.setInt32(8, code, true);
  v.setInt32(16, pid, true);
  v.setUint32(20, uid, true);
  return info;
}

/** A synchronous fault (SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE) at `address`. */
export function faultInfo(signo: number, code: number, address: bigint): Uint8Array {
  const info = new Uint8Array(SIGINFO_SIZE);
  const v = new DataView(info.buffer);
  v.setInt32(0, signo, true);
  v.setInt32(8, code, true);
  v.setBigUint64(16, BigInt.asUintN(64, address), true);
  return info;
}

/**
 * What SIGCHLD carries when a child ends: CLD_EXITED with its status, or CLD_KILLED/CLD_DUMPED
 * with the signal, from wait(2)'s status word.
 */
export function childInfo(signo: number, pid: number, uid: number, waitStatus: number): Uint8Array {
  const info = senderInfo(signo, 0, pid, uid);
  const v = new DataView(info.buffer);
  const termsig = waitStatus & 0x7f;
  v.setInt32(8, termsig === 0 ? CLD_EXITED : waitStatus & 0x80 ? CLD_DUMPED : CLD_KILLED, true);
  v.setInt32(24, termsig === 0 ? (waitStatus >> 8) & 0xff : termsig, true);
  return info;
}

/** What SIGCHLD (and waitid) carries when a child stops (CLD_STOPPED, the stop signal) or is continued (CLD_CONTINUED, SIGCONT). */
export function jobInfo(pid: number, uid: number, code: number, status: number): Uint8Array {
  const info = senderInfo(17, code, pid, uid);
  new DataView(info.buffer).setInt32(24, status, true);
  return info;
}
