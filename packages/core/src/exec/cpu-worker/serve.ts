/**
 * The CPU worker's side: a `worker_threads` Worker that runs guest threads of the kernel
 * thread's processes on another core (see linux/cpu-workers.ts for the other side). It has a
 * machine per memory, with its own register file and wasm tables in that memory (its CPU area)
 * and its own translations, and it never runs the kernel: whatever needs it sends the thread back.
 */
import type { MessagePort } from 'node:worker_threads';
import type { Architecture } from '../../arch.js';
import type { Cpu } from '../../cpu/cpu.js';
import { Reschedule } from '../../linux/scheduling.js';
import { Machine, type SliceHost } from '../../machine.js';
import { PagedMemory, type WasmMemory } from '../../memory/paged-memory.js';
import type { GuestSignal } from '../../signals.js';
import { InlineCompiler, workerThreads } from '../wasm/module-compiler.js';
import {
  doneWord,
  instructionsWord,
  memoryWord,
  microsWord,
  REASONS,
  REPLIES_WORD,
  type ReturnReason,
  readyWord,
  reasonWord,
  requestWord,
  stopWord,
  type WorkerMessage,
} from './protocol.js';

/** What a worker is started with (`workerData`). */
export interface CpuWorkerData {
  readonly cpu: number;
  readonly control: SharedArrayBuffer;
  /** Where the rare messages come (memories, forgets) and a failure's story goes. */
  readonly port: MessagePort;
}

/** How long a thread runs here before it goes back anyway (so the kernel's thread sees it now and then). */
const SLICE_MS = 50;

/** Stands in for the kernel: every system call and fault ends the run, with the PC to go on from. */
class KernelElsewhere implements SliceHost {
  reason: ReturnReason | null = null;
  /** The code epoch this machine's translations are from; a change drops them. */
  epoch = 0;

  constructor(
    private readonly arch: Architecture,
    private readonly control: Int32Array,
    private readonly cpuIndex: number,
    private readonly memory: PagedMemory,
    private readonly machine: () => Machine,
  ) {}

  syscall(cpu: Cpu): void {
    // Back to the instruction: the kernel's thread runs it.
    cpu.pc -= BigInt(this.arch.syscalls.instructionBytes ?? 4);
    this.leave('kernel');
  }

  deliverFault(cpu: Cpu, signal: GuestSignal): GuestSignal | null {
    if (signal.pc !== null) cpu.pc = signal.pc;
    this.reason = 'kernel';
    return null;
  }

  tick(): void {
    if (Atomics.load(this.control, stopWord(this.cpuIndex)) !== 0) this.leave('stopped');
    this.dropStaleCode();
  }

  /** Code changed on some page since this machine lifted: drop all of it (rare: code is rarely written). */
  dropStaleCode(): void {
    const epoch = this.memory.codeEpoch;
    if (epoch === this.epoch) return;
    this.epoch = epoch;
    this.machine().forgetAllCode();
  }

  private leave(reason: ReturnReason): never {
    this.reason = reason;
    throw new Reschedule();
  }
}

interface Resident {
  readonly machine: Machine;
  readonly host: KernelElsewhere;
}

/** Gives the architecture a request names (its `name` and `variant`). */
export type ArchitectureLoader = (name: string, variant: string | undefined) => Promise<Architecture>;

/**
 * Serves the kernel thread's requests until it goes; `load` gives the architectures it names.
 * Call it as the worker's entry point (from the module `CpuWorkerEntry` names). The worker's
 * thread waits on its request word between requests, not in an event loop.
 */
export async function serveCpuWorker(load: ArchitectureLoader): Promise<void> {
  const threads = workerThreads();
  const data = threads.workerData as CpuWorkerData | null;
  if (!data?.port) throw new Error('serveCpuWorker runs in a CPU worker thread');
  const { cpu, port } = data;
  const control = new Int32Array(data.control);
  const residents = new Map<number, Resident>();

  const take = async (message: WorkerMessage): Promise<void> => {
    if (message.type === 'forget') {
      residents.delete(message.memoryId);
      return;
    }
    const arch = await load(message.arch, message.variant);
    const memory = PagedMemory.attach(message.memory as WasmMemory);
    const machine = new Machine(arch, {
      memory,
      executor: message.executor,
      optimize: message.optimize,
      cpuIndex: cpu,
      compiler: new InlineCompiler(),
      translations: null,
    });
    const host = new KernelElsewhere(arch, control, cpu, memory, () => machine);
    host.epoch = memory.codeEpoch;
    memory.onInstructionSync = () => host.dropStaleCode();
    residents.set(message.memoryId, { machine, host });
  };

  /** Runs the thread whose registers wait in this worker's register file of `resident`'s memory. */
  const run = ({ machine, host }: Resident): number => {
    host.dropStaleCode();
    host.reason = null;
    const before = machine.instructions;
    const end = Date.now() + SLICE_MS;
    while (host.reason === null && Date.now() < end) {
      if (Atomics.load(control, stopWord(cpu)) !== 0) break;
      const exit = machine.runSlice(host, end, Number.POSITIVE_INFINITY, 0);
      if (exit) throw new Error(`a guest thread ended on a CPU worker: ${exit.report ?? exit.exitCode}`);
    }
    return machine.instructions - before;
  };

  // Requests count from 0: none comes before this worker says it is ready.
  let seen = 0;
  Atomics.store(control, readyWord(cpu), 1);
  for (;;) {
    Atomics.wait(control, requestWord(cpu), seen);
    seen = Atomics.load(control, requestWord(cpu));
    const started = performance.now();
    let reason: ReturnReason = 'stopped';
    let instructions = 0;
    try {
      for (let m = threads.receiveMessageOnPort(port); m; m = threads.receiveMessageOnPort(port))
        await take(m.message as WorkerMessage);
      const resident = residents.get(Atomics.load(control, memoryWord(cpu)));
      if (resident === undefined) throw new Error('a request for a memory this worker was never sent');
      instructions = run(resident);
      reason = resident.host.reason ?? 'stopped';
    } catch (error) {
      reason = 'failed';
      port.postMessage((error as Error).stack ?? String(error));
    }
    control[reasonWord(cpu)] = REASONS.indexOf(reason);
    control[instructionsWord(cpu)] = (instructions % 2 ** 32) | 0;
    control[instructionsWord(cpu) + 1] = Math.floor(instructions / 2 ** 32);
    control[microsWord(cpu)] = Math.round((performance.now() - started) * 1000);
    Atomics.store(control, doneWord(cpu), seen);
    Atomics.add(control, REPLIES_WORD, 1);
    Atomics.notify(control, REPLIES_WORD);
  }
}
