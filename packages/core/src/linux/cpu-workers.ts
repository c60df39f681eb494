/**
 * Guest threads on several host cores. The kernel — processes, descriptors, signals, the
 * scheduler — stays on its one JavaScript thread; what runs elsewhere is only guest code. When a
 * process with shared memory has more threads ready to run than the kernel's thread can run, the
 * scheduler sends one to an idle CPU worker (`exec/cpu-worker/serve.ts`). The worker runs it
 * over the same memory until it needs the kernel (a system call, a page touched for the first
 * time, a fault, a store to code), its time runs out or the kernel's thread asks it to stop (a
 * signal for it, its process's end); then the thread comes back, with its PC at the instruction
 * the kernel's thread runs next, and is scheduled there as any other.
 */
import type { MessagePort, Worker } from 'node:worker_threads';
import {
  CONTROL_WORDS,
  doneWord,
  instructionsWord,
  type MemoryMessage,
  memoryWord,
  microsWord,
  REASONS,
  REPLIES_WORD,
  type ReturnReason,
  readyWord,
  reasonWord,
  requestWord,
  stopWord,
} from '../exec/cpu-worker/protocol.js';
import { workerThreads } from '../exec/wasm/module-compiler.js';
import { CPU_REGISTER_STRIDE, MAX_CPUS } from '../exec/wasm/runtime.js';
import type { Machine } from '../machine.js';
import type { PagedMemory } from '../memory/paged-memory.js';
import type { GuestThread } from './thread.js';

/**
 * Where CPU workers come from: a CommonJS module file whose export `exportName`, a function of
 * no arguments, calls `serveCpuWorker` with a loader of the architectures it may run.
 */
export interface CpuWorkerEntry {
  readonly file: string;
  readonly exportName: string;
}

/**
 * How long a need for a worker must last before one starts. Loading one costs about a tenth of
 * a second of another core's time and 20 MB: a program whose threads run at once only during its
 * start-up (a Go program's runtime threads) ends before a worker would have helped.
 */
const START_AFTER_MS = 100;

/** One CPU worker, and the thread it runs (null when idle). */
class CpuWorker {
  thread: GuestThread | null = null;
  /** Where that thread's registers are: the worker's register file in this memory. */
  memory: PagedMemory | null = null;
  /** The last request sent, and the size of the register file it sent. */
  requested = 0;
  registerBytes = 0;
  /** The memories (by id) it has been sent. */
  readonly knows = new Set<number>();
  private readySeen = false;

  constructor(
    readonly cpu: number,
    readonly worker: Worker,
    readonly port: MessagePort,
    private readonly control: Int32Array,
  ) {}

  /** Whether it has loaded its code and waits for requests (see readyWord). */
  get ready(): boolean {
    if (!this.readySeen) this.readySeen = Atomics.load(this.control, readyWord(this.cpu)) === 1;
    return this.readySeen;
  }
}

/** A thread back from a worker: its registers, why it came back, what it ran. */
export interface Returned {
  readonly thread: GuestThread;
  readonly registers: Uint8Array;
  readonly reason: ReturnReason;
  readonly instructions: number;
  readonly micros: number;
}

/** What the CPU workers did in a run (`arm64kit run --stats`). */
export interface CpuWorkerStats {
  /** Workers started. */
  workers: number;
  /** Times a thread was sent to one, and the guest instructions they ran there. */
  runs: number;
  instructions: number;
}

export class CpuWorkers {
  readonly stats: CpuWorkerStats = { workers: 0, runs: 0, instructions: 0 };
  private readonly workers: CpuWorker[] = [];
  private readonly control = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));
  private readonly memoryIds = new WeakMap<PagedMemory, number>();
  private nextMemoryId = 1;
  private repliesSeen = 0;
  private busyCount = 0;
  /** When a worker was first asked for (performance.now), or null. */
  private firstNeedAt: number | null = null;

  constructor(
    /** Workers beside the kernel's thread (at most MAX_CPUS - 1). */
    readonly count: number,
    private readonly entry: CpuWorkerEntry,
  ) {
    if (!Number.isInteger(count) || count < 0 || count > MAX_CPUS - 1)
      throw new RangeError(`CPU workers must number 0 to ${MAX_CPUS - 1} (got ${count})`);
  }

  /** Whether some worker runs a thread now. */
  get busy(): boolean {
    return this.busyCount > 0;
  }

  /** Whether a worker replied since the last `collect` (cheap: one shared word). */
  get replied(): boolean {
    return Atomics.load(this.control, REPLIES_WORD) !== this.repliesSeen;
  }

  /**
   * An idle worker, or null when all are busy or still starting. A worker starts when one is
   * still needed START_AFTER_MS after the first need, and meanwhile the thread that could have
   * gone there runs on this thread: waiting for the worker would leave it idle for as long as the
   * worker takes to load.
   */
  idle(): CpuWorker | null {
    let starting = false;
    for (const w of this.workers) {
      if (!w.ready) starting = true;
      else if (w.thread === null) return w;
    }
    if (starting || this.workers.length >= this.count) return null;
    const now = performance.now();
    this.firstNeedAt ??= now;
    if (now - this.firstNeedAt >= START_AFTER_MS) {
      this.workers.push(this.start(this.workers.length + 1));
      this.stats.workers++;
    }
    return null;
  }

  private start(cpu: number): CpuWorker {
    const { MessageChannel, Worker } = workerThreads();
    const { port1, port2 } = new MessageChannel();
    const source = `require(${JSON.stringify(this.entry.file)})[${JSON.stringify(this.entry.exportName)}]();`;
    const worker = new Worker(source, {
      eval: true,
      workerData: { cpu, control: this.control.buffer, port: port2 },
      transferList: [port2],
    });
    // Neither may keep the host process alive once the guest is done.
    worker.unref();
    port1.unref();
    worker.on('error', () => {});
    return new CpuWorker(cpu, worker, port1, this.control);
  }

  /** Sends `t` (its registers in `registers`) to run on `worker` over `machine`'s memory. */
  send(worker: CpuWorker, t: GuestThread, machine: Machine, registers: Uint8Array): void {
    const memory = machine.memory;
    let memoryId = this.memoryIds.get(memory);
    if (memoryId === undefined) {
      memoryId = this.nextMemoryId++;
      this.memoryIds.set(memory, memoryId);
    }
    if (!worker.knows.has(memoryId)) {
      worker.knows.add(memoryId);
      const message: MemoryMessage = {
        type: 'memory',
        memoryId,
        memory: memory.wasm,
        arch: machine.arch.name,
        variant: machine.arch.variant,
        executor: machine.executor,
        optimize: machine.optimize,
      };
      worker.port.postMessage(message);
    }
    memory.u8.set(registers, worker.cpu * CPU_REGISTER_STRIDE);
    worker.registerBytes = registers.length;
    worker.thread = t;
    worker.memory = memory;
    this.busyCount++;
    const c = this.control;
    Atomics.store(c, stopWord(worker.cpu), 0);
    Atomics.store(c, memoryWord(worker.cpu), memoryId);
    worker.requested = Atomics.add(c, requestWord(worker.cpu), 1) + 1;
    Atomics.notify(c, requestWord(worker.cpu));
  }

  /** Asks the worker running `t` to send it back at the next block boundary. */
  stop(t: GuestThread): void {
    for (const w of this.workers) if (w.thread === t) Atomics.store(this.control, stopWord(w.cpu), 1);
  }

  /** The threads whose workers replied, now idle again. */
  collect(): Returned[] {
    const c = this.control;
    this.repliesSeen = Atomics.load(c, REPLIES_WORD);
    const back: Returned[] = [];
    for (const w of this.workers) {
      const thread = w.thread;
      const memory = w.memory;
      if (thread === null || memory === null || Atomics.load(c, doneWord(w.cpu)) !== w.requested) continue;
      w.thread = null;
      w.memory = null;
      this.busyCount--;
      const reason = REASONS[c[reasonWord(w.cpu)]];
      if (reason === 'failed') {
        const story = workerThreads().receiveMessageOnPort(w.port)?.message;
        throw new Error(`a CPU worker failed: ${story ?? 'it said nothing'}`);
      }
      const instructions = (c[instructionsWord(w.cpu)] >>> 0) + c[instructionsWord(w.cpu) + 1] * 2 ** 32;
      const at = w.cpu * CPU_REGISTER_STRIDE;
      const registers = memory.u8.slice(at, at + w.registerBytes);
      this.stats.runs++;
      this.stats.instructions += instructions;
      back.push({ thread, registers, reason, instructions, micros: c[microsWord(w.cpu)] });
    }
    return back;
  }

  /** Waits up to `ms` for a worker to reply (the kernel's thread has nothing else to run). */
  waitForReply(ms: number): void {
    Atomics.wait(this.control, REPLIES_WORD, this.repliesSeen, Math.max(0, ms));
  }

  /** The workers may drop what they keep for `memory` (no process uses it any more). */
  forget(memory: PagedMemory): void {
    const memoryId = this.memoryIds.get(memory);
    if (memoryId === undefined) return;
    this.memoryIds.delete(memory);
    for (const w of this.workers) {
      if (w.knows.delete(memoryId)) w.port.postMessage({ type: 'forget', memoryId });
    }
  }

  /** Ends the workers (the run is over). */
  close(): void {
    for (const w of this.workers) {
      Atomics.store(this.control, stopWord(w.cpu), 1);
      void w.worker.terminate();
    }
    this.workers.length = 0;
    this.busyCount = 0;
  }
}
