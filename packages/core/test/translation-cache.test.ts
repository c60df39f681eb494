import { afterEach, describe, expect, it } from 'vitest';
import {
  EXECUTORS,
  type Executor,
  GuestExit,
  InlineCompiler,
  type LinuxKernel,
  Machine,
  PagedMemory,
  TranslationCache,
  VERSIONS_PER_PC,
} from '../src/index.js';
import { CODE, loopArch, op } from './loop-arch.js';

/** Ends the run at the first system call, with r0's low byte as the status. */
const exitAtSyscall = {
  syscall(cpu: { regs: BigUint64Array }) {
    throw new GuestExit(Number(cpu.regs[0] & 0xffn));
  },
  deliverFault: () => null,
} as unknown as LinuxKernel;

/** r0 += `step` `loops` + 1 times, then exit. */
function loop(step: number, loops: number): number[] {
  return [
    op(5, loops), // 0: r3 = loops
    op(1, step), // 4: r0 += step
    op(3, -1), // 8: back to 4 while r3--
    op(4), // 12: syscall (exit)
  ];
}

/** A machine of the run that `cache` belongs to, with `words` at CODE, ready to run them. */
function machineWith(
  words: number[],
  cache: TranslationCache | null,
  executor: Executor = 'tiered',
  shared = false,
): Machine {
  const machine = new Machine(loopArch, {
    executor,
    translations: cache,
    compiler: new InlineCompiler(),
    memory: new PagedMemory({ shared }),
  });
  machine.memory.map(CODE, 4096, 7, true);
  machine.memory.poke(CODE, new Uint8Array(Uint32Array.from(words).buffer));
  machine.cpu.pc = BigInt(CODE);
  return machine;
}

function run(machine: Machine): { r0: bigint; instructions: number } {
  machine.run(exitAtSyscall);
  return { r0: machine.cpu.regs[0], instructions: machine.instructions };
}

const MB = 1024 * 1024;

describe('the run-wide translation cache', () => {
  const savedCap = process.env.ARM64KIT_TRANSLATION_CACHE_MB;
  afterEach(() => {
    if (savedCap === undefined) delete process.env.ARM64KIT_TRANSLATION_CACHE_MB;
    else process.env.ARM64KIT_TRANSLATION_CACHE_MB = savedCap;
  });

  for (const executor of EXECUTORS) {
    it(`gives a new machine the blocks of the same code, and lifts code that differs (${executor})`, () => {
      const cache = new TranslationCache(96 * MB);
      const first = machineWith(loop(1, 10), cache, executor);
      expect(run(first)).toEqual({ r0: 11n, instructions: 1 + 11 * 2 + 1 });
      expect(first.translationStats).toEqual({ lifted: 3, reused: 0, reusedWasm: 0 });

      // The same program in another address space: nothing is lifted again.
      const same = machineWith(loop(1, 10), cache, executor);
      expect(run(same)).toEqual({ r0: 11n, instructions: 24 });
      expect(same.translationStats).toMatchObject({ lifted: 0, reused: 3 });

      // Other code at the same addresses (the loop adds 7): the two blocks holding r0 += 7 do not
      // match what is cached at their PCs, and are lifted; the exit block is the same.
      const other = machineWith(loop(7, 10), cache, executor);
      expect(run(other)).toEqual({ r0: 77n, instructions: 24 });
      expect(other.translationStats).toMatchObject({ lifted: 2, reused: 1 });
      expect(cache.stats).toMatchObject({ lifted: 5, reused: 4, mismatched: 2, entries: 5 });
    });
  }

  it('hands a block compiled to wasm in one machine to the next as wasm, over its own memory', () => {
    const cache = new TranslationCache(96 * MB);
    const loops = 20_000;
    const first = machineWith(loop(1, loops), cache);
    expect(run(first).r0).toBe(BigInt(loops + 1));
    expect(first.tierUpStats?.installed).toBeGreaterThanOrEqual(1);

    // The loop comes compiled, is not compiled again, and runs on the second machine's registers.
    const second = machineWith(loop(1, loops), cache);
    second.cpu.regs[0] = 1000n;
    expect(run(second)).toEqual({ r0: BigInt(1000 + loops + 1), instructions: first.instructions });
    expect(second.translationStats).toMatchObject({ lifted: 0, reused: 3 });
    expect(second.translationStats.reusedWasm).toBeGreaterThanOrEqual(1);
    expect(second.tierUpStats?.modules).toBe(0);
    expect(first.cpu.regs[0]).toBe(BigInt(loops + 1));
  });

  it('hands on a function running two blocks only where both read the same', () => {
    // P and Q branch to each other while r3 lasts: one wasm function runs both (a region).
    const pq = (step: number, loops: number) => [
      op(5, loops), // 0: r3 = loops
      op(1, 1), // 4: P: r0 += 1
      op(3, 2), // 8: to Q while r3--
      op(4), // 12: syscall (exit)
      op(1, step), // 16: Q: r0 += step
      op(3, -4), // 20: to P while r3--
      op(4), // 24
    ];
    const loops = 20_000;
    const cache = new TranslationCache(96 * MB);
    const first = machineWith(pq(2, loops), cache);
    expect(run(first).r0).toBe(BigInt((loops / 2) * 3 + 1));
    expect(first.tierUpStats?.installed).toBeGreaterThanOrEqual(2);
    // The same P, another Q: the function compiled for P runs Q's code as it read in the first
    // machine, so the second must not take it.
    const second = machineWith(pq(7, loops), cache);
    expect(run(second).r0).toBe(BigInt((loops / 2) * 8 + 1));
    expect(second.translationStats).toMatchObject({ lifted: 2, reusedWasm: 0 });
    // The first program again: it takes the function and compiles nothing.
    const third = machineWith(pq(2, loops), cache);
    expect(run(third).r0).toBe(BigInt((loops / 2) * 3 + 1));
    expect(third.translationStats).toMatchObject({ lifted: 0, reusedWasm: 1 });
    expect(third.tierUpStats?.modules).toBe(0);
  });

  for (const executor of EXECUTORS) {
    it(`still drops and relifts code the program rewrites, and reuses a version that matches again (${executor})`, () => {
      const loops = 4000;
      const words = [
        op(1, 1), // 0: r0 += 1
        op(3, -1), // 4: loop to 0 while r3--
        op(2), // 8: mem32[r1] = r2: rewrites instruction 0
        op(5, loops), // 12: r3 = loops
        op(6, -4), // 16: once more from 0 while r4--
        op(4), // 20: syscall (exit)
      ];
      const runOn = (cache: TranslationCache | null, rewriteTo: number) => {
        const machine = machineWith(words, cache, executor);
        machine.cpu.regs[1] = BigInt(CODE);
        machine.cpu.regs[2] = BigInt(rewriteTo);
        machine.cpu.regs[3] = BigInt(loops);
        machine.cpu.regs[4] = 2n;
        return { ...run(machine), stats: machine.translationStats };
      };
      // Rounds 2 and 3 run the rewritten instruction (r0 += 3).
      const expected = BigInt(loops + 1 + 2 * (loops + 1) * 3);
      const without = runOn(null, op(1, 3));
      expect(without.r0).toBe(expected);
      const cache = new TranslationCache(96 * MB);
      const first = runOn(cache, op(1, 3));
      expect({ r0: first.r0, instructions: first.instructions }).toEqual({
        r0: expected,
        instructions: without.instructions,
      });
      // Rewriting instruction 0 to what it was: the second and third rounds take the first
      // round's block back from the cache instead of running the code as it was lifted before.
      const again = runOn(cache, op(1, 1));
      expect(again.r0).toBe(BigInt(3 * (loops + 1)));
      expect(again.stats.lifted).toBe(0);
    });
  }

  for (const executor of EXECUTORS) {
    it(`gives a block to memories of both kinds unless its lifting asked which kind it is for (${executor})`, () => {
      const cache = new TranslationCache(96 * MB);
      const words = [
        op(5, 0), // 0: r3 = 0
        op(3, 1), // 4: not taken: the first block ends here
        op(7), // 8: r5 = shared ? 1 : 0 (its block asks)
        op(4), // 12: syscall (exit)
      ];
      const kinds = [false, true, false, true];
      const seen = kinds.map((shared) => {
        const machine = machineWith(words, cache, executor, shared);
        run(machine);
        return [
          shared,
          machine.cpu.regs[5],
          machine.translationStats.lifted,
          machine.translationStats.reused,
        ];
      });
      // On shared memory, the first block comes from the cache and the asking one is lifted for
      // it; on the wasm executor every block is a module from the start, which imports memory
      // of one kind, so both are lifted again.
      const liftedOnShared = executor === 'wasm' ? [2, 0] : [1, 1];
      expect(seen).toEqual([
        [false, 0n, 2, 0],
        [true, 1n, ...liftedOnShared],
        [false, 0n, 0, 2],
        [true, 1n, 0, 2],
      ]);
    });
  }

  it('hands a compiled module only to memories of the kind it imports', () => {
    const cache = new TranslationCache(96 * MB);
    const loops = 20_000;
    const first = machineWith(loop(1, loops), cache);
    expect(run(first).r0).toBe(BigInt(loops + 1));
    expect(first.tierUpStats?.installed).toBeGreaterThanOrEqual(1);

    // The loop's module imports an unshared memory: a machine on shared memory lifts it anew.
    const shared = machineWith(loop(1, loops), cache, 'tiered', true);
    expect(run(shared)).toEqual({ r0: BigInt(loops + 1), instructions: first.instructions });
    expect(shared.translationStats.reusedWasm).toBe(0);
    expect(shared.translationStats.lifted).toBeGreaterThanOrEqual(1);
    expect(shared.tierUpStats?.installed).toBeGreaterThanOrEqual(1);

    // Each kind now finds a module of its own.
    for (const kind of [false, true]) {
      const next = machineWith(loop(1, loops), cache, 'tiered', kind);
      expect(run(next).r0).toBe(BigInt(loops + 1));
      expect(next.translationStats).toMatchObject({ lifted: 0, reused: 3 });
      expect(next.translationStats.reusedWasm).toBeGreaterThanOrEqual(1);
    }
  });

  it('keeps a few versions per PC and its bytes under the cap, the least recently used going first', () => {
    const cache = new TranslationCache(96 * MB);
    for (let step = 1; step <= VERSIONS_PER_PC + 2; step++) {
      expect(run(machineWith(loop(step, 3), cache, 'threaded')).r0).toBe(BigInt(step * 4));
    }
    // The exit block is the same each time; the two blocks holding r0 += step had six versions
    // each, of which the four used last are kept.
    expect(cache.stats).toMatchObject({ entries: 1 + 2 * VERSIONS_PER_PC, evicted: 2 * 2 });
    const latest = machineWith(loop(VERSIONS_PER_PC + 2, 3), cache, 'threaded');
    run(latest);
    expect(latest.translationStats).toMatchObject({ lifted: 0, reused: 3 });
    const oldest = machineWith(loop(1, 3), cache, 'threaded');
    expect(run(oldest).r0).toBe(4n);
    expect(oldest.translationStats).toMatchObject({ lifted: 2, reused: 1 });

    const small = new TranslationCache(2000);
    for (let step = 1; step <= 20; step++) {
      expect(run(machineWith(loop(step, 3), small, 'threaded')).r0).toBe(BigInt(step * 4));
      expect(small.stats.bytes).toBeLessThanOrEqual(2000);
    }
    expect(small.stats.evicted).toBeGreaterThan(0);
    expect(small.stats.entries).toBeLessThan(3);
  });

  it('is sized by ARM64KIT_TRANSLATION_CACHE_MB, and off at 0', () => {
    process.env.ARM64KIT_TRANSLATION_CACHE_MB = '0';
    expect(TranslationCache.fromEnvironment()).toBeNull();
    process.env.ARM64KIT_TRANSLATION_CACHE_MB = '3';
    expect(TranslationCache.fromEnvironment()?.capBytes).toBe(3 * MB);
    delete process.env.ARM64KIT_TRANSLATION_CACHE_MB;
    expect(TranslationCache.fromEnvironment()?.capBytes).toBe(96 * MB);
    process.env.ARM64KIT_TRANSLATION_CACHE_MB = 'lots';
    expect(() => TranslationCache.fromEnvironment()).toThrow(/ARM64KIT_TRANSLATION_CACHE_MB/);
  });
});
