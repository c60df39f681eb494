import { describe, expect, it } from 'vitest';
import {
  EXECUTORS,
  GuestExit,
  type GuestSignal,
  GuestTimeoutError,
  type LinuxKernel,
  Machine,
  TIER_UP_AFTER,
} from '../src/index.js';
import { CODE, loopArch, op } from './loop-arch.js';

/** Runs `words` at CODE with r1..r4 set; the toy kernel counts syscalls and exits on the second. */
function run(
  executor: (typeof EXECUTORS)[number],
  words: number[],
  regs: Record<number, bigint>,
  timeoutMs?: number,
) {
  const machine = new Machine(loopArch, { executor });
  const m = machine.memory;
  m.map(CODE, 4096, 7, true);
  m.poke(CODE, new Uint8Array(Uint32Array.from(words).buffer));
  for (const [slot, value] of Object.entries(regs)) machine.cpu.regs[Number(slot)] = value;
  machine.cpu.pc = BigInt(CODE);
  const snapshots: bigint[] = [];
  const kernel = {
    syscall(cpu: { regs: BigUint64Array }) {
      snapshots.push(cpu.regs[0]);
      if (snapshots.length === 2) throw new GuestExit(Number(cpu.regs[0] & 0xffn));
    },
    deliverFault: (_cpu: unknown, signal: GuestSignal) => signal,
  } as unknown as LinuxKernel;
  const exit = machine.run(kernel, { timeoutMs });
  return { exit, snapshots, instructions: machine.instructions, r0: machine.cpu.regs[0] };
}

describe('the machine with the wasm executors', () => {
  it('hot loops, system calls and code rewritten while it runs give the same results on every executor', () => {
    const loops = TIER_UP_AFTER * 3;
    const words = [
      op(1, 1), // 0: r0 += 1
      op(3, -1), // 4: loop to 0 while r3--
      op(2), // 8: mem32[r1] = r2: rewrites instruction 0 (a page holding lifted code)
      op(4), // 12: syscall
      op(5, loops), // 16: r3 = loops
      op(6, -5), // 20: once more from 0 while r4--
      op(4), // 24: syscall (exit)
    ];
    const regs = { 1: BigInt(CODE), 2: BigInt(op(1, 3)), 3: BigInt(loops), 4: 1n };
    const results = EXECUTORS.map((executor) => ({ executor, ...run(executor, words, regs) }));
    const first = loops + 1;
    // First pass adds 1 per iteration; after the rewrite, instruction 0 adds 3.
    const expected = BigInt(first + (loops + 1) * 3);
    for (const r of results) {
      expect({ executor: r.executor, snapshots: r.snapshots, exit: r.exit }).toEqual({
        executor: r.executor,
        snapshots: [BigInt(first), expected],
        exit: { exitCode: Number(expected & 0xffn) },
      });
      expect(r.instructions).toBe(results[0].instructions);
    }
  });

  it('a fault in a block chained inside wasm names its instruction and address', () => {
    const words = [op(5, TIER_UP_AFTER * 2), op(1, 1), op(3, -1), op(2), op(4)];
    for (const executor of EXECUTORS) {
      const r = run(executor, words, { 1: 0x7777_0000n, 2: 5n });
      expect(r.exit).toMatchObject({ exitCode: 139, signal: 'SIGSEGV' });
      expect(r.exit.report).toBe(
        `guest terminated by SIGSEGV: fault address 0x77770000 (write) at pc 0x${(CODE + 12).toString(16)}`,
      );
    }
  });

  // Coming back at all is the point: how soon depends on the machine's load, so no clock is
  // read here; a guest that never came back would hang the run, which CI's job limit ends.
  it('a guest looping forever inside wasm still comes back for the time limit', () => {
    for (const executor of ['wasm', 'tiered'] as const) {
      expect(() => run(executor, [op(6, 0)], { 4: 2n ** 64n - 1n }, 200)).toThrowError(
        new GuestTimeoutError(200),
      );
    }
  });
});
