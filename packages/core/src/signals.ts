/** Linux signal numbers (the same on x86_64, aarch64 and riscv64 for these). */
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
} as const;

export type SignalName = keyof typeof SIGNALS;

export function signalName(signo: number): string {
  for (const [name, n] of Object.entries(SIGNALS)) if (n === signo) return name;
  return `signal ${signo}`;
}

/**
 * Thrown (by memory, helpers or the machine) to end the guest with a signal, the way the kernel
 * would when no handler is installed. `detail` is the one-line report, e.g. the fault address.
 */
export class GuestSignal extends Error {
  readonly code: string = 'GUEST_SIGNAL';
  /** Guest PC of the instruction that raised it, when known. */
  pc: bigint | null = null;
  constructor(
    readonly signal: SignalName,
    readonly detail: string,
  ) {
    super(`${signal}: ${detail}`);
    this.name = 'GuestSignal';
  }
  get signo(): number {
    return SIGNALS[this.signal];
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
