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
  REPLIES_WORD,
  type ReturnReason,
  type RunReply,
  type RunRequest,
  stopWord,
  type WorkerReply,
  type WorkerRequest,
} from './protocol.js';

/** What a worker is started with (`workerData`). */
export interface CpuWorkerData {
  readonly cpu: number;
  readonly control: SharedArrayBuffer;
  /** Where requests come and replies go (the kernel's thread reads them without its event loop). */
  readonly port: MessagePort;
}

/** How long a thread runs here before it goes back anyway (so the kernel's thread sees it now and then). */
const SLICE_MS = 50;

/** Stands in for the kernel: every system call and fault ends the run, with the PC to go on from. */
class KernelElsewhere implements SliceHost {
  reason: ReturnReason | null = null;
  detail = '';
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
    this.leave('kernel', 'a system call');
  }

  deliverFault(cpu: Cpu, signal: GuestSignal): GuestSignal | null {
    if (signal.pc !== null) cpu.pc = signal.pc;
    this.reason = 'kernel';
    this.detail = signal.message;
    return null;
  }

  tick(): void {
    if (Atomics.load(this.control, stopWord(this.cpuIndex)) !== 0) this.leave('stopped', 'asked to stop');
    this.dropStaleCode();
  }

  /** Code changed on some page since this machine lifted: drop all of it (rare: code is rarely written). */
  dropStaleCode(): void {
    const epoch = this.memory.codeEpoch;
    if (epoch === this.epoch) return;
    this.epoch = epoch;
    this.machine().forgetAllCode();
  }

  private leave(reason: ReturnReason, detail: string): never {
    this.reason = reason;
    this.detail = detail;
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
 * Call it as the worker's entry point (from the module `CpuWorkerEntry` names).
 */
export function serveCpuWorker(load: ArchitectureLoader): void {
  const data = workerThreads().workerData as CpuWorkerData | null;
  if (!data?.port) throw new Error('serveCpuWorker runs in a CPU worker thread');
  const port = data.port;
  const control = new Int32Array(data.control);
  const residents = new Map<number, Resident>();

  const residentFor = async (request: RunRequest): Promise<Resident> => {
    let resident = residents.get(request.memoryId);
    if (resident === undefined) {
      const arch = await load(request.arch, request.variant);
      const memory = PagedMemory.attach(request.memory as WasmMemory);
      const machine = new Machine(arch, {
        memory,
        executor: request.executor,
        optimize: request.optimize,
        cpuIndex: data.cpu,
        compiler: new InlineCompiler(),
        translations: null,
      });
      const host = new KernelElsewhere(arch, control, data.cpu, memory, () => machine);
      host.epoch = memory.codeEpoch;
      resident = { machine, host };
      residents.set(request.memoryId, resident);
    }
    return resident;
  };

  const run = async (request: RunRequest): Promise<RunReply> => {
    const { machine, host } = await residentFor(request);
    const started = performance.now();
    machine.cpu.u8.set(request.registers);
    host.dropStaleCode();
    host.reason = null;
    const before = machine.instructions;
    const end = Date.now() + SLICE_MS;
    while (host.reason === null && Date.now() < end) {
      if (Atomics.load(control, stopWord(data.cpu)) !== 0) {
        host.reason = 'stopped';
        host.detail = 'asked to stop';
        break;
      }
      const exit = machine.runSlice(host, end, Number.POSITIVE_INFINITY, 0);
      if (exit) throw new Error(`a guest thread ended on a CPU worker: ${exit.report ?? exit.exitCode}`);
    }
    return {
      type: 'ran',
      registers: machine.cpu.u8.slice(),
      reason: host.reason ?? 'stopped',
      detail: host.reason === null ? 'its time ran out' : host.detail,
      instructions: machine.instructions - before,
      micros: Math.round((performance.now() - started) * 1000),
    };
  };

  port.on('message', async (request: WorkerRequest) => {
    let reply: WorkerReply;
    if (request.type === 'forget') {
      residents.delete(request.memoryId);
      return;
    }
    try {
      reply = await run(request);
    } catch (error) {
      reply = { type: 'failed', message: (error as Error).stack ?? String(error) };
    }
    port.postMessage(reply);
    Atomics.add(control, REPLIES_WORD, 1);
    Atomics.notify(control, REPLIES_WORD);
  });
}
