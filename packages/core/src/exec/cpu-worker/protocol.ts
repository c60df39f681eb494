/**
 * What the kernel's thread and a CPU worker say to each other. The kernel's thread puts a guest
 * thread's registers in the worker's register file in the process's shared memory and raises the
 * worker's request word; the worker runs the thread until it needs the kernel — a system call, a
 * fault, a page touched for the first time, a store to code — or is told to stop, writes why in
 * its reply words, and raises the reply counter. Its registers stay in the memory, with the PC
 * where the kernel's thread goes on.
 *
 * Requests and replies go through a shared control buffer, not messages: posting to a port whose
 * worker is running JavaScript waits for it (milliseconds each time). Only what is rare travels as
 * a message, ahead of the request that needs it: a memory the worker has not seen, or one it
 * may forget.
 */
import type { Executor } from '../../machine.js';

/** A memory the worker is to run threads in, sent once per worker before the first request for it. */
export interface MemoryMessage {
  readonly type: 'memory';
  readonly memoryId: number;
  /** The process's memory (a shared WebAssembly.Memory). */
  readonly memory: object;
  /** The architecture's name and variant, for the worker's loader (see `serveCpuWorker`). */
  readonly arch: string;
  readonly variant: string | undefined;
  readonly executor: Executor;
  readonly optimize: boolean;
}

/** The machine for a memory no process uses any more can go. */
export interface ForgetMessage {
  readonly type: 'forget';
  readonly memoryId: number;
}

export type WorkerMessage = MemoryMessage | ForgetMessage;

/**
 * Why a thread came back: `kernel` — its PC is at an instruction only the kernel's thread may
 * run (a system call, a faulting access: running it again there does it properly); `stopped` —
 * the kernel's thread asked (a signal, the process's end), or its time ran out, and it stopped
 * between instructions; `failed` — the worker itself failed (its message follows as a message).
 */
export const REASONS = ['kernel', 'stopped', 'failed'] as const;
export type ReturnReason = (typeof REASONS)[number];

/** Int32 word of the control buffer that counts replies (every worker raises and notifies it). */
export const REPLIES_WORD = 0;
/** Words per worker, from `cpu * WORKER_WORDS`: */
const WORKER_WORDS = 16;
/** The request counter the worker waits on. */
export const requestWord = (cpu: number): number => cpu * WORKER_WORDS;
/** Set to ask the worker for its thread back. */
export const stopWord = (cpu: number): number => cpu * WORKER_WORDS + 1;
/** The memory the request is for. */
export const memoryWord = (cpu: number): number => cpu * WORKER_WORDS + 2;
/** The reply: an index into REASONS, instructions run (low and high halves), microseconds. */
export const reasonWord = (cpu: number): number => cpu * WORKER_WORDS + 3;
export const instructionsWord = (cpu: number): number => cpu * WORKER_WORDS + 4;
export const microsWord = (cpu: number): number => cpu * WORKER_WORDS + 6;
/** The last request the worker finished (raised after the reply words are written). */
export const doneWord = (cpu: number): number => cpu * WORKER_WORDS + 7;
/**
 * Set by the worker once it waits for requests. Until then it is loading its code (a tenth of a
 * second or more), and a message posted to it would hold the kernel's thread until it is done.
 */
export const readyWord = (cpu: number): number => cpu * WORKER_WORDS + 8;
export const CONTROL_WORDS = 4 * WORKER_WORDS;
