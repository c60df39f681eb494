/** Linux signal numbers 1–31 (the same on x86_64, aarch64 and riscv64). */
export const SIGNALS = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGTRAP: 5,
  SIGABRT: 6,
  SIGBUS: 7,
  SIGFPE: 8,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGSEGV: 11,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
  SIGSTKFLT: 16,
  SIGCHLD: 17,
  SIGCONT: 18,
  SIGSTOP: 19,
  SIGTSTP: 20,
  SIGTTIN: 21,
  SIGTTOU: 22,
  SIGURG: 23,
  SIGXCPU: 24,
  SIGXFSZ: 25,
  SIGVTALRM: 26,
  SIGPROF: 27,
  SIGWINCH: 28,
  SIGIO: 29,
  SIGPWR: 30,
  SIGSYS: 31,
} as const;

export type SignalName = keyof typeof SIGNALS;

/** Highest signal number (real-time signals are 32–64). */
export const NSIG = 64;

/** "SIGSEGV" for 11, "SIGRTMIN+2" for 34 (the kernel's SIGRTMIN is 32). */
export function signalName(signo: number): string {
  for (const [name, n] of Object.entries(SIGNALS)) if (n === signo) return name;
  if (signo >= 32 && signo <= NSIG) return signo === 32 ? 'SIGRTMIN' : `SIGRTMIN+${signo - 32}`;
  return `signal ${signo}`;
}

/**
 * Thrown (by memory, helpers or the machine) when the guest gets a signal: a synchronous one
 * (a fault, an undefined instruction, a breakpoint) that the kernel delivers to a handler if one
 * is installed, or — with `fatal` — one the kernel has decided ends the guest. `detail` is the
 * one-line report, e.g. the fault address.
 */
export class GuestSignal extends Error {
  readonly code: string = 'GUEST_SIGNAL';
  /** Guest PC of the instruction that raised it, when known. */
  pc: bigint | null = null;
  /** The kernel has already decided: the guest dies of this signal (no handler runs). */
  fatal = false;
  private readonly number: number;
  constructor(
    readonly signal: SignalName | string,
    readonly detail: string,
    signo?: number,
  ) {
    super(`${signal}: ${detail}`);
    this.name = 'GuestSignal';
    this.number = signo ?? (SIGNALS as Record<string, number>)[signal] ?? 0;
  }
  get signo(): number {
    return this.number;
  }

  /** The guest dies of signal `signo` (its default action, or a fault it cannot handle). */
  static fatal(signo: number, detail: string): GuestSignal {
    const signal = new GuestSignal(signalName(signo), detail, signo);
    signal.fatal = true;
    return signal;
  }
}

/** A memory access to an unmapped page or without the needed permission (SIGSEGV). */
export class GuestFault extends GuestSignal {
  override readonly code = 'GUEST_FAULT';
  constructor(
    readonly address: bigint,
    readonly access: 'read' | 'write' | 'execute',
  ) {
    super('SIGSEGV', `${access} of unmapped or protected address 0x${address.toString(16)}`);
    this.name = 'GuestFault';
  }
}
