import { describe, expect, it } from 'vitest';
import {
  type CompileDone,
  EmulatorError,
  EXECUTORS,
  type Executor,
  GuestExit,
  GuestFault,
  type GuestSignal,
  InlineCompiler,
  type LinuxKernel,
  Machine,
  type ModuleCompiler,
  WorkerCompiler,
} from '../src/index.js';
import { CODE, loopArch, op } from './loop-arch.js';

/**
 * A compiler that holds every module it is given until `release`, as a slow compile worker
 * would: meanwhile the guest runs on, and may rewrite the code being compiled.
 */
const inline = new InlineCompiler();

class HeldCompiler implements ModuleCompiler {
  private held: { bytes: Uint8Array; done: CompileDone }[] = [];
  private released: (() => void)[] = [];
  holding = true;
  submitted = 0;

  get inFlight(): number {
    return this.held.length;
  }

  submit(bytes: Uint8Array, done: CompileDone): void {
    this.submitted++;
    if (this.holding) this.held.push({ bytes, done });
    else this.released.push(() => inline.submit(bytes, done));
  }

  /** Compiles what was held; the machine gets it at its next poll. From now on nothing waits. */
  release(): void {
    this.holding = false;
    for (const { bytes, done } of this.held) this.released.push(() => inline.submit(bytes, done));
    this.held = [];
  }

  poll(): void {
    const ready = this.released;
    this.released = [];
    for (const deliver of ready) deliver();
  }
}

/** A backend to compare: an executor, and for tiered, where it compiles. */
interface Backend {
  readonly name: string;
  readonly executor: Executor;
  readonly compiler?: () => ModuleCompiler;
}

const BACKENDS: Backend[] = [
  ...EXECUTORS.map((executor) => ({ name: executor, executor })),
  { name: 'tiered, compiling inline', executor: 'tiered', compiler: () => new InlineCompiler() },
  { name: 'tiered, on a worker of its own', executor: 'tiered', compiler: () => new WorkerCompiler() },
];

function machineFor(
  backend: Backend,
  words: number[],
  regs: Record<number, bigint>,
  compiler?: ModuleCompiler,
) {
  const machine = new Machine(loopArch, {
    executor: backend.executor,
    compiler: compiler ?? backend.compiler?.(),
  });
  machine.memory.map(CODE, 4096, 7, true);
  machine.memory.poke(CODE, new Uint8Array(Uint32Array.from(words).buffer));
  for (const [slot, value] of Object.entries(regs)) machine.cpu.regs[Number(slot)] = value;
  machine.cpu.pc = BigInt(CODE);
  return machine;
}

describe('the tiered executor compiling hot blocks in batches', () => {
  it('never installs a block whose code was rewritten while its module was being compiled', () => {
    const loops = 4000;
    const words = [
      op(1, 1), // 0: r0 += 1
      op(3, -1), // 4: loop to 0 while r3--
      op(2), // 8: mem32[r1] = r2: rewrites instruction 0 while its module is held
      op(4), // 12: syscall: the held module is released
      op(5, loops), // 16: r3 = loops
      op(6, -5), // 20: once more from 0 while r4--
      op(4), // 24: syscall (exit)
    ];
    const regs = { 1: BigInt(CODE), 2: BigInt(op(1, 3)), 3: BigInt(loops), 4: 1n };
    const runOn = (backend: Backend, held?: HeldCompiler) => {
      const machine = machineFor(backend, words, regs, held);
      const snapshots: bigint[] = [];
      let inFlightAtRewrite = 0;
      const kernel = {
        syscall(cpu: { regs: BigUint64Array }) {
          snapshots.push(cpu.regs[0]);
          if (held && snapshots.length === 1) {
            inFlightAtRewrite = held.inFlight;
            held.release();
          }
          if (snapshots.length === 2) throw new GuestExit(Number(cpu.regs[0] & 0xffn));
        },
        deliverFault: (_cpu: unknown, signal: GuestSignal) => signal,
      } as unknown as LinuxKernel;
      const exit = machine.run(kernel);
      return {
        exit,
        snapshots,
        instructions: machine.instructions,
        stats: machine.tierUpStats,
        inFlightAtRewrite,
      };
    };
    const reference = runOn({ name: 'reference', executor: 'reference' });
    // First pass adds 1 per iteration; after the rewrite, instruction 0 adds 3.
    const expected = BigInt(loops + 1 + (loops + 1) * 3);
    expect(reference.snapshots).toEqual([BigInt(loops + 1), expected]);

    const held = new HeldCompiler();
    const tiered = runOn({ name: 'tiered, held', executor: 'tiered' }, held);
    expect(tiered.inFlightAtRewrite).toBe(1); // the loop's module was compiling during the rewrite
    expect(tiered.stats?.discarded).toBeGreaterThanOrEqual(1); // it came back, and was not installed
    expect(tiered.stats?.installed).toBeGreaterThanOrEqual(1); // the rewritten loop got hot and was
    expect({ snapshots: tiered.snapshots, exit: tiered.exit, instructions: tiered.instructions }).toEqual({
      snapshots: reference.snapshots,
      exit: reference.exit,
      instructions: reference.instructions,
    });
    for (const backend of BACKENDS) {
      const r = runOn(backend);
      expect({ backend: backend.name, snapshots: r.snapshots, exit: r.exit, n: r.instructions }).toEqual({
        backend: backend.name,
        snapshots: reference.snapshots,
        exit: reference.exit,
        n: reference.instructions,
      });
    }
  });

  it('a batch holding a trapping block and a faulting one reports every signal as the reference interpreter does', () => {
    const DATA = 0x20000;
    const READ_ONLY = 0x30000;
    const words = [
      op(1, 1), // 0: r0 += 1
      op(3, -1), // 4: (r3 is 0: falls through)
      op(2), // 8: mem32[r1] = r2: faults when the kernel points r1 at the read-only page
      op(6, 1), // 12: (r4 is 0: falls through)
      op(5, 0), // 16: r3 = 0
      0xff00_0000, // 20: undefined: SIGILL
    ];
    const rounds = 2500;
    const runOn = (backend: Backend) => {
      const machine = machineFor(backend, words, { 1: BigInt(DATA), 2: 7n });
      machine.memory.map(DATA, 4096, 3, true);
      machine.memory.map(READ_ONLY, 4096, 1, true);
      const reports = new Map<string, number>();
      let signals = 0;
      const kernel = {
        syscall() {
          throw new Error('no system calls here');
        },
        deliverFault(cpu: { regs: BigUint64Array; pc: bigint }, signal: GuestSignal) {
          const at = signal instanceof GuestFault ? ` 0x${signal.address.toString(16)} ${signal.access}` : '';
          const report = `${signal.signal}${at} at 0x${signal.pc?.toString(16)}`;
          reports.set(report, (reports.get(report) ?? 0) + 1);
          if (++signals === rounds * 2) return signal;
          // After the SIGILL, the store again with r1 read-only (SIGSEGV); after that, from the top.
          const illegal = signal.signal === 'SIGILL';
          cpu.regs[1] = BigInt(illegal ? READ_ONLY : DATA);
          cpu.pc = BigInt(CODE + (illegal ? 8 : 0));
          return null;
        },
      } as unknown as LinuxKernel;
      const exit = machine.run(kernel);
      return {
        exit,
        reports: Object.fromEntries(reports),
        instructions: machine.instructions,
        r0: machine.cpu.regs[0],
        stats: machine.tierUpStats,
      };
    };
    const reference = runOn({ name: 'reference', executor: 'reference' });
    expect(reference.reports).toEqual({
      [`SIGSEGV 0x${READ_ONLY.toString(16)} write at 0x${(CODE + 8).toString(16)}`]: rounds,
      [`SIGILL at 0x${(CODE + 20).toString(16)}`]: rounds,
    });
    for (const backend of BACKENDS) {
      const r = runOn(backend);
      if (backend.compiler && backend.name.includes('inline')) {
        // The three blocks got hot within a few dispatches: one module holds them all.
        expect(r.stats).toEqual({ modules: 1, installed: 3, discarded: 0 });
      }
      const { stats: _, ...result } = r;
      const { stats: __, ...expected } = reference;
      expect({ backend: backend.name, ...result }).toEqual({ backend: backend.name, ...expected });
    }
  });

  it('a module that fails to compile is an emulator error naming the blocks', () => {
    const failing: ModuleCompiler = {
      submit: (_bytes, done) => done(new Error('out of code space')),
      poll() {},
    };
    const machine = machineFor(
      { name: 'tiered', executor: 'tiered' },
      [op(1, 1), op(3, -1), op(4)],
      {
        3: 5000n,
      },
      failing,
    );
    const kernel = {
      syscall: (cpu: { regs: BigUint64Array }) => {
        throw new GuestExit(Number(cpu.regs[0] & 0xffn));
      },
      deliverFault: (_cpu: unknown, signal: GuestSignal) => signal,
    } as unknown as LinuxKernel;
    let error: unknown;
    try {
      machine.run(kernel);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EmulatorError);
    expect((error as Error).message).toMatch(
      /compiling a batch of 1 hot blocks \(the first at 0x10000\) to WebAssembly failed: out of code space/,
    );
  });
});
