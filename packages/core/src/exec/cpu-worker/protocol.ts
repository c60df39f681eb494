/**
 * What the kernel's thread and a CPU worker say to each other. The kernel's thread sends a guest
 * thread (its registers) to run over its process's shared memory; the worker runs it until it
 * needs the kernel — a system call, a fault, a page touched for the first time, a store to code —
 * or is told to stop, and sends the registers back, with the PC where the kernel's thread goes on.
 */
import type { Executor } from '../../machine.js';

export interface RunRequest {
  readonly type: 'run';
  /** Names the memory across messages: the worker keeps one machine per memory. */
  readonly memoryId: number;
  /** The process's memory (a shared WebAssembly.Memory); sent with every request, cheap to clone. */
  readonly memory: object;
  /** The architecture's name and variant, for the worker's loader (see `serveCpuWorker`). */
  readonly arch: string;
  readonly variant: string | undefined;
  readonly executor: Executor;
  readonly optimize: boolean;
  /** The register file, as the CPU's `u8` view holds it. */
  readonly registers: Uint8Array;
}

/** The machine for a memory no process uses any more can go. */
export interface ForgetRequest {
  readonly type: 'forget';
  readonly memoryId: number;
}

export type WorkerRequest = RunRequest | ForgetRequest;

/**
 * Why a thread came back: `kernel` — its PC is at an instruction only the kernel's thread may
 * run (a system call, a faulting access: running it again there does it properly); `stopped` —
 * the kernel's thread asked (a signal, the process's end) and it stopped between instructions.
 */
export type ReturnReason = 'kernel' | 'stopped';

export interface RunReply {
  readonly type: 'ran';
  readonly registers: Uint8Array;
  readonly reason: ReturnReason;
  /** What happened, for diagnostics (`a system call`, the fault's text). */
  readonly detail: string;
  /** Guest instructions it ran, and for how long (µs of the worker's wall time). */
  readonly instructions: number;
  readonly micros: number;
}

export interface FailedReply {
  readonly type: 'failed';
  readonly message: string;
}

export type WorkerReply = RunReply | FailedReply;

/**
 * Int32 words of the control buffer every worker shares with the kernel's thread: a stop flag per
 * worker (index = its CPU number), and a counter the workers raise and notify whenever they reply,
 * which the kernel's thread waits on when it has nothing else to run.
 */
export const REPLIES_WORD = 0;
export const stopWord = (cpu: number): number => cpu;
export const CONTROL_WORDS = 8;
