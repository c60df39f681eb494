import { describe, expect, it } from 'vitest';
import { WasmDispatcher } from '../src/exec/wasm/dispatcher.js';
import { dispatchSlot } from '../src/exec/wasm/runtime.js';
import { IrBuilder } from '../src/index.js';
import { freshCpu, toyLayout } from './helpers.js';

const PC = toyLayout.pc;

/** PCs (4-byte aligned, below 4 GiB) whose blocks share one dispatch set. */
function collidingPcs(count: number): bigint[] {
  const first = 0x10000;
  const set = dispatchSlot(first);
  const pcs = [BigInt(first)];
  for (let pc = first + 4; pcs.length < count; pc += 4) if (dispatchSlot(pc) === set) pcs.push(BigInt(pc));
  return pcs;
}

/** A block at `pc` that adds 1 to register 0 and jumps to `next`. */
function counting(pc: bigint, next: bigint) {
  const b = new IrBuilder(pc);
  b.insn(pc, 0);
  b.setReg(0, b.add(b.getReg(0), 1n));
  b.jump(next);
  return b.finish();
}

describe('the wasm dispatch cache', () => {
  it('sets are pairs of slots chosen by a hash, so blocks 32 KiB apart do not meet', () => {
    expect(dispatchSlot(0x10000) % 2).toBe(0);
    expect(dispatchSlot(0x10000)).not.toBe(dispatchSlot(0x10000 + 0x8000));
  });

  it('two blocks of one set both stay: a loop through them runs its whole budget in wasm', () => {
    const { cpu, memory } = freshCpu();
    const dispatcher = new WasmDispatcher(cpu, memory);
    const [a, b] = collidingPcs(2);
    const blockA = dispatcher.compile(counting(a, b));
    const blockB = dispatcher.compile(counting(b, a));
    expect(blockA.slot).toBe(blockB.slot);
    cpu.regs[PC] = b;
    dispatcher.enter(blockB, 1); // B is installed; A was not yet
    cpu.regs[PC] = a;
    cpu.regs[0] = 0n;
    dispatcher.enter(blockA, 1000);
    expect(cpu.regs[0]).toBe(1000n); // no miss: every one of the 1000 blocks ran in wasm
  });

  it('a third block of the set evicts the one used least recently; forget removes a block', () => {
    const { cpu, memory } = freshCpu();
    const dispatcher = new WasmDispatcher(cpu, memory);
    const [a, b, c] = collidingPcs(3);
    const blocks = [
      dispatcher.compile(counting(a, b)),
      dispatcher.compile(counting(b, c)),
      dispatcher.compile(counting(c, a)),
    ];
    for (const [i, pc] of [a, b, c].entries()) {
      cpu.regs[PC] = pc;
      dispatcher.enter(blocks[i], 1);
    }
    // Entering B again puts it beside C, the block used last, and A leaves the set: from B the
    // chain runs B, C, then misses A.
    cpu.regs[PC] = b;
    cpu.regs[0] = 0n;
    dispatcher.enter(blocks[1], 1000);
    expect(cpu.regs[0]).toBe(2n);
    expect(cpu.regs[PC]).toBe(a);
    dispatcher.forget(c);
    cpu.regs[PC] = b;
    cpu.regs[0] = 0n;
    dispatcher.enter(blocks[1], 1000);
    expect(cpu.regs[0]).toBe(1n);
    expect(cpu.regs[PC]).toBe(c);
  });

  it('a chain never reaches a block whose code the block before it rewrote', () => {
    const { cpu, memory } = freshCpu();
    const dispatcher = new WasmDispatcher(cpu, memory);
    const [a, b] = [0x10000n, 0x20000n];
    memory.map(Number(b), 4096, 7, true);
    // A stores to B's page, then jumps to B; B counts and jumps back to A.
    const build = new IrBuilder(a);
    build.insn(a, 0);
    build.store(build.const64(b), build.const64(0n), 4);
    build.jump(b);
    const blockA = dispatcher.compile(build.finish());
    const blockB = dispatcher.compile(counting(b, a));
    const runFromA = () => {
      memory.fetch32(b); // B's page holds lifted code again: a store to it is a code change
      cpu.regs[PC] = b;
      dispatcher.enter(blockB, 1);
      cpu.regs[PC] = a;
      cpu.regs[0] = 0n;
      dispatcher.enter(blockA, 100);
    };
    // Unchanged, B stays in the cache and the chain runs A, B, A, B... on its whole budget.
    memory.onCodeChange = null;
    runFromA();
    expect(cpu.regs[0]).toBe(50n);
    // As the machine does: a write to B's page drops B from the cache, so A stops before it.
    memory.onCodeChange = () => dispatcher.forget(b);
    runFromA();
    expect(cpu.regs[0]).toBe(0n);
    expect(cpu.regs[PC]).toBe(b);
  });
});
