import { describe, expect, it } from 'vitest';
import { SELF_LOOP_SPINS } from '../src/exec/wasm/block-compiler.js';
import { INSTRUCTION_COUNTER_OFFSET } from '../src/exec/wasm/runtime.js';
import {
  type Cpu,
  compileWasmBlock,
  GuestSignal,
  type IrBlock,
  IrBuilder,
  interpretBlock,
  optimizeBlock,
  type PagedMemory,
  type Value,
} from '../src/index.js';
import { freshCpu, toyLayout } from './helpers.js';

/**
 * The wasm executor keeps register slots in wasm locals and writes them back only at exits,
 * helper calls and the slow (possibly faulting) memory paths. These tests run blocks on it and on
 * the reference interpreter, which writes every register at once, from the same state, and
 * compare everything observable: the exit or the signal (with its PC and address), every register
 * slot, and guest memory.
 */

const DATA = 0x20000; // two read-write pages
const RO = 0x30000; // one read-only page
const UNMAPPED = 0x7000_0000n;
const SLOTS = [0, 1, 2, 3, 4, 5, 6, 7, toyLayout.sp];

function machine(): { cpu: Cpu; memory: PagedMemory } {
  const m = freshCpu();
  m.memory.map(DATA, 2 * 4096, 3, true);
  m.memory.map(RO, 4096, 1, true);
  for (let i = 0; i < 2 * 4096; i++) m.memory.write8(DATA + i, (i * 37 + 11) & 0xff);
  SLOTS.forEach((slot, i) => {
    m.cpu.regs[slot] = 0x1111_1111_1111_1111n * BigInt(i + 1);
  });
  m.cpu.regs[toyLayout.pc] = 0xdead_0000n;
  return m;
}

interface Outcome {
  exit: number | { signal: string; pc: bigint | null; address?: bigint; access?: string };
  regs: bigint[];
  data: bigint[];
}

function outcome(run: () => number, cpu: Cpu, memory: PagedMemory): Outcome {
  let exit: Outcome['exit'];
  try {
    exit = run();
  } catch (error) {
    if (!(error instanceof GuestSignal)) throw error;
    const { signal, pc } = error;
    const fault = error as GuestSignal & { address?: bigint; access?: string };
    exit = { signal, pc, address: fault.address, access: fault.access };
  }
  const data: bigint[] = [];
  for (let at = DATA; at < DATA + 2 * 4096; at += 8) data.push(memory.read64(at));
  return { exit, regs: Array.from(cpu.regs.subarray(0, toyLayout.names.length)), data };
}

/** Runs `block` on the reference interpreter and on wasm (as lifted and as optimised) and compares. */
function expectSameAsReference(block: IrBlock): Outcome {
  const ref = machine();
  const expected = outcome(() => interpretBlock(block, ref.cpu, ref.memory), ref.cpu, ref.memory);
  for (const ir of [block, optimizeBlock(block)]) {
    const w = machine();
    const run = compileWasmBlock(ir, w.cpu, w.memory);
    expect(outcome(run, w.cpu, w.memory)).toEqual(expected);
  }
  return expected;
}

describe('wasm register cache: state at faults, helpers and exits', () => {
  it('a faulting load after dirty register writes sees the registers of the faulting instruction', () => {
    const b = new IrBuilder(0x5000n);
    b.insn(0x5000n, 0);
    b.setReg(1, 11n);
    b.setReg(2, b.add(b.getReg(0), 1n));
    b.insn(0x5004n, 0);
    b.setReg(1, b.load(b.const64(BigInt(DATA + 8)), 8)); // fast path, no write-back
    b.setReg(3, b.getReg(1));
    b.insn(0x5008n, 0);
    b.setReg(4, b.load(b.const64(UNMAPPED), 4)); // faults
    b.setReg(1, 99n);
    b.setReg(5, 5n);
    b.jump(0x6000n);
    const r = expectSameAsReference(b.finish());
    expect(r.exit).toMatchObject({ signal: 'SIGSEGV', pc: 0x5008n, address: UNMAPPED, access: 'read' });
    expect(r.regs[2]).toBe(0x1111_1111_1111_1112n);
    expect(r.regs[5]).toBe(0x6666_6666_6666_6666n);
  });

  it('a faulting store and a fault after a page-crossing slow path see the same state', () => {
    const b = new IrBuilder(0x5000n);
    b.insn(0x5000n, 0);
    b.setReg(6, b.load(b.const64(BigInt(DATA + 4096 - 2)), 4)); // crosses a page: slow, succeeds
    b.setReg(7, b.xor(b.getReg(6), b.getReg(0)));
    b.insn(0x5004n, 0);
    b.store(b.const64(BigInt(DATA + 4096 - 4)), b.getReg(7), 8); // slow, succeeds
    b.setReg(6, 1n);
    b.insn(0x5008n, 0);
    b.store(b.const64(BigInt(RO + 16)), b.getReg(6), 2); // faults: read-only
    b.setReg(6, 2n);
    b.jump(0x6000n);
    const r = expectSameAsReference(b.finish());
    expect(r.exit).toMatchObject({ signal: 'SIGSEGV', pc: 0x5008n, access: 'write' });
    expect(r.regs[6]).toBe(1n);
  });

  it('a helper between register writes sees them, and the block reads what the helper wrote', () => {
    const seen: bigint[][] = [];
    const b = new IrBuilder(0x5000n);
    b.insn(0x5000n, 0);
    const x = b.getReg(2);
    b.setReg(1, 0x100n);
    b.setReg(2, b.add(x, 1n));
    b.insn(0x5004n, 0);
    b.callHelper((cpu) => {
      seen.push([cpu.regs[1], cpu.regs[2]]);
      cpu.regs[2] = cpu.regs[2] * 2n;
      cpu.regs[3] = 0x333n;
    }, []);
    b.setReg(4, b.add(b.getReg(2), b.getReg(3)));
    b.setReg(5, x); // the value read before the helper ran
    b.jump(0x6000n);
    const r = expectSameAsReference(b.finish());
    expect(seen).toEqual(Array(3).fill([0x100n, 0x3333_3333_3333_3334n]));
    expect(r.regs[2]).toBe(0x6666_6666_6666_6668n);
    expect(r.regs[4]).toBe(0x6666_6666_6666_6668n + 0x333n);
    expect(r.regs[5]).toBe(0x3333_3333_3333_3333n);
  });

  it('a signal from a helper leaves the registers written before the call', () => {
    const b = new IrBuilder(0x5000n);
    b.insn(0x5000n, 0);
    b.setReg(1, 7n);
    b.insn(0x5004n, 0);
    b.callHelper(() => {
      throw new GuestSignal('SIGILL', 'unsupported system register');
    }, []);
    b.setReg(1, 8n);
    b.jump(0x6000n);
    const r = expectSameAsReference(b.finish());
    expect(r.exit).toMatchObject({ signal: 'SIGILL', pc: 0x5004n });
    expect(r.regs[1]).toBe(7n);
  });

  it('a syscall exit and a trap exit leave every written register in the register file', () => {
    for (const kind of ['syscall', 'trap'] as const) {
      const b = new IrBuilder(0x5000n);
      b.insn(0x5000n, 0);
      b.setReg(0, b.add(b.getReg(0), b.getReg(1)));
      b.setReg(1, 64n);
      b.setReg(toyLayout.sp, b.sub(b.getReg(toyLayout.sp), 16n));
      b.insn(0x5004n, 0);
      if (kind === 'syscall') b.syscall(0x5008n);
      else b.trap('SIGTRAP', 0x5004n, 'breakpoint');
      const r = expectSameAsReference(b.finish());
      expect(r.regs[1]).toBe(64n);
      expect(r.regs[toyLayout.pc]).toBe(kind === 'syscall' ? 0x5008n : 0x5004n);
    }
  });
});

/** A small deterministic PRNG (mulberry32), so a failure names a seed that reproduces it. */
function prng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) % n) >>> 0;
  };
}

/**
 * A random block over a few slots: register reads and writes, arithmetic, loads and stores on the
 * fast path, across a page (slow path) and at addresses that fault, and helpers that read, write
 * or throw. Instructions are 4 bytes apart, a few IR operations each.
 */
function randomBlock(seed: number): IrBlock {
  const r = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[r(xs.length)];
  const b = new IrBuilder(0x8000n);
  const pool: Value[] = [];
  const value = (): Value => (pool.length > 0 && r(4) > 0 ? pick(pool) : b.getReg(pick(SLOTS)));
  const address = (size: number, forStore: boolean): Value => {
    switch (r(8)) {
      case 0:
        return b.const64(UNMAPPED + BigInt(r(4096)));
      case 1:
        return b.const64(BigInt(forStore ? RO + r(4000) : DATA + 4096 - 1 - r(size - 1 || 1)));
      case 2:
        return b.const64(BigInt(DATA + 4096 - 1 - r(7)));
      default:
        return b.const64(BigInt(DATA + r(2 * 4096 - 8)));
    }
  };
  let pc = 0x8000n;
  const count = 4 + r(12);
  for (let i = 0; i < count; i++) {
    b.insn(pc, i);
    pc += 4n;
    for (let j = 1 + r(4); j > 0; j--) {
      switch (r(9)) {
        case 0:
        case 1:
          pool.push(b.getReg(pick(SLOTS)));
          break;
        case 2:
        case 3:
          b.setReg(pick(SLOTS), value());
          break;
        case 4:
          pool.push(pick([b.add, b.xor, b.mul, b.sub]).call(b, value(), value()));
          break;
        case 5: {
          const size = pick([1, 2, 4, 8] as const);
          const loaded = b.load(address(size, false), size, r(2) === 0);
          pool.push(loaded);
          if (r(2) === 0) b.setReg(pick(SLOTS), loaded);
          break;
        }
        case 6: {
          const size = pick([1, 2, 4, 8] as const);
          b.store(address(size, true), value(), size);
          break;
        }
        case 7: {
          const from = pick(SLOTS);
          const to = pick(SLOTS);
          const fails = r(6) === 0;
          b.callHelper((cpu) => {
            if (fails && (cpu.regs[from] & 1n) === 1n) throw new GuestSignal('SIGILL', 'helper gave up');
            cpu.regs[to] = BigInt.asUintN(64, cpu.regs[from] * 3n + 1n);
          }, []);
          break;
        }
        default:
          pool.push(b.const64(BigInt(r(1 << 30))));
      }
    }
  }
  const end = r(6);
  if (end === 0) b.syscall(pc);
  else if (end === 1) b.trap('SIGTRAP', pc - 4n, 'breakpoint');
  else b.jump(value());
  return b.finish();
}

describe('wasm register cache: random blocks against the reference interpreter', () => {
  it('agree on exits, signals, every register and memory for 300 seeded blocks', () => {
    const kinds = new Set<string>();
    for (let seed = 1; seed <= 300; seed++) {
      const block = randomBlock(seed);
      let expected: Outcome | undefined;
      try {
        expected = expectSameAsReference(block);
      } catch (error) {
        throw new Error(`seed ${seed}: ${(error as Error).message}`);
      }
      kinds.add(typeof expected.exit === 'number' ? `exit ${expected.exit}` : expected.exit.signal);
    }
    // The blocks did exercise every way out.
    expect([...kinds].sort()).toEqual(['SIGILL', 'SIGSEGV', 'SIGTRAP', 'exit 0', 'exit 1']);
  });
});

/**
 * A block that jumps back to itself: r0 += mem64[r1]; r1 += 8; mem64[r3] = r0; r2 -= 1; again
 * while r2 != 0. It loops inside its wasm function, its registers in locals between iterations.
 */
function loopBlock(): IrBlock {
  const b = new IrBuilder(0x7000n);
  b.insn(0x7000n, 0);
  b.setReg(0, b.add(b.getReg(0), b.load(b.getReg(1), 8)));
  b.insn(0x7004n, 0);
  b.setReg(1, b.add(b.getReg(1), 8n));
  b.insn(0x7008n, 0);
  b.store(b.getReg(3), b.getReg(0), 8);
  b.insn(0x700cn, 0);
  const n = b.sub(b.getReg(2), 1n);
  b.setReg(2, n);
  b.jump(b.select(b.ne(n, 0n), b.const64(0x7000n), b.const64(0x7010n)));
  return b.finish();
}

/** Runs `step` while the PC stays at the loop (at most `limit` times); returns how many ran. */
function spin(step: () => number, cpu: Cpu, limit: number): number {
  let runs = 0;
  do {
    step();
    runs++;
  } while (cpu.regs[toyLayout.pc] === 0x7000n && runs < limit);
  return runs;
}

describe('wasm register cache: a block looping to itself', () => {
  const start = (m: { cpu: Cpu }, r1: number, r2: bigint, r3: number) => {
    m.cpu.regs[1] = BigInt(r1);
    m.cpu.regs[2] = r2;
    m.cpu.regs[3] = BigInt(r3);
  };

  for (const [name, r1, r2] of [
    ['runs to its end', DATA, 700n],
    // 503 iterations, the last faulting: not at an entry's first iteration, where memory is current.
    ['faults on the page after the data, mid-loop', DATA + 4096 + 80, 1000n],
  ] as const) {
    it(`${name}: the same registers, memory, signal and instruction count as the interpreter`, () => {
      const ir = optimizeBlock(loopBlock());
      const ref = machine();
      start(ref, r1, r2, DATA + 16);
      const expected = outcome(
        () => spin(() => interpretBlock(ir, ref.cpu, ref.memory), ref.cpu, 2000),
        ref.cpu,
        ref.memory,
      );
      const w = machine();
      start(w, r1, r2, DATA + 16);
      const run = compileWasmBlock(ir, w.cpu, w.memory);
      const counter = () => w.memory.i32[INSTRUCTION_COUNTER_OFFSET >>> 2];
      const before = counter();
      const actual = outcome(() => spin(run, w.cpu, 2000), w.cpu, w.memory);
      if (typeof expected.exit === 'number') {
        // Both ran to the end: the interpreter once per iteration, wasm SELF_LOOP_SPINS at a time.
        expect(expected.exit).toBe(Number(r2));
        expect(actual.exit).toBe(Math.ceil(Number(r2) / SELF_LOOP_SPINS));
        expect(counter() - before).toBe(4 * Number(r2));
        actual.exit = expected.exit;
      } else {
        expect(expected.exit).toMatchObject({ signal: 'SIGSEGV', pc: 0x7000n, address: BigInt(DATA + 8192) });
        expect(counter() - before).toBe(4 * 503);
      }
      expect(actual).toEqual(expected);
    });
  }

  it('leaves after the iteration whose store hit a page holding lifted code', () => {
    const w = machine();
    start(w, DATA, 100n, DATA + 4096 + 8);
    w.memory.protect(DATA + 4096, 4096, 7);
    w.memory.fetch32(BigInt(DATA + 4096)); // a lifter read code on the second data page
    const run = compileWasmBlock(optimizeBlock(loopBlock()), w.cpu, w.memory);
    expect(run()).toBe(0);
    expect(w.cpu.regs[2]).toBe(99n);
    expect(w.cpu.regs[toyLayout.pc]).toBe(0x7000n);
    // The store cleared the code bit: the next entry loops its full count.
    run();
    expect(w.cpu.regs[2]).toBe(99n - BigInt(SELF_LOOP_SPINS));
  });
});
