/**
 * Turns module bytes into `WebAssembly.Module`s for the tiered executor. V8 compiles a module
 * synchronously on the calling thread, and the run loop is synchronous, so by default the work
 * goes to one compile worker thread per process: the guest keeps running its threaded code on
 * this thread while the other core compiles, and the run loop collects finished modules with
 * `poll` (`receiveMessageOnPort`, no event-loop turn). Compiled modules cross threads without
 * being compiled again: a `WebAssembly.Module` posted to another thread shares its code.
 */
import type { MessagePort, Worker } from 'node:worker_threads';

/**
 * node:worker_threads, loaded when the first worker starts: loading it costs a process about
 * 2.5 ms, and a short program (most runs of a command-line tool) never starts one.
 */
export function workerThreads(): typeof import('node:worker_threads') {
  return process.getBuiltinModule('node:worker_threads');
}

/** A compiled module, opaque here: `WebAssembly.Instance` takes it. */
export type CompiledWasm = object;

/** Called from `poll` (or at once) with the module, or with why the bytes did not compile. */
export type CompileDone = (result: CompiledWasm | Error) => void;

export interface ModuleCompiler {
  /**
   * Starts compiling `bytes` (which it may take over: the caller must not use them again);
   * `done` is called from a later `poll` (or before this returns).
   */
  submit(bytes: Uint8Array, done: CompileDone): void;
  /** Calls `done` for every compile that finished since the last call. */
  poll(): void;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => CompiledWasm;
}
const W = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

function compileHere(bytes: Uint8Array): CompiledWasm | Error {
  try {
    return new W.Module(bytes);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** Compiles on the calling thread, at once (no worker threads, or a test that wants it so). */
export class InlineCompiler implements ModuleCompiler {
  submit(bytes: Uint8Array, done: CompileDone): void {
    done(compileHere(bytes));
  }
  poll(): void {}
}

/** The worker's whole program: compile what arrives on the port, answer with the module. */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const port = workerData.port;
port.on('message', ({ id, bytes }) => {
  let reply;
  try {
    reply = { id, module: new WebAssembly.Module(bytes) };
  } catch (error) {
    reply = { id, error: String(error && error.message ? error.message : error) };
  }
  port.postMessage(reply);
});
`;

/**
 * A compile that has not come back after this long (a worker that died, or could not start) is
 * done on this thread instead, so that tiering never stalls for good.
 */
const WORKER_PATIENCE_MS = 3000;

interface Request {
  readonly bytes: Uint8Array;
  readonly done: CompileDone;
  readonly sent: number;
}

interface Reply {
  readonly id: number;
  readonly module?: CompiledWasm;
  readonly error?: string;
}

/** Compiles on a worker thread that never keeps the process alive. */
export class WorkerCompiler implements ModuleCompiler {
  private readonly port: MessagePort;
  private readonly worker: Worker;
  private readonly receive: typeof import('node:worker_threads').receiveMessageOnPort;
  private readonly pending = new Map<number, Request>();
  private nextId = 0;

  constructor() {
    const { MessageChannel, Worker, receiveMessageOnPort } = workerThreads();
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.receive = receiveMessageOnPort;
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { port: port2 },
      transferList: [port2],
      stdout: true,
      stderr: true,
    });
    // Neither the worker nor its port may hold the process open once the guest is done.
    this.worker.unref();
    this.port.unref();
    this.worker.on('error', () => {});
  }

  submit(bytes: Uint8Array, done: CompileDone): void {
    const id = this.nextId++;
    // Moving the bytes is several times cheaper than copying them; a copy stays for the fallback.
    this.pending.set(id, { bytes: bytes.slice(), done, sent: Date.now() });
    this.port.postMessage({ id, bytes }, [bytes.buffer as ArrayBuffer]);
  }

  poll(): void {
    if (this.pending.size === 0) return;
    for (let reply = this.receive(this.port); reply; reply = this.receive(this.port)) {
      const { id, module, error } = reply.message as Reply;
      const request = this.pending.get(id);
      if (!request) continue; // already compiled here after the worker took too long
      this.pending.delete(id);
      request.done(module ?? new Error(error ?? 'the compile worker sent no module'));
    }
    const now = Date.now();
    for (const [id, request] of this.pending) {
      if (now - request.sent < WORKER_PATIENCE_MS) break; // oldest first: the rest are newer
      this.pending.delete(id);
      request.done(compileHere(request.bytes));
    }
  }
}

/** The worker, or inline compiling where it cannot start or ARM64KIT_COMPILE_WORKER=0 says so. */
function startCompiler(): ModuleCompiler {
  if (globalThis.process?.env?.ARM64KIT_COMPILE_WORKER === '0') return new InlineCompiler();
  try {
    return new WorkerCompiler();
  } catch {
    return new InlineCompiler();
  }
}

/**
 * Module bytes the process compiles on its own thread before it starts the worker: a worker
 * costs 10–15 MiB of memory and its start-up, more than short programs' modules are worth.
 * Measured from a Debian root: `ls /` compiles about 100 KB of modules, `bash -c true` 190 KB
 * (each with a worker: about 11 MiB more peak memory, and no faster), `perl -e 1` 320 KB,
 * `python3 -c pass` 2.5 MB (on a worker: a third less time than all inline).
 */
export const INLINE_BYTES_BEFORE_WORKER = 256 * 1024;

const inline = new InlineCompiler();
let worker: ModuleCompiler | undefined;
let compiledInline = 0;

/**
 * The process's compiler, shared by all its machines: inline for the first modules, then the
 * worker (a program whose blocks never get hot pays nothing for it).
 */
const shared: ModuleCompiler = {
  submit(bytes, done) {
    if (worker === undefined && compiledInline < INLINE_BYTES_BEFORE_WORKER) {
      compiledInline += bytes.length;
      inline.submit(bytes, done);
      return;
    }
    worker ??= startCompiler();
    worker.submit(bytes, done);
  },
  poll() {
    worker?.poll();
  },
};

export function processCompiler(): ModuleCompiler {
  return shared;
}
