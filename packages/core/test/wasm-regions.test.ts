import { describe, expect, it } from 'vitest';
import { regionCompanions } from '../src/exec/region-companions.js';
import { REGION_SPINS } from '../src/exec/wasm/block-compiler.js';
import { findRegions, hasComputedTarget } from '../src/exec/wasm/regions.js';
import { INSTRUCTION_COUNTER_OFFSET } from '../src/exec/wasm/runtime.js';
import {
  type Cpu,
  compileWasmBlocks,
  EXECUTORS,
  GuestExit,
  GuestSignal,
  type IrBlock,
  IrBuilder,
  interpretBlock,
  type LinuxKernel,
  Machine,
  optimizeBlock,
  type PagedMemory,
} from '../src/index.js';
import { freshCpu, toyLayout } from './helpers.js';
import { CODE, loopArch, op } from './loop-arch.js';

/**
 * Blocks of one module that loop among themselves through constant jumps run as one wasm
 * function (a region), going from member to member inside it with the registers in locals. These
 * tests run such loops on wasm and on the reference interpreter from the same state and compare
 * everything observable: where the loop left or the signal that ended it, every register slot,
 * guest memory and the instructions counted.
 */

const DATA = 0x20000; // two read-write pages
const A = 0x8000n;
const B = 0x8100n;
const C = 0x8200n;
const D = 0x8300n;
const OUT = 0x8400n;

/** A block at `pc`: one instruction per `steps` entry, then `exit`. */
function block(pc: bigint, steps: ((b: IrBuilder) => void)[], exit: (b: IrBuilder) => void): IrBlock {
  const b = new IrBuilder(pc);
  steps.forEach((step, i) => {
    b.insn(pc + BigInt(4 * i), 0);
    step(b);
  });
  exit(b);
  return b.finish();
}

/**
 * A loop whose body branches: A adds mem64[r1] to r0 and steps r1, then goes to B when r0 is odd,
 * else to C; B counts in r4 and stores r0 at [r3]; C mixes r0 into r5; both go to D, which counts
 * r2 down and goes back to A, or out. No member jumps to itself.
 */
function branchingLoop(): IrBlock[] {
  return [
    block(
      A,
      [
        (b) => b.setReg(0, b.add(b.getReg(0), b.load(b.getReg(1), 8))),
        (b) => b.setReg(1, b.add(b.getReg(1), 8n)),
      ],
      (b) => b.jump(b.select(b.ne(b.and(b.getReg(0), 1n), 0n), b.const64(B), b.const64(C))),
    ),
    block(B, [(b) => b.setReg(4, b.add(b.getReg(4), 1n)), (b) => b.store(b.getReg(3), b.getReg(0), 8)], (b) =>
      b.jump(D),
    ),
    block(C, [(b) => b.setReg(5, b.xor(b.getReg(5), b.getReg(0)))], (b) => b.jump(D)),
    block(D, [(b) => b.setReg(2, b.sub(b.getReg(2), 1n))], (b) =>
      b.jump(b.select(b.ne(b.getReg(2), 0n), b.const64(A), b.const64(OUT))),
    ),
  ].map(optimizeBlock);
}

const CALL = 0x8800n;
const CALL_END = 0x8808n;
const F = 0x8c00n;

/**
 * A loop around a call: CALL sets the return address (r6 = its end) and jumps to F; F adds
 * mem64[r1] to r0, steps r1 and returns through r6; at CALL_END, r2 counts down and goes back to
 * CALL, or out.
 */
function callingLoop(): IrBlock[] {
  return [
    block(CALL, [(b) => b.setReg(5, b.add(b.getReg(5), 3n)), (b) => b.setReg(6, CALL_END)], (b) => b.jump(F)),
    block(
      F,
      [
        (b) => b.setReg(0, b.add(b.getReg(0), b.load(b.getReg(1), 8))),
        (b) => b.setReg(1, b.add(b.getReg(1), 8n)),
      ],
      (b) => b.jump(b.getReg(6)),
    ),
    block(CALL_END, [(b) => b.setReg(2, b.sub(b.getReg(2), 1n))], (b) =>
      b.jump(b.select(b.ne(b.getReg(2), 0n), b.const64(CALL), b.const64(OUT))),
    ),
  ].map(optimizeBlock);
}

function machine(r1: number, r2: bigint, r3: number, pc = A): { cpu: Cpu; memory: PagedMemory } {
  const m = freshCpu();
  m.memory.map(DATA, 2 * 4096, 3, true);
  for (let i = 0; i < 2 * 4096; i++) m.memory.write8(DATA + i, (i * 37 + 11) & 0xff);
  for (let slot = 0; slot < 8; slot++) m.cpu.regs[slot] = 0x0101_0101n * BigInt(slot + 1);
  m.cpu.regs[1] = BigInt(r1);
  m.cpu.regs[2] = r2;
  m.cpu.regs[3] = BigInt(r3);
  m.cpu.regs[toyLayout.pc] = pc;
  return m;
}

interface Outcome {
  end: bigint | { signal: string; pc: bigint | null; address?: bigint };
  regs: bigint[];
  data: bigint[];
  entries: number;
}

/** Runs the block at the PC through `runners` until the PC leaves them (or `limit` entries). */
function run(
  runners: Map<bigint, () => number>,
  m: { cpu: Cpu; memory: PagedMemory },
  limit = 100_000,
): Outcome {
  let end: Outcome['end'];
  let entries = 0;
  try {
    for (;;) {
      const pc = m.cpu.regs[toyLayout.pc];
      const runner = runners.get(pc);
      if (runner === undefined || entries >= limit) {
        end = pc;
        break;
      }
      entries++;
      runner();
    }
  } catch (error) {
    if (!(error instanceof GuestSignal)) throw error;
    const fault = error as GuestSignal & { address?: bigint };
    end = { signal: error.signal, pc: error.pc, address: fault.address };
  }
  const data: bigint[] = [];
  for (let at = DATA; at < DATA + 2 * 4096; at += 8) data.push(m.memory.read64(at));
  return { end, regs: Array.from(m.cpu.regs.subarray(0, toyLayout.names.length)), data, entries };
}

function interpreted(blocks: IrBlock[], m: { cpu: Cpu; memory: PagedMemory }): Map<bigint, () => number> {
  return new Map(blocks.map((b) => [b.pc, () => interpretBlock(b, m.cpu, m.memory)]));
}

function compiled(blocks: IrBlock[], m: { cpu: Cpu; memory: PagedMemory }): Map<bigint, () => number> {
  const runners = compileWasmBlocks(blocks, m.cpu, m.memory);
  return new Map(blocks.map((b, i) => [b.pc, () => runners[i]()]));
}

const counted = (m: { memory: PagedMemory }) => m.memory.i32[INSTRUCTION_COUNTER_OFFSET >>> 2];

describe('wasm regions: finding them', () => {
  it('takes the blocks that loop among themselves, and only those', () => {
    const loop = branchingLoop();
    const lead = block(0x9000n, [(b) => b.setReg(6, 1n)], (b) => b.jump(A));
    const exit = block(OUT, [(b) => b.setReg(6, 2n)], (b) => b.jump(0x9000n));
    // A second loop of two blocks, in the same module.
    const e = block(0xa000n, [(b) => b.setReg(7, 1n)], (b) => b.jump(0xa100n));
    const f = block(0xa100n, [(b) => b.setReg(7, 2n)], (b) => b.jump(0xa000n));
    expect(findRegions([lead, ...loop, e, f])).toEqual([
      { members: [1, 2, 3, 4], targets: [[B, C], [D], [D], [A]] },
      { members: [5, 6], targets: [[0xa100n], [0xa000n]] },
    ]);
    // With OUT jumping back to the start, lead and OUT join the loop: one bigger region.
    expect(findRegions([lead, ...loop, exit]).map((r) => r.members)).toEqual([[0, 1, 2, 3, 4, 5]]);
  });

  it('tells the blocks whose jump goes to an address computed at run time (before and after optimizing)', () => {
    const cases: [string, IrBlock, boolean][] = [
      ['a constant', block(A, [(b) => b.setReg(0, 1n)], (b) => b.jump(B)), false],
      ['a select of constants', branchingLoop()[0], false],
      [
        'a select with a register arm',
        block(A, [], (b) => b.jump(b.select(b.ne(b.getReg(1), 0n), b.getReg(2), b.const64(C)))),
        true,
      ],
      ['a register', block(A, [], (b) => b.jump(b.getReg(6))), true],
      ['an address loaded from memory', block(A, [], (b) => b.jump(b.load(b.getReg(1), 8))), true],
      [
        'a register, after a helper call',
        block(A, [(b) => b.callHelper(() => undefined, [])], (b) => b.jump(b.getReg(6))),
        false,
      ],
      ['no jump', block(A, [], (b) => b.syscall()), false],
    ];
    for (const [what, ir, computed] of cases) {
      expect([what, hasComputedTarget(ir)]).toEqual([what, computed]);
      expect([what, hasComputedTarget(optimizeBlock(ir))]).toEqual([what, computed]);
    }
  });

  it('leaves out blocks that call a helper or end otherwise than in a jump', () => {
    const [a, b, c, d] = branchingLoop();
    const helperC = block(C, [(x) => x.callHelper(() => undefined, [])], (x) => x.jump(D));
    // A helper in C: A, B and D still loop through B.
    expect(findRegions([a, b, helperC, d]).map((r) => r.members)).toEqual([[0, 1, 3]]);
    const syscallD = block(D, [(x) => x.setReg(2, 0n)], (x) => x.syscall());
    expect(findRegions([a, b, c, syscallD])).toEqual([]);
  });

  it('follows a call into its callee and back from its return', () => {
    const [caller, callee, after] = callingLoop();
    // The callee's return may go to the caller's return address: that closes the loop.
    expect(findRegions([caller, callee, after])).toEqual([
      { members: [0, 1, 2], targets: [[F], [CALL_END], [CALL]] },
    ]);
    // A computed jump that is no callee's return leads nowhere known.
    const stray = block(0xb000n, [(b) => b.setReg(0, 1n)], (b) => b.jump(b.getReg(6)));
    expect(findRegions([stray, callee])).toEqual([]);
  });
});

const DISPATCH = 0x9000n;
const H1 = 0x9100n;
const H2 = 0x9200n;
const H3 = 0x9300n;

/**
 * An interpreter's loop: DISPATCH reads the next handler's address from the program at [r1] and
 * jumps there (a computed target); H1 and H2 add to r0 and r4 and go back to DISPATCH; H3 ends
 * it. `seen` are the targets the dispatch was seen to take before it was compiled.
 */
function interpreterLoop(seen: bigint[]): IrBlock[] {
  const dispatch = block(
    DISPATCH,
    [(b) => b.setReg(5, b.load(b.getReg(1), 8)), (b) => b.setReg(1, b.add(b.getReg(1), 8n))],
    (b) => b.jump(b.getReg(5)),
  );
  return [
    { ...optimizeBlock(dispatch), targetsSeen: seen },
    block(H1, [(b) => b.setReg(0, b.add(b.getReg(0), 1n))], (b) => b.jump(DISPATCH)),
    block(H2, [(b) => b.setReg(4, b.add(b.getReg(4), b.getReg(0)))], (b) => b.jump(DISPATCH)),
    block(H3, [(b) => b.setReg(6, 1n)], (b) => b.jump(OUT)),
  ].map((b, i) => (i === 0 ? b : optimizeBlock(b)));
}

/** A program for interpreterLoop at DATA: `n` handlers H1/H2 in a fixed pattern, then H3. */
function interpreterProgram(m: { memory: PagedMemory }, n: number): void {
  for (let i = 0; i < n; i++) m.memory.write64(DATA + 8 * i, i % 3 === 2 ? H2 : H1);
  m.memory.write64(DATA + 8 * n, H3);
}

describe('wasm regions: against the reference interpreter', () => {
  for (const [name, r1, r2] of [
    ['runs to its end', DATA, 900n],
    // Dies at iteration 1014 of A's load: the fault comes mid-region, far from an entry.
    ['faults on the page after the data, mid-loop', DATA + 16, 5000n],
  ] as const) {
    it(`${name}: the same registers, memory, signal and instruction count`, () => {
      const blocks = branchingLoop();
      const ref = machine(r1, r2, DATA + 8);
      const expected = run(interpreted(blocks, ref), ref);
      const w = machine(r1, r2, DATA + 8);
      const before = counted(w);
      const actual = run(compiled(blocks, w), w);
      // Counted per block entered, as the machine counts for the other executors.
      expect(counted(w) - before).toBe(countInstructions(blocks, r1, r2));
      if (typeof expected.end === 'bigint') {
        expect(expected.end).toBe(OUT);
        // The region came back to the dispatcher every REGION_SPINS transfers, not at every block.
        expect(actual.entries).toBeLessThan(expected.entries / (REGION_SPINS / 2));
      } else {
        expect(expected.end).toMatchObject({ signal: 'SIGSEGV', pc: A, address: BigInt(DATA + 8192) });
      }
      expect({ ...actual, entries: 0 }).toEqual({ ...expected, entries: 0 });
    });
  }

  it('a call and its return inside the region: the same as the interpreter, and out when the return goes elsewhere', () => {
    for (const loops of [700n, 5000n]) {
      const blocks = callingLoop();
      const ref = machine(DATA, loops, 0, CALL);
      const expected = run(interpreted(blocks, ref), ref);
      const w = machine(DATA, loops, 0, CALL);
      const actual = run(compiled(blocks, w), w);
      if (loops === 700n) {
        expect(expected.end).toBe(OUT);
        expect(actual.entries).toBeLessThan(expected.entries / (REGION_SPINS / 2));
      } else {
        expect(expected.end).toMatchObject({ signal: 'SIGSEGV', pc: F, address: BigInt(DATA + 8192) });
      }
      expect({ ...actual, entries: 0 }).toEqual({ ...expected, entries: 0 });
    }
    // F returning somewhere else (it moved its return address by r7): the function leaves there.
    const [caller, , after] = callingLoop();
    const elsewhere = block(F, [(b) => b.setReg(6, b.add(b.getReg(6), b.getReg(7)))], (b) =>
      b.jump(b.getReg(6)),
    );
    const w = machine(DATA, 10n, 0, CALL);
    const blocks = [caller, optimizeBlock(elsewhere), after];
    expect(findRegions(blocks).map((r) => r.members)).toEqual([[0, 1, 2]]);
    expect(compileWasmBlocks(blocks, w.cpu, w.memory)[0]()).toBe(0);
    expect(w.cpu.regs[toyLayout.pc]).toBe(CALL_END + w.cpu.regs[7]);
    expect(w.cpu.regs[5]).toBe(0x0101_0101n * 6n + 3n);
  });

  it('a computed jump goes to the members it was seen to take, and leaves for any other', () => {
    const blocks = interpreterLoop([H1, H2]);
    expect(findRegions(blocks)).toEqual([
      { members: [0, 1, 2], targets: [[H1, H2], [DISPATCH], [DISPATCH]] },
    ]);
    // Without what was seen, a computed jump leads nowhere known: no region.
    expect(findRegions(interpreterLoop([]))).toEqual([]);
    const ref = machine(DATA, 0n, 0, DISPATCH);
    interpreterProgram(ref, 900);
    const expected = run(interpreted(blocks, ref), ref);
    const w = machine(DATA, 0n, 0, DISPATCH);
    interpreterProgram(w, 900);
    const actual = run(compiled(blocks, w), w);
    // H3 was never seen: the dispatch to it leaves the function, and the caller runs H3.
    expect(expected.end).toBe(OUT);
    expect(actual.entries).toBeLessThan(expected.entries / (REGION_SPINS / 2));
    expect({ ...actual, entries: 0 }).toEqual({ ...expected, entries: 0 });
  });

  it('takes the loops of fixed edges when the seen targets make one too big', () => {
    // 100 blocks in a chain, the last jumping back to the first through a seen computed target,
    // and a two-block loop of fixed edges (50 and Q) inside it.
    const q = 0xf000n;
    const at = (i: number) => 0x10000n + BigInt(i) * 0x100n;
    const chain = Array.from({ length: 100 }, (_, i) =>
      i === 99
        ? {
            ...block(at(i), [(b) => b.setReg(1, b.getReg(2))], (b) => b.jump(b.getReg(1))),
            targetsSeen: [at(0)],
          }
        : i === 50
          ? block(at(i), [(b) => b.setReg(0, 1n)], (b) =>
              b.jump(b.select(b.ne(b.getReg(3), 0n), b.const64(q), b.const64(at(51)))),
            )
          : block(at(i), [(b) => b.setReg(0, 1n)], (b) => b.jump(at(i + 1))),
    );
    const back = block(q, [(b) => b.setReg(3, b.sub(b.getReg(3), 1n))], (b) => b.jump(at(50)));
    expect(findRegions([...chain, back]).map((r) => r.members)).toEqual([[50, 100]]);
  });

  it('leaves at the next transfer after a store to a page holding lifted code', () => {
    const w = machine(DATA, 400n, DATA + 4096 + 8);
    w.memory.protect(DATA + 4096, 4096, 7);
    w.memory.fetch32(BigInt(DATA + 4096)); // a lifter read code on the second data page
    const runners = compiled(branchingLoop(), w);
    // Until the first store (in B), the region runs on; B's store takes the slow path and the
    // function returns at B's jump to D instead of going on.
    const ref = machine(DATA, 400n, DATA + 4096 + 8);
    const stepped = interpreted(branchingLoop(), ref);
    let blocksToFirstStore = 0;
    for (;;) {
      const pc = ref.cpu.regs[toyLayout.pc];
      stepped.get(pc)?.();
      blocksToFirstStore++;
      if (pc === B) break;
    }
    expect((runners.get(A) as () => number)()).toBe(0);
    expect(w.cpu.regs[toyLayout.pc]).toBe(D);
    expect(Array.from(w.cpu.regs.subarray(0, 8))).toEqual(Array.from(ref.cpu.regs.subarray(0, 8)));
    expect(blocksToFirstStore).toBeGreaterThan(1);
    // The store cleared the code bit: the next entry runs a full REGION_SPINS transfers.
    const before = w.cpu.regs[2];
    (runners.get(D) as () => number)();
    expect(before - w.cpu.regs[2]).toBeGreaterThan(BigInt(REGION_SPINS / 4));
  });
});

/** Instructions of the blocks the interpreter enters running the loop from this state. */
function countInstructions(blocks: IrBlock[], r1: number, r2: bigint): number {
  const m = machine(r1, r2, DATA + 8);
  const runners = interpreted(blocks, m);
  let n = 0;
  const byPc = new Map(blocks.map((b) => [b.pc, b.instructionCount]));
  try {
    for (;;) {
      const pc = m.cpu.regs[toyLayout.pc];
      const runner = runners.get(pc);
      if (runner === undefined) break;
      n += byPc.get(pc) as number;
      runner();
    }
  } catch (error) {
    if (!(error instanceof GuestSignal)) throw error;
  }
  return n;
}

describe('wasm regions: in the machine', () => {
  it('a region is dropped when a member on another page is rewritten, on every executor', () => {
    // P (first page) and Q (second page) branch to each other while r3 lasts; P falls through to
    // a syscall, whose handler rewrites Q's first instruction (r0 += 2 becomes r0 += 5), then
    // the loop runs again. A function for P that still ran Q's old code would add 2.
    const loops = 40_000; // even: the loop always leaves through P
    const q = CODE + 4096;
    const words = new Map<number, number>([
      [CODE, op(1, 1)], // P: r0 += 1
      [CODE + 4, op(3, (q - CODE - 4) / 4)], // to Q while r3--
      [CODE + 8, op(4)], // syscall
      [CODE + 12, op(5, loops)], // r3 = loops
      [CODE + 16, op(6, -4)], // to P once more while r4--
      [q, op(1, 2)], // Q: r0 += 2
      [q + 4, op(3, (CODE - q - 4) / 4)], // to P while r3--
      [q + 8, op(4)],
    ]);
    for (const executor of EXECUTORS) {
      const machine = new Machine(loopArch, { executor });
      machine.memory.map(CODE, 2 * 4096, 7, true);
      for (const [at, word] of words) machine.memory.write32(at, word);
      machine.cpu.regs[3] = BigInt(loops);
      machine.cpu.regs[4] = 1n;
      machine.cpu.pc = BigInt(CODE);
      const snapshots: bigint[] = [];
      const kernel = {
        syscall(cpu: Cpu) {
          snapshots.push(cpu.regs[0]);
          if (snapshots.length === 2) throw new GuestExit(0);
          machine.memory.poke(q, new Uint8Array(Uint32Array.of(op(1, 5)).buffer));
        },
        deliverFault: (_cpu: unknown, signal: GuestSignal) => signal,
      } as unknown as LinuxKernel;
      machine.run(kernel);
      const half = BigInt(loops / 2);
      // Each pass: r3 / 2 rounds of P and Q, then P once more on its way out.
      expect({ executor, snapshots }).toEqual({ executor, snapshots: [half * 3n + 1n, half * 9n + 2n] });
      if (executor === 'tiered') expect(machine.tierUpStats?.installed).toBeGreaterThan(0);
    }
  });
});

describe('wasm regions: blocks compiled before, alone', () => {
  it('go with a later batch when they close a region with it, and not otherwise', () => {
    const [a, b, c, d] = branchingLoop();
    const lifted: bigint[] = [];
    const relift = (pc: bigint) => {
      lifted.push(pc);
      return [a, b, c, d].find((x) => x.pc === pc) ?? null;
    };
    // A and D ran alone (compiled in an earlier batch); B and C got hot now.
    const alone = new Set([A, D]);
    const found = regionCompanions([b, c], (pc) => (alone.has(pc) ? `block ${pc}` : undefined), relift);
    expect(found.map((x) => x.block).sort()).toEqual([`block ${A}`, `block ${D}`]);
    expect(findRegions([b, c, ...found.map((x) => x.ir)]).map((r) => r.members.length)).toEqual([4]);
    // Only D runs alone: B, C and D make no loop without A, so nothing goes along.
    expect(regionCompanions([b, c], (pc) => (pc === D ? 'D' : undefined), relift)).toEqual([]);
  });
});
